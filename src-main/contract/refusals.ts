import { Type, type Static } from 'typebox';
import { RefusalReasonSchema, refusalReasonValues } from './enums.ts';

/**
 * Refused predictions (issue 12 §6): 4xx answers of predict and v2 infer, counted per minute,
 * endpoint, algorithm and reason; `GET /api/v1/refusals` sums them over a time range.
 */

export const RefusalQuery = Type.Object({
  endpoint: Type.Optional(Type.String({ description: 'endpoint name or id' })),
  algorithm: Type.Optional(Type.Integer({ minimum: 1 })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'inclusive, by minute' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'inclusive, by minute' }))
});

export const RefusalRow = Type.Object({
  /** 0 when the endpoint named did not exist */
  endpoint_id: Type.Integer(),
  endpoint: Type.Union([Type.String(), Type.Null()]),
  /** 0 when the call was refused before an algorithm was chosen */
  algorithm_id: Type.Integer(),
  reason: RefusalReasonSchema,
  count: Type.Integer()
});

export const RefusalSummary = Type.Object({
  total: Type.Integer(),
  by_reason: Type.Object(Object.fromEntries(refusalReasonValues.map((r) => [r, Type.Integer()])) as Record<(typeof refusalReasonValues)[number], ReturnType<typeof Type.Integer>>),
  rows: Type.Array(RefusalRow)
});

export type RefusalSummaryBody = Static<typeof RefusalSummary>;
export type RefusalQueryParams = Static<typeof RefusalQuery>;
