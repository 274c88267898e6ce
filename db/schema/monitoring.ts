import { sql } from 'drizzle-orm';
import { blob, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { referenceSourceValues } from '../../src-main/contract/monitoring.ts';
import { algorithms } from '../schema.ts';

/**
 * Monitoring (issue #15): aggregates kept as the request log grows, so that a page view never
 * re-reads logged rows. The aggregator (core/monitoring/aggregator.ts) reads each new log row
 * once, by id after a watermark, and commits the aggregates and the watermark together.
 */

/**
 * Serving health of one algorithm over one period (a minute or an hour: two tables of this
 * shape). `latency_histogram` counts rows by latency in the fixed logarithmic buckets of
 * core/monitoring/health/latency-histogram.ts (little-endian uint32, up to the last used bucket).
 */
const healthColumns = {
  algorithmId: integer('algorithm_id')
    .notNull()
    .references(() => algorithms.id),
  /** logged predictions (rows), shadow runs included */
  requests: integer('requests').notNull().default(0),
  /** of which shadow runs (answered to nobody) */
  shadow: integer('shadow').notNull().default(0),
  /** rows whose model run failed (status Error) */
  failures: integer('failures').notNull().default(0),
  latencySumUs: integer('latency_sum_us').notNull().default(0),
  latencyHistogram: blob('latency_histogram', { mode: 'buffer' }),
  /** onnxruntime runs (from `model.ran`), the records they held, and the largest */
  runs: integer('runs').notNull().default(0),
  runRows: integer('run_rows').notNull().default(0),
  runMax: integer('run_max').notNull().default(0)
};

/** Per minute (unix minutes), kept for a week: the fine buckets of short windows. */
export const healthMinutes = sqliteTable('monitor_health_minutes', { minute: integer('minute').notNull(), ...healthColumns }, (t) => [
  primaryKey({ columns: [t.algorithmId, t.minute] })
]);

/** Per hour (unix hours), kept for good: windows of days and weeks. */
export const healthHours = sqliteTable('monitor_health_hours', { hour: integer('hour').notNull(), ...healthColumns }, (t) => [
  primaryKey({ columns: [t.algorithmId, t.hour] })
]);

/**
 * A reference profile of an algorithm version (core/monitoring/drift/profile-schema.ts): what
 * drift is measured against. Never raw rows. At most one active profile per algorithm; a new one
 * (re-baselining) deactivates the previous, which stays for the record.
 */
export const referenceProfiles = sqliteTable(
  'reference_profiles',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    algorithmId: integer('algorithm_id')
      .notNull()
      .references(() => algorithms.id),
    active: integer('active', { mode: 'boolean' }).notNull(),
    /** file (a training file), requests (a range of the version's own log), json (a profile sent as is), bundle (imported) */
    source: text('source', { enum: referenceSourceValues }).notNull(),
    /** the file's name, or the time range */
    description: text('description').notNull().default(''),
    /** JSON: the ReferenceProfile */
    profile: text('profile', { mode: 'json' }).notNull().$type<unknown>(),
    /** log rows with a larger id are counted live into this profile's aggregates */
    liveFromId: integer('live_from_id').notNull(),
    /** the backfill still has the rows after this id (up to live_from_id) to count; null = done */
    backfillAfterId: integer('backfill_after_id'),
    createdBy: text('created_by').notNull().default(''),
    createdAt: text('created_at').notNull()
  },
  (t) => [
    uniqueIndex('reference_profiles_one_active').on(t.algorithmId).where(sql`active = 1`),
    index('reference_profiles_algorithm').on(t.algorithmId)
  ]
);

/** The current window of a profile, per hour: drift/window.ts's WindowCounts as JSON. */
export const driftHours = sqliteTable(
  'monitor_drift_hours',
  {
    profileId: integer('profile_id')
      .notNull()
      .references(() => referenceProfiles.id),
    hour: integer('hour').notNull(),
    rows: integer('rows').notNull(),
    counts: text('counts', { mode: 'json' }).notNull().$type<unknown>()
  },
  (t) => [primaryKey({ columns: [t.profileId, t.hour] })]
);

/**
 * The outcome of each prediction that has feedback, for quality over time: whether the label was
 * right (classifiers) or the error (regressors), when it was predicted and how long the truth took.
 * One row per request, replaced when its feedback changes and removed when it is cleared, so the
 * quality series stay exact however often feedback is edited.
 */
export const feedbackOutcomes = sqliteTable(
  'monitor_feedback',
  {
    requestId: integer('request_id').primaryKey(),
    algorithmId: integer('algorithm_id').notNull(),
    /** unix seconds of the prediction */
    predictedAt: integer('predicted_at').notNull(),
    /** 1 right, 0 wrong (a failed prediction with feedback is wrong); null for regressors */
    correct: integer('correct'),
    /** prediction − truth (regressors); null for classifiers or an unusable truth */
    error: real('error'),
    /** feedback time − prediction time, seconds */
    delaySeconds: real('delay_seconds').notNull()
  },
  (t) => [index('monitor_feedback_algorithm_time').on(t.algorithmId, t.predictedAt)]
);

/** The aggregator's progress (key → value): `watermark` = the last request id counted. */
export const monitorState = sqliteTable('monitor_state', {
  key: text('key').primaryKey(),
  value: integer('value').notNull()
});
