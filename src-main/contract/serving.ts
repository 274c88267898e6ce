import { Type, type Static } from 'typebox';

/**
 * Serving settings (issue #6): onnxruntime threads and dynamic batching, kept in
 * `<data>/serving.json` and changed from the app or with `PUT /api/v1/serving`.
 */

const maxBatchSizeSchema = {
  type: 'integer',
  minimum: 1,
  maximum: 100_000,
  description: 'most rows one model run takes from concurrent requests; 1 = no batching'
} as const;
const maxWaitUsSchema = {
  type: 'integer',
  minimum: 0,
  maximum: 10_000_000,
  description: 'µs a batch may wait for more rows; 0 = adaptive (no timer: only rows that arrived together, or while a run was in flight)'
} as const;
const threadsSchema = {
  type: 'integer',
  minimum: 0,
  maximum: 256,
  description: 'onnxruntime intra-op threads per model; 0 = one per core. 1 (default) keeps every answer bit-identical whatever batch it ran in'
} as const;
const workersSchema = {
  type: 'boolean',
  description: 'calls of 256+ records run on worker threads (more rows/s, ~80 MB more memory); takes effect at the next start'
} as const;

/**
 * In a request, null means "the default" (and in PATCH, "back to the default"). Written as a type
 * list, not anyOf: the server coerces types, and an anyOf would let null become 0 or false.
 */
function orNull<T>(schema: { type: string } & Record<string, unknown>) {
  return Type.Unsafe<T | null>({ ...schema, type: [schema.type, 'null'] });
}

/** one algorithm's overrides; null drops them */
const AlgorithmBatchingRequest = Type.Unsafe<{ max_batch_size?: number | null; max_wait_us?: number | null } | null>({
  type: ['object', 'null'],
  properties: { max_batch_size: orNull<number>(maxBatchSizeSchema), max_wait_us: orNull<number>(maxWaitUsSchema) },
  additionalProperties: false
});

/**
 * PUT: the whole of serving.json, what is left out (or null) takes its default.
 * PATCH: only what is given changes (JSON merge patch): null puts a setting back to its default,
 * and `"algorithms": {"2": null}` drops algorithm 2's overrides.
 */
export const ServingSettingsRequest = Type.Object(
  {
    intra_op_threads: Type.Optional(orNull<number>(threadsSchema)),
    worker_threads: Type.Optional(orNull<boolean>(workersSchema)),
    max_batch_size: Type.Optional(orNull<number>(maxBatchSizeSchema)),
    max_wait_us: Type.Optional(orNull<number>(maxWaitUsSchema)),
    algorithms: Type.Optional(
      Type.Unsafe<Record<string, { max_batch_size?: number | null; max_wait_us?: number | null } | null>>({
        type: ['object', 'null'],
        description: 'batching overrides keyed by algorithm id',
        propertyNames: { pattern: '^[1-9][0-9]*$' },
        additionalProperties: AlgorithmBatchingRequest
      })
    )
  },
  { additionalProperties: false }
);

const AlgorithmBatching = Type.Object({
  max_batch_size: Type.Optional(Type.Integer()),
  max_wait_us: Type.Optional(Type.Integer())
});

/** What serving.json holds, as the API names it (no nulls). */
export const SavedServingSettings = Type.Object({
  intra_op_threads: Type.Optional(Type.Integer()),
  worker_threads: Type.Optional(Type.Boolean()),
  max_batch_size: Type.Optional(Type.Integer()),
  max_wait_us: Type.Optional(Type.Integer()),
  algorithms: Type.Optional(Type.Record(Type.String(), AlgorithmBatching))
});

const settingsFields = {
  intra_op_threads: Type.Integer({ description: threadsSchema.description }),
  worker_threads: Type.Boolean({ description: 'worker threads as the server runs now (a saved change waits for the next start)' }),
  max_batch_size: Type.Integer({ description: maxBatchSizeSchema.description }),
  max_wait_us: Type.Integer({ description: maxWaitUsSchema.description }),
  algorithms: Type.Record(Type.String(), AlgorithmBatching, { description: 'batching overrides keyed by algorithm id, as in effect' })
};

export const ServingSettings = Type.Object({
  ...settingsFields,
  /** what each setting is when neither serving.json nor a flag sets it */
  defaults: Type.Object({
    intra_op_threads: Type.Integer(),
    worker_threads: Type.Boolean(),
    max_batch_size: Type.Integer(),
    max_wait_us: Type.Integer()
  }),
  /** what serving.json holds: the values saved from the app or with PUT/PATCH */
  saved: SavedServingSettings,
  /** settings fixed by `serve` flags (--threads, --worker-threads, --max-batch-size, --max-batch-wait-us): saved values do not override them */
  set_on_command_line: Type.Array(Type.String()),
  /** a saved change (worker_threads) waits for the next start */
  restart_needed: Type.Boolean(),
  /** models loaded now, with the batching they run under and how it has gone since they loaded */
  models: Type.Array(
    Type.Object({
      algorithm_id: Type.Integer(),
      batchable: Type.Boolean(),
      max_batch_size: Type.Integer(),
      max_wait_us: Type.Integer(),
      runs: Type.Integer(),
      rows: Type.Integer(),
      requests: Type.Integer(),
      largest_batch: Type.Integer()
    })
  )
});

export type ServingSettingsBody = Static<typeof ServingSettings>;
export type ServingSettingsInput = Static<typeof ServingSettingsRequest>;
export type SavedServingSettingsBody = Static<typeof SavedServingSettings>;
