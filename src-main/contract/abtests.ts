import { Type, type Static } from 'typebox';
import { AbMetricSchema, AbModeSchema, AbTestStateSchema, AlgorithmStatusSchema } from './enums.ts';
import { BreakingChangeFields } from './input-contract.ts';

/**
 * A/B tests (DESIGN §5, issue #3). The first eight fields are the classic tutorial's ABTest
 * (seed-api.md §4.7); the rest are ModelDesk's: arms with weights, mode, metric, live results.
 */

const nullableNumber = Type.Union([Type.Number(), Type.Null()]);
const nullableInteger = Type.Union([Type.Integer(), Type.Null()]);

export const ArmRequest = Type.Object({
  algorithm_id: Type.Integer(),
  weight: Type.Optional(Type.Number({ description: 'positive; traffic share is weight / sum of weights (default 1)' }))
});

export const CreateAbTestRequest = Type.Object({
  title: Type.String({ minLength: 1, maxLength: 10000 }),
  created_by: Type.String({ minLength: 1, maxLength: 128 }),
  parent_mlalgorithm_1: Type.Optional(Type.Integer()),
  parent_mlalgorithm_2: Type.Optional(Type.Integer()),
  arms: Type.Optional(Type.Array(ArmRequest, { minItems: 2, maxItems: 10 })),
  mode: Type.Optional(AbModeSchema),
  metric: Type.Optional(AbMetricSchema),
  minimum_detectable_difference: Type.Optional(
    Type.Number({ exclusiveMinimum: 0, description: 'effect size for the sample-size estimate (default 0.05 accuracy, or 10% of the RMSE/MAE)' })
  ),
  ...BreakingChangeFields,
  reason: Type.Optional(Type.String({ maxLength: 1000, description: 'why a breaking change is accepted (with allow_breaking_change)' }))
});

export const ArmResult = Type.Object({
  algorithm_id: Type.Integer(),
  /** "A", "B", … in arm order */
  arm: Type.String(),
  name: Type.String(),
  version: Type.String(),
  weight: Type.Number(),
  requests: Type.Integer({ description: 'every request routed to the arm: answered, failed or refused' }),
  refused: Type.Optional(Type.Integer({ description: 'of those, refused with a 4xx (counted per minute in the test\'s time range); they count as errors' })),
  feedback: Type.Integer(),
  metric: nullableNumber,
  ci_low: nullableNumber,
  ci_high: nullableNumber,
  error_rate: nullableNumber,
  latency_p50_us: nullableNumber,
  latency_p95_us: nullableNumber
});

export const Comparison = Type.Object({
  /** best arm's metric minus the other's (two arms), or spread (more arms) */
  difference: nullableNumber,
  p_value: nullableNumber,
  /** the fixed-horizon test reported for information */
  test: Type.String(),
  sequential_p_value: nullableNumber,
  sequential_test: Type.String(),
  minimum_detectable_difference: Type.Number(),
  /** per arm, still needed at 80% power, alpha 0.05 (0 when reached) */
  required_sample_size_per_arm: nullableInteger,
  additional_feedback_needed: nullableInteger
});

export const Verdict = Type.Object({
  code: Type.Union([Type.Literal('not_enough_data'), Type.Literal('no_significant_difference'), Type.Literal('better')]),
  winner_algorithm_id: nullableInteger,
  text: Type.String(),
  decided_by: Type.String()
});

export const AbResults = Type.Object({
  computed_at: Type.String(),
  metric: AbMetricSchema,
  higher_is_better: Type.Boolean(),
  arms: Type.Array(ArmResult),
  comparison: Comparison,
  verdict: Verdict
});

export const StopOutcome = Type.Object({
  promoted_algorithm_id: nullableInteger,
  forced: Type.Boolean(),
  reason: Type.String()
});

export const AbTestBody = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  created_by: Type.String(),
  created_at: Type.String(),
  ended_at: Type.Union([Type.String(), Type.Null()]),
  summary: Type.Union([Type.String(), Type.Null()]),
  parent_mlalgorithm_1: Type.Integer(),
  parent_mlalgorithm_2: Type.Integer(),
  endpoint: Type.Integer(),
  endpoint_name: Type.String(),
  mode: AbModeSchema,
  metric: AbMetricSchema,
  state: AbTestStateSchema,
  arms: Type.Array(Type.Object({ algorithm_id: Type.Integer(), weight: Type.Number() })),
  /** live while running; frozen at stop */
  results: Type.Optional(AbResults),
  outcome: Type.Optional(Type.Union([StopOutcome, Type.Null()]))
});

export const TimelinePoint = Type.Object({
  at: Type.String(),
  arms: Type.Array(
    Type.Object({ algorithm_id: Type.Integer(), feedback: Type.Integer(), metric: nullableNumber, ci_low: nullableNumber, ci_high: nullableNumber })
  )
});

export const AbTimeline = Type.Object({ points: Type.Array(TimelinePoint) });

export const StopRequest = Type.Object({
  keep_production: Type.Optional(
    Type.Boolean({ description: 'stop without promoting any arm, whatever the verdict: each arm gets its status from before the test back' })
  ),
  force_winner: Type.Optional(Type.Integer({ description: 'algorithm id to promote whatever the verdict; needs reason' })),
  reason: Type.Optional(Type.String({ maxLength: 1000 })),
  created_by: Type.Optional(Type.String({ maxLength: 128 }))
});

export const StopQuery = Type.Object({
  dry_run: Type.Optional(Type.Boolean({ default: false, description: 'say what stopping would do now; change nothing' }))
});

export const StopChange = Type.Object({
  algorithm_id: Type.Integer(),
  arm: Type.String(),
  name: Type.String(),
  version: Type.String(),
  from: Type.Union([AlgorithmStatusSchema, Type.Null()]),
  to: AlgorithmStatusSchema
});

export const StopResponse = Type.Object({
  message: Type.String(),
  summary: Type.Optional(Type.String()),
  result: Type.Optional(AbResults),
  outcome: Type.Optional(StopOutcome),
  /** true: nothing was changed, this is what stopping would do */
  dry_run: Type.Optional(Type.Boolean()),
  /** each arm's status change */
  changes: Type.Optional(Type.Array(StopChange)),
  /** what stopping does, in plain words (what the UI shows before the user confirms) */
  description: Type.Optional(Type.String())
});

export type CreateAbTest = Static<typeof CreateAbTestRequest>;
export type AbTest = Static<typeof AbTestBody>;
export type AbTestResults = Static<typeof AbResults>;
export type AbTestTimeline = Static<typeof AbTimeline>;
export type StopAbTest = Static<typeof StopRequest>;
export type StopAbTestResponse = Static<typeof StopResponse>;
export type StopAbTestChange = Static<typeof StopChange>;
