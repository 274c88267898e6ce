import { Type, type Static } from 'typebox';

/**
 * Editable metadata of endpoints and algorithm versions (issue 12 §5), over PATCH (admin), kept
 * in a history like statuses. Only the fields sent change; each is checked by the server, which
 * reports every bad field at once (`errors` in the 400 answer).
 */

const author = {
  created_by: Type.String({ minLength: 1, maxLength: 128, description: 'who makes the edit (kept in the history)' }),
  reason: Type.Optional(Type.String({ maxLength: 1000, description: 'why (kept in the history)' }))
};
const tags = Type.Array(Type.String(), { description: 'short labels (at most 32, each up to 64 characters); repeats are dropped' });

export const EndpointPatchRequest = Type.Object(
  {
    description: Type.Optional(Type.String()),
    owner: Type.Optional(Type.String()),
    notes: Type.Optional(Type.String({ description: 'free text, up to 10000 characters' })),
    tags: Type.Optional(tags),
    allow_free_text_feedback: Type.Optional(
      Type.Boolean({ description: "feedback may be any text; otherwise a classifier's feedback must be one of its classes" })
    ),
    ...author
  },
  { additionalProperties: false }
);

export const AlgorithmPatchRequest = Type.Object(
  {
    description: Type.Optional(Type.String()),
    owner: Type.Optional(Type.String()),
    notes: Type.Optional(Type.String({ description: 'free text, up to 10000 characters' })),
    tags: Type.Optional(tags),
    metrics: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'name → number, replaces the whole map, e.g. {"accuracy": 0.8635, "auc": 0.91}' })),
    input_example: Type.Optional(Type.Unknown({ description: 'a record the model accepts (checked like a prediction); null removes it' })),
    ...author
  },
  { additionalProperties: false }
);

export const MetadataChangeBody = Type.Object({
  id: Type.Integer(),
  endpoint: Type.Integer(),
  /** null: an edit of the endpoint's own metadata */
  algorithm: Type.Union([Type.Integer(), Type.Null()]),
  /** field → its value before and after */
  changes: Type.Record(Type.String(), Type.Object({ before: Type.Unknown(), after: Type.Unknown() })),
  created_by: Type.String(),
  reason: Type.String(),
  created_at: Type.String({ format: 'date-time' })
});

export const MetadataHistoryQuery = Type.Object({
  endpoint: Type.Optional(Type.Integer({ description: 'an endpoint id: its own edits and its algorithms\'' })),
  algorithm: Type.Optional(Type.Integer({ description: 'one algorithm\'s edits' }))
});

export const DeleteAlgorithmBody = Type.Object({
  deleted: Type.Integer({ description: 'the algorithm id' }),
  /** the model file went too (no other version uses it) */
  artifact_removed: Type.Boolean(),
  message: Type.String()
});

export type EndpointPatch = Static<typeof EndpointPatchRequest>;
export type AlgorithmPatch = Static<typeof AlgorithmPatchRequest>;
export type MetadataChange = Static<typeof MetadataChangeBody>;
export type DeletedAlgorithm = Static<typeof DeleteAlgorithmBody>;
