import { Type, type Static } from 'typebox';
import { TaskSchema } from './enums.ts';

/**
 * An endpoint's input contract (issue 12 §1): what its clients send, and what they read back.
 * The server derives it and compares a new algorithm against it (core/registry/contract/); the
 * UI only shows these shapes, so the rules live once, on the server.
 */

const dims = Type.Array(Type.Union([Type.Integer(), Type.Null()]), { description: 'null = any size' });

export const ContractField = Type.Object({
  /** as the model names it (an input name, or a feature name) */
  name: Type.String(),
  /** the normalised key a record's key is matched by (contract/record-keys.ts) */
  key: Type.String(),
  /** element type: float32, int64, string, … */
  type: Type.String(),
  /** [] = one value; [n] = an array of n values (null = any length) */
  shape: dims
});

export const ContractTensor = Type.Object({
  name: Type.String(),
  type: Type.String(),
  shape: Type.Union([Type.Array(Type.Union([Type.Integer(), Type.String(), Type.Null()])), Type.Null()])
});

export const ContractOutputs = Type.Object({
  task: TaskSchema,
  /** type of `label` in answers: string, number, or null when the model answers no label */
  label_type: Type.Union([Type.Literal('string'), Type.Literal('number'), Type.Null()]),
  classes: Type.Union([Type.Array(Type.Union([Type.String(), Type.Number()])), Type.Null()])
});

export const InputContractBody = Type.Object({
  /** the algorithm whose inputs define the contract */
  algorithm_id: Type.Integer(),
  /** production; else the last algorithm that was in production (e.g. during an A/B test); else the first registered */
  source: Type.Union([Type.Literal('production'), Type.Literal('last_production'), Type.Literal('first_registered')]),
  /** named fields a record (JSON object) carries; null when the model takes arrays of numbers only */
  fields: Type.Union([Type.Array(ContractField), Type.Null()]),
  /** a record may be an array of numbers: their element type and count (null count = any); null when it may not */
  array: Type.Union([Type.Object({ type: Type.String(), length: Type.Union([Type.Integer(), Type.Null()]) }), Type.Null()]),
  /** the model's tensor inputs as its signature has them (what v2 clients send) */
  inputs: Type.Array(ContractTensor),
  outputs: ContractOutputs
});

export const differenceKindValues = [
  'missing_field',
  'type_change',
  'shape_change',
  'record_format',
  'ignored_field',
  'task_change',
  'label_type_change',
  'classes_change'
] as const;
export type DifferenceKind = (typeof differenceKindValues)[number];

/** breaking: clients' requests would be refused; warning: clients read different answers; info: harmless */
export const severityValues = ['breaking', 'warning', 'info'] as const;
export type Severity = (typeof severityValues)[number];

export const ContractDifference = Type.Object({
  kind: Type.Enum(differenceKindValues),
  severity: Type.Enum(severityValues),
  /** the record field it is about, when one */
  field: Type.Union([Type.String(), Type.Null()]),
  /** as the contract has it, and as the new algorithm would have it (readable text; null = absent) */
  before: Type.Union([Type.String(), Type.Null()]),
  after: Type.Union([Type.String(), Type.Null()]),
  /** what it means for existing clients, in plain words */
  message: Type.String()
});

export const CompatibilityBody = Type.Object({
  endpoint: Type.String(),
  /** null when the endpoint has no contract yet (no algorithm): anything is compatible */
  contract: Type.Union([InputContractBody, Type.Null()]),
  /** no breaking difference */
  compatible: Type.Boolean(),
  differences: Type.Array(ContractDifference),
  /** what happens to existing clients, in plain words */
  summary: Type.String()
});

export const CompatibilityQuery = Type.Object({
  algorithm: Type.Integer({ description: 'the algorithm to compare with the endpoint\'s contract' })
});

/** The opt-in a request carries to go ahead with a breaking change anyway. */
export const BreakingChangeFields = {
  allow_breaking_change: Type.Optional(
    Type.Boolean({ description: 'go ahead although the algorithm breaks the endpoint\'s input contract; needs a reason, kept in the status history' })
  )
};

export type InputContract = Static<typeof InputContractBody>;
export type ContractFieldBody = Static<typeof ContractField>;
export type ContractDifferenceBody = Static<typeof ContractDifference>;
export type Compatibility = Static<typeof CompatibilityBody>;

const AlgorithmRefBody = Type.Object({ id: Type.Integer(), name: Type.String(), version: Type.String() });

export const RollbackQuery = Type.Object({
  dry_run: Type.Optional(Type.Boolean({ default: false, description: 'say what rolling back would do; change nothing' }))
});

export const RollbackRequest = Type.Object(
  {
    reason: Type.Optional(Type.String({ maxLength: 1000, description: 'why (required unless dry_run); kept in the status history' })),
    created_by: Type.Optional(Type.String({ maxLength: 128 })),
    ...BreakingChangeFields
  },
  { additionalProperties: false }
);

export const RollbackBody = Type.Object({
  dry_run: Type.Boolean(),
  applied: Type.Boolean(),
  /** false when the endpoint has no earlier production algorithm */
  possible: Type.Boolean(),
  /** today's production, and the algorithm that goes back to production */
  from: Type.Union([AlgorithmRefBody, Type.Null()]),
  to: Type.Union([AlgorithmRefBody, Type.Null()]),
  /** when `to` last entered production */
  since: Type.Union([Type.String(), Type.Null()]),
  /** what rolling back does, in plain words */
  description: Type.String(),
  /** `to` against the endpoint's input contract */
  compatibility: Type.Union([CompatibilityBody, Type.Null()])
});

export type RollbackResult = Static<typeof RollbackBody>;
export type RollbackInput = Static<typeof RollbackRequest>;
