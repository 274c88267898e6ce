import { Type, type Static } from 'typebox';
import { TaskSchema } from './enums.ts';

/**
 * A replay's report (issue #16 §2): the candidate scored on the requests the endpoint answered,
 * compared with the answers given then, per answering model (an A/B arm's requests count for
 * that arm), and, on requests with feedback, a paired test of who was right more often.
 */

const nullableNumber = Type.Union([Type.Number(), Type.Null()]);
const Interval = Type.Object({ lower: Type.Number(), upper: Type.Number() });

export const LatencySummary = Type.Object({
  p50_us: nullableNumber,
  p95_us: nullableNumber,
  n: Type.Integer()
});

export const PairedComparison = Type.Object({
  /** accuracy for classifiers, mean absolute error for regressors */
  metric: Type.Union([Type.Literal('accuracy'), Type.Literal('mae')]),
  labelled: Type.Integer({ description: 'requests with feedback compared' }),
  answered: Type.Number({ description: 'the metric of the answers given then' }),
  candidate: Type.Number(),
  /** candidate − answered */
  difference: Type.Number(),
  ci: Type.Union([Interval, Type.Null()]),
  test: Type.Union([Type.Literal('McNemar'), Type.Literal('paired t-test')]),
  statistic: nullableNumber,
  p_value: nullableNumber,
  /** requests with feedback a test at the 5% level would need to detect this difference with 80% power */
  labelled_needed: Type.Union([Type.Integer(), Type.Null()]),
  /** classifiers: who was right, answered then vs candidate */
  counts: Type.Union([
    Type.Object({ both_right: Type.Integer(), only_answered_right: Type.Integer(), only_candidate_right: Type.Integer(), both_wrong: Type.Integer() }),
    Type.Null()
  ])
});

export const ReplayArm = Type.Object({
  algorithm_id: Type.Integer(),
  name: Type.String(),
  version: Type.String(),
  /** the A/B tests whose arm answered these requests */
  ab_test_ids: Type.Array(Type.Integer()),
  /** the candidate answered these itself (it was an arm): not part of the verdict */
  is_candidate: Type.Boolean(),
  compared: Type.Integer(),
  /** share of equal labels (classifiers) or equal predictions (regressors) */
  agreement: nullableNumber,
  /** classifiers: answered label (row) → candidate label (column) */
  flips: Type.Union([Type.Object({ labels: Type.Array(Type.String()), counts: Type.Array(Type.Array(Type.Integer())) }), Type.Null()]),
  /** regressors: candidate − answered */
  differences: Type.Union([
    Type.Object({ mean: Type.Number(), mean_abs: Type.Number(), p05: Type.Number(), p50: Type.Number(), p95: Type.Number(), max_abs: Type.Number() }),
    Type.Null()
  ]),
  comparison: Type.Union([PairedComparison, Type.Null()]),
  latency: Type.Object({
    logged: LatencySummary,
    answered_now: LatencySummary,
    candidate_now: LatencySummary
  })
});

export const replayVerdictValues = ['better', 'worse', 'no_difference', 'no_feedback', 'nothing_compared'] as const;
export type ReplayVerdictCode = (typeof replayVerdictValues)[number];

export const ReplayReport = Type.Object({
  task: TaskSchema,
  candidate: Type.Object({ algorithm_id: Type.Integer(), name: Type.String(), version: Type.String() }),
  replayed: Type.Integer(),
  compared: Type.Integer(),
  skipped: Type.Array(Type.Object({ reason: Type.String(), count: Type.Integer() })),
  /** per answering model, most requests first */
  arms: Type.Array(ReplayArm),
  /** the answered requests of every model but the candidate, together: what the verdict is on */
  overall: Type.Union([ReplayArm, Type.Null()]),
  verdict: Type.Object({
    code: Type.Enum(replayVerdictValues),
    text: Type.String(),
    /** labelled requests a decision would need at this effect size (80% power, 5% level) */
    labelled_needed: Type.Union([Type.Integer(), Type.Null()])
  }),
  /** how the single-record latencies were measured */
  latency_note: Type.String()
});

export type ReplayReportBody = Static<typeof ReplayReport>;
export type ReplayArmBody = Static<typeof ReplayArm>;
export type PairedComparisonBody = Static<typeof PairedComparison>;
