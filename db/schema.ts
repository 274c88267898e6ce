import { sql } from 'drizzle-orm';
import { customType, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import {
  abMetricValues,
  abModeValues,
  abTestStateValues,
  algorithmStatusValues,
  outputKindValues,
  requestStatusValues,
  taskValues
} from '../src-main/contract/enums.ts';
import { keyScopeValues } from '../src-main/contract/access.ts';

/** ISO-8601 UTC timestamps as text, set by the app (DESIGN §2). */
const createdAt = () => text('created_at').notNull();

export const endpoints = sqliteTable('endpoints', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  description: text('description').notNull().default(''),
  owner: text('owner').notNull().default(''),
  createdAt: createdAt()
});

export const algorithms = sqliteTable(
  'algorithms',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    endpointId: integer('endpoint_id')
      .notNull()
      .references(() => endpoints.id),
    name: text('name').notNull(),
    version: text('version').notNull(),
    description: text('description').notNull().default(''),
    owner: text('owner').notNull().default(''),
    code: text('code').notNull().default(''),
    artifactSha256: text('artifact_sha256').notNull(),
    artifactBytes: integer('artifact_bytes').notNull(),
    /**
     * JSON: ModelSignature (inputs, outputs, opsets, producer, classes, …). Its shape belongs to
     * the core (core/inference/signature.ts), which db does not import: the registry narrows it.
     */
    signature: text('signature', { mode: 'json' }).notNull().$type<object>(),
    task: text('task', { enum: taskValues }).notNull(),
    classes: text('classes', { mode: 'json' }).$type<(string | number)[]>(),
    /** a JSON scalar, so a numeric class label stays a number */
    positiveClass: text('positive_class', { mode: 'json' }).$type<string | number>(),
    threshold: real('threshold'),
    featureNames: text('feature_names', { mode: 'json' }).$type<string[]>(),
    createdAt: createdAt(),
    /** classifiers: what the score output holds (issue 12 §2); null for other models and older rows */
    outputKind: text('output_kind', { enum: outputKindValues }),
    /** whether null in a record reaches the model as missing; null = as the graph says (older rows) */
    handlesMissing: integer('handles_missing', { mode: 'boolean' })
  },
  (t) => [uniqueIndex('algorithms_endpoint_name_version').on(t.endpointId, t.name, t.version)]
);

export const algorithmStatuses = sqliteTable(
  'algorithm_statuses',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    algorithmId: integer('algorithm_id')
      .notNull()
      .references(() => algorithms.id),
    /** denormalised so the database itself can enforce one production per endpoint */
    endpointId: integer('endpoint_id')
      .notNull()
      .references(() => endpoints.id),
    status: text('status', { enum: algorithmStatusValues }).notNull(),
    active: integer('active', { mode: 'boolean' }).notNull(),
    createdBy: text('created_by').notNull().default(''),
    reason: text('reason').notNull().default(''),
    createdAt: createdAt()
  },
  (t) => [
    uniqueIndex('algorithm_statuses_one_active').on(t.algorithmId).where(sql`active = 1`),
    uniqueIndex('algorithm_statuses_one_production')
      .on(t.endpointId)
      .where(sql`active = 1 and status = 'production'`),
    index('algorithm_statuses_algorithm').on(t.algorithmId)
  ]
);

export const abTests = sqliteTable(
  'ab_tests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    title: text('title').notNull(),
    endpointId: integer('endpoint_id')
      .notNull()
      .references(() => endpoints.id),
    mode: text('mode', { enum: abModeValues }).notNull(),
    metric: text('metric', { enum: abMetricValues }).notNull(),
    createdBy: text('created_by').notNull().default(''),
    createdAt: createdAt(),
    endedAt: text('ended_at'),
    /** the classic summary string ("Algorithm #1 accuracy: …") */
    summary: text('summary'),
    /**
     * JSON: the StoredResult computed at stop (its shape belongs to core/experiments/types.ts);
     * a bundle from elsewhere may bring any JSON here, so it is read as unknown
     */
    result: text('result', { mode: 'json' }).$type<unknown>(),
    state: text('state', { enum: abTestStateValues }).notNull(),
    /** effect size the sample-size estimate and the mSPRT mixing prior use; null = default */
    minimumDetectableDifference: real('minimum_detectable_difference')
  },
  (t) => [uniqueIndex('ab_tests_one_running').on(t.endpointId).where(sql`state = 'running'`)]
);

export const abTestArms = sqliteTable(
  'ab_test_arms',
  {
    abTestId: integer('ab_test_id')
      .notNull()
      .references(() => abTests.id),
    position: integer('position').notNull(),
    algorithmId: integer('algorithm_id')
      .notNull()
      .references(() => algorithms.id),
    weight: real('weight').notNull(),
    /** the arm's status before the test, restored when the test ends without a winner */
    previousStatus: text('previous_status', { enum: algorithmStatusValues })
  },
  (t) => [primaryKey({ columns: [t.abTestId, t.position] })]
);

/**
 * `requests.input` and `requests.response`: declared TEXT, holding either the JSON text as it was
 * answered (rows logged before issue #18, and rows that cannot be stored lean) or the lean
 * encoding as a BLOB. Read and written only through core/requests/row-codec.ts.
 */
const loggedValue = customType<{ data: string | Buffer; driverData: string | Buffer }>({ dataType: () => 'text' });

/**
 * The request log: one row per answered record. It is the hot table (a group-committed insert
 * per prediction), so it carries as little as the queries need: a plain rowid key (no
 * AUTOINCREMENT, whose sqlite_sequence page every commit would rewrite; retention deletes old
 * rows but never the newest, so ids still only grow: requests/retention.ts) and one secondary
 * index. Each extra page a commit touches costs a lone request ~25 µs (docs/BENCHMARKS.md). Endpoint and A/B filters are answered through the
 * index by their algorithm ids (request-log.ts, observations.ts).
 */
export const requests = sqliteTable(
  'requests',
  {
    id: integer('id').primaryKey(),
    endpointId: integer('endpoint_id')
      .notNull()
      .references(() => endpoints.id),
    algorithmId: integer('algorithm_id')
      .notNull()
      .references(() => algorithms.id),
    abTestId: integer('ab_test_id').references(() => abTests.id),
    /** true for shadow-mode runs whose answer was logged but never returned */
    shadow: integer('shadow', { mode: 'boolean' }).notNull().default(false),
    /** for a shadow row: the answered request it shadows (whose feedback it shares) */
    primaryRequestId: integer('primary_request_id'),
    /** the record as received: JSON text, or lean (row-codec.ts) */
    input: loggedValue('input').notNull(),
    /** the answer returned for this record, without request_id: JSON text, or lean (row-codec.ts) */
    response: loggedValue('response').notNull(),
    /** text used to compare with feedback: the label, the prediction, or 'error' */
    label: text('label').notNull(),
    status: text('status', { enum: requestStatusValues }).notNull(),
    latencyUs: integer('latency_us').notNull(),
    clientKey: text('client_key'),
    /** the API key that made the prediction (null: the admin token, or no credential on loopback) */
    apiKeyId: integer('api_key_id').references(() => apiKeys.id),
    /** the call's X-Request-Id (the client's, or generated): a client finds its rows by it; not indexed (filtered by scan) */
    clientRequestId: text('client_request_id'),
    feedback: text('feedback'),
    feedbackAt: text('feedback_at'),
    createdAt: createdAt(),
    /**
     * For a row imported from a bundle: `<registry id>:<request id>` where it was first logged
     * (core/bundle/request-merge.ts); null for rows logged here. Only imported rows enter its
     * partial unique index, so the hot insert path (which never sets it) pays nothing for it.
     */
    origin: text('origin')
  },
  (t) => [
    index('requests_algorithm_ab_test').on(t.algorithmId, t.abTestId),
    uniqueIndex('requests_origin').on(t.origin).where(sql`origin is not null`)
  ]
);

/**
 * API keys (issue 17): only the SHA-256 of a secret is kept; `prefix` (the secret's first
 * characters) finds the row, then the hashes are compared in constant time. Keys are never
 * deleted, only revoked, so the request log and the audit log can keep pointing at them.
 */
export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    prefix: text('prefix').notNull().unique(),
    secretHash: text('secret_hash').notNull(),
    scope: text('scope', { enum: keyScopeValues }).notNull(),
    /** predict keys: the endpoint names they may call; null = all */
    endpoints: text('endpoints', { mode: 'json' }).$type<string[]>(),
    /** the credential that created it: owner, a key's name, cli */
    createdBy: text('created_by').notNull().default(''),
    createdAt: createdAt(),
    expiresAt: text('expires_at'),
    /** requests per second; null = unlimited */
    rateLimit: real('rate_limit'),
    lastUsedAt: text('last_used_at'),
    lastUsedAddress: text('last_used_address'),
    revokedAt: text('revoked_at')
  },
  (t) => [uniqueIndex('api_keys_active_name').on(t.name).where(sql`revoked_at is null`)]
);

export * from './schema/audit.ts';
export * from './schema/bundles.ts';
export * from './schema/refusals.ts';
export * from './schema/metadata.ts';
export * from './schema/monitoring.ts';
export * from './schema/jobs.ts';
export * from './schema/request-log.ts';
