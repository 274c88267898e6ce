import { Type, type Static } from 'typebox';

/**
 * Serving settings (issue #6): onnxruntime threads and dynamic batching, kept in
 * `<data>/serving.json` and changed from the app or with `PUT /api/v1/serving`.
 */

const maxBatchSize = Type.Integer({ minimum: 1, maximum: 100_000, description: 'most rows one model run takes from concurrent requests; 1 = no batching' });
const maxWaitUs = Type.Integer({
  minimum: 0,
  maximum: 10_000_000,
  description: 'µs a batch may wait for more rows; 0 = adaptive (no timer: only rows that arrived together, or while a run was in flight)'
});

export const AlgorithmBatching = Type.Object(
  { max_batch_size: Type.Optional(maxBatchSize), max_wait_us: Type.Optional(maxWaitUs) },
  { additionalProperties: false }
);

const settingsFields = {
  intra_op_threads: Type.Integer({ minimum: 0, maximum: 256, description: 'onnxruntime intra-op threads per model; 0 = one per core. 1 (default) keeps every answer bit-identical whatever batch it ran in' }),
  worker_threads: Type.Boolean({ description: 'calls of 256+ records run on worker threads (more rows/s, ~80 MB more memory); takes effect at the next start' }),
  max_batch_size: maxBatchSize,
  max_wait_us: maxWaitUs,
  algorithms: Type.Record(Type.String({ pattern: '^[1-9][0-9]*$' }), AlgorithmBatching, {
    description: 'batching overrides keyed by algorithm id'
  })
};

/** The whole of serving.json: what is left out takes its default. */
export const ServingSettingsRequest = Type.Object(
  {
    intra_op_threads: Type.Optional(settingsFields.intra_op_threads),
    worker_threads: Type.Optional(settingsFields.worker_threads),
    max_batch_size: Type.Optional(settingsFields.max_batch_size),
    max_wait_us: Type.Optional(settingsFields.max_wait_us),
    algorithms: Type.Optional(settingsFields.algorithms)
  },
  { additionalProperties: false }
);

export const ServingSettings = Type.Object({
  ...settingsFields,
  /** what each setting is when neither serving.json nor a flag sets it */
  defaults: Type.Object({
    intra_op_threads: Type.Integer(),
    worker_threads: Type.Boolean(),
    max_batch_size: Type.Integer(),
    max_wait_us: Type.Integer()
  }),
  /** what serving.json holds: the values saved from the app or with PUT */
  saved: ServingSettingsRequest,
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
