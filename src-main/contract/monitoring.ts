import { Type, type Static } from 'typebox';

/**
 * Monitoring (issue #15): the API's documents for serving health, quality over time, drift and
 * reference profiles, declared once for the routes (validation, OpenAPI) and the renderer (types).
 * All times are ISO-8601 UTC; windows are durations such as `1h`, `24h`, `7d`, `30d`.
 */

const nullableNumber = Type.Union([Type.Number(), Type.Null()]);
const nullableString = Type.Union([Type.String(), Type.Null()]);

/** The windows the Monitoring page offers (the API takes any duration from 1m to 90d). */
export const monitoringWindows = ['1h', '24h', '7d', '30d'] as const;
export type MonitoringWindow = (typeof monitoringWindows)[number];

export const driftVerdictValues = ['not_enough_data', 'no_drift', 'warning', 'drift'] as const;
export const DriftVerdictSchema = Type.Enum(driftVerdictValues);
export type DriftVerdictValue = (typeof driftVerdictValues)[number];

/** Where a reference profile came from: a training file, a range of the version's own log, a profile sent as JSON, a registry bundle. */
export const referenceSourceValues = ['file', 'requests', 'json', 'bundle'] as const;
export type ReferenceSource = (typeof referenceSourceValues)[number];

export const MonitoringQuery = Type.Object({
  endpoint: Type.Optional(Type.String({ description: 'endpoint name (or id); required unless algorithm is given' })),
  algorithm: Type.Optional(Type.Integer({ minimum: 1, description: 'one algorithm version; default: every version of the endpoint' })),
  window: Type.Optional(Type.String({ description: 'duration ending now: 1h, 24h (default), 7d, 30d, or any of m/h/d up to 90d' }))
});

const Interval = Type.Object({ value: Type.Number(), ci_low: Type.Number(), ci_high: Type.Number() });
const Estimate = Type.Union([Interval, Type.Null()]);

export const QualityPoint = Type.Object({
  /** predictions answered in the bucket (shadow runs excluded) and how many got feedback */
  predictions: Type.Integer(),
  feedback: Type.Integer(),
  /** feedback ÷ predictions with its 95% Wilson interval */
  coverage: Estimate,
  /** classifiers: share of feedback matching the label, 95% Wilson interval */
  accuracy: Estimate,
  /** regressors: 95% t-intervals */
  rmse: Estimate,
  mae: Estimate,
  /** time from prediction to feedback, seconds */
  feedback_delay_seconds: Type.Union([Type.Object({ median: Type.Number(), p90: Type.Number() }), Type.Null()])
});

export const LatencySummary = Type.Union([
  Type.Object({ p50: Type.Number(), p95: Type.Number(), p99: Type.Number(), mean: Type.Number() }, { description: 'milliseconds per logged prediction (the log\'s latency_us)' }),
  Type.Null()
]);

export const HealthPoint = Type.Object({
  start: Type.String({ description: 'bucket start' }),
  /** logged predictions (rows; one per record of a batch call), shadow runs included */
  requests: Type.Integer(),
  requests_per_second: Type.Number(),
  shadow: Type.Integer(),
  /** per algorithm id, for the endpoint view */
  requests_by_version: Type.Record(Type.String(), Type.Integer()),
  errors: Type.Object({
    /** predictions whose model run failed (answered with status Error) */
    model_failures: Type.Integer(),
    /**
     * requests refused (4xx) before any model ran, by reason (refusalReasonValues in enums.ts:
     * validation, no_algorithm, auth, too_large, …), from the `refusals` table; a version's view
     * counts those refused after that version was chosen
     */
    refused: Type.Record(Type.String(), Type.Integer()),
    refused_total: Type.Integer(),
    /** (failures + refused) ÷ (requests + refused); null without traffic */
    error_rate: nullableNumber
  }),
  latency_ms: LatencySummary,
  /** records per onnxruntime run (dynamic batching) */
  batch: Type.Union([Type.Object({ runs: Type.Integer(), mean_size: Type.Number(), max_size: Type.Integer() }), Type.Null()]),
  quality: QualityPoint
});

export const VersionMarker = Type.Object({
  at: Type.String(),
  algorithm_id: Type.Integer(),
  name: Type.String(),
  version: Type.String(),
  status: Type.String(),
  /** promotion: to production; rollback: back to production after another version held it */
  kind: Type.Union([Type.Literal('promotion'), Type.Literal('rollback'), Type.Literal('status')]),
  created_by: Type.String(),
  reason: Type.String()
});

export const AlgorithmRefBody = Type.Object({ id: Type.Integer(), name: Type.String(), version: Type.String(), status: nullableString });

export const HealthSeries = Type.Object({
  endpoint: Type.Object({ id: Type.Integer(), name: Type.String() }),
  /** null: every version of the endpoint together */
  algorithm: Type.Union([AlgorithmRefBody, Type.Null()]),
  versions: Type.Array(AlgorithmRefBody),
  window: Type.String(),
  from: Type.String(),
  to: Type.String(),
  bucket_seconds: Type.Integer(),
  /** the metric quality is measured with: accuracy (classifiers) or rmse/mae (regressors) */
  task: Type.String(),
  points: Type.Array(HealthPoint),
  totals: Type.Object({
    requests: Type.Integer(),
    model_failures: Type.Integer(),
    refused: Type.Integer(),
    error_rate: nullableNumber,
    latency_ms: LatencySummary,
    quality: QualityPoint
  }),
  markers: Type.Array(VersionMarker)
});

export const ReferenceSummary = Type.Object({
  id: Type.Integer(),
  algorithm_id: Type.Integer(),
  active: Type.Boolean(),
  source: Type.Enum(referenceSourceValues),
  description: Type.String(),
  rows: Type.Integer(),
  features: Type.Array(Type.String()),
  predictions: Type.Array(Type.String()),
  /** true while the profile is still being applied to requests logged before it was set */
  backfilling: Type.Boolean(),
  created_by: Type.String(),
  created_at: Type.String()
});

export const FromRequestsBody = Type.Object({
  algorithm: Type.Integer({ minimum: 1 }),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'start of the range (inclusive)' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'end of the range (exclusive); default now' })),
  window: Type.Optional(Type.String({ description: '"re-baseline now": the window ending now, e.g. 24h or 7d (instead of from/to)' })),
  created_by: Type.Optional(Type.String({ maxLength: 128 }))
});

export const EffectTriggerBody = Type.Object({ metric: Type.String(), value: Type.Number(), threshold: Type.Number(), level: Type.String() });

export const DriftColumn = Type.Object({
  name: Type.String(),
  kind: Type.Union([Type.Literal('numeric'), Type.Literal('categorical')]),
  verdict: DriftVerdictSchema,
  /** the metric the table shows: the strongest that crossed a threshold, else PSI */
  metric: Type.String(),
  value: nullableNumber,
  psi: nullableNumber,
  js_distance: nullableNumber,
  wasserstein_norm: nullableNumber,
  ks_statistic: nullableNumber,
  p_value: nullableNumber,
  adjusted_p_value: nullableNumber,
  missing_rate: Type.Object({ reference: nullableNumber, current: nullableNumber }),
  unseen_rate: nullableNumber,
  reference_count: Type.Integer(),
  current_count: Type.Integer(),
  reference_mean: nullableNumber,
  current_mean: nullableNumber,
  triggers: Type.Array(EffectTriggerBody),
  /** the same metric per part of the window, oldest first (null: too few rows in that part) */
  sparkline: Type.Array(nullableNumber)
});

export const DriftReportBody = Type.Object({
  algorithm: Type.Object({ id: Type.Integer(), name: Type.String(), version: Type.String(), endpoint: Type.String(), status: nullableString }),
  window: Type.String(),
  from: Type.String(),
  to: Type.String(),
  reference: Type.Union([ReferenceSummary, Type.Null()]),
  /** why there is no report, and exactly how to get one (no reference profile yet) */
  empty_reason: nullableString,
  /** set for models without named features: drift needs them, predictions are still monitored */
  features_note: nullableString,
  /** logged rows in the window counted against the reference */
  rows: Type.Integer(),
  /**
   * rows ÷ the version's logged requests in the window: below 1 when busy traffic was counted as
   * a uniform sample (over 200 rows/s), or when part of the window is older than the profile's
   * 30-day backfill; null without requests
   */
  sample_share: nullableNumber,
  verdict: DriftVerdictSchema,
  drifted_share: nullableNumber,
  drifted: Type.Array(Type.String()),
  warnings: Type.Array(Type.String()),
  features: Type.Array(DriftColumn),
  prediction: Type.Object({ verdict: DriftVerdictSchema, columns: Type.Array(DriftColumn) }),
  sparkline_bucket_seconds: Type.Integer(),
  thresholds: Type.Record(Type.String(), Type.Unknown())
});

export const HistogramQuery = Type.Object({
  algorithm: Type.Integer({ minimum: 1 }),
  column: Type.String({ minLength: 1, description: 'a feature, or a prediction column (label, probability, prediction)' }),
  window: Type.Optional(Type.String())
});

export const HistogramBody = Type.Object({
  column: Type.String(),
  role: Type.Union([Type.Literal('feature'), Type.Literal('prediction')]),
  kind: Type.Union([Type.Literal('numeric'), Type.Literal('categorical')]),
  /** fine: one bar per reference bin (categories, or values of a discrete feature); coarse: groups of about 10% of the reference each */
  binning: Type.Union([Type.Literal('fine'), Type.Literal('coarse')]),
  bins: Type.Array(
    Type.Object({ label: Type.String(), reference: Type.Number(), current: Type.Number(), reference_count: Type.Integer(), current_count: Type.Integer() })
  ),
  reference_total: Type.Integer(),
  current_total: Type.Integer()
});

export const AlgorithmHealthBody = Type.Object({
  algorithm_id: Type.Integer(),
  endpoint: Type.String(),
  name: Type.String(),
  version: Type.String(),
  status: nullableString,
  /** dataset-level drift over the last 24 hours; null without a reference profile */
  drift: Type.Union([DriftVerdictSchema, Type.Null()]),
  drifted: Type.Array(Type.String()),
  prediction_drift: Type.Union([DriftVerdictSchema, Type.Null()]),
  /** error rate of the last hour against the 24 hours before it */
  error_rate: Type.Object({ recent: nullableNumber, baseline: nullableNumber, jumped: Type.Boolean() }),
  /** drift or an error-rate jump: the Models page shows a badge */
  alert: Type.Boolean()
});

export type HealthSeries = Static<typeof HealthSeries>;
export type HealthPoint = Static<typeof HealthPoint>;
export type QualityPoint = Static<typeof QualityPoint>;
export type VersionMarker = Static<typeof VersionMarker>;
export type ReferenceSummary = Static<typeof ReferenceSummary>;
export type DriftReportBody = Static<typeof DriftReportBody>;
export type DriftColumn = Static<typeof DriftColumn>;
export type HistogramBody = Static<typeof HistogramBody>;
export type AlgorithmHealthBody = Static<typeof AlgorithmHealthBody>;
export type FromRequestsBody = Static<typeof FromRequestsBody>;
