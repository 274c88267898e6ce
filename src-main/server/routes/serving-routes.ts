import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorBody } from '../../contract/classic.ts';
import {
  ServingSettings,
  ServingSettingsRequest,
  type SavedServingSettingsBody,
  type ServingSettingsBody,
  type ServingSettingsInput
} from '../../contract/serving.ts';
import type { Core } from '../../core/index.ts';
import type { ServingState } from '../../core/serving/settings-service.ts';
import { defaultBatching } from '../../core/serving/batcher.ts';
import { defaultIntraOpThreads, type ServingConfig } from '../../core/serving/serving-settings.ts';

const commandLineNames = {
  intraOpThreads: 'intra_op_threads',
  workerThreads: 'worker_threads',
  maxBatchSize: 'max_batch_size',
  maxWaitUs: 'max_wait_us'
} as const;

/** Serving settings: onnxruntime threads and dynamic batching, read and changed while serving. */
export const servingRoutes =
  (core: Core): FastifyPluginAsyncTypebox =>
  async (app) => {
    const change = (description: string) => ({
      config: { admin: true },
      schema: {
        tags: ['operations'],
        security: [{ bearer: [] }],
        description: `${description} Applied at once: batching from each model's next run, a new thread count by reloading each model; \`worker_threads\` takes effect at the next start. Flags given to \`serve\` still win.`,
        body: ServingSettingsRequest,
        response: { 200: ServingSettings, 400: ErrorBody, 401: ErrorBody, 404: ErrorBody }
      }
    });

    app.get(
      '/serving',
      {
        schema: {
          tags: ['operations'],
          description: 'The serving settings in effect, their defaults, what serving.json holds, and how batching has gone for each loaded model.',
          response: { 200: ServingSettings }
        }
      },
      async () => servingBody(core.serving.state())
    );

    app.put(
      '/serving',
      change('Replaces serving.json: what is left out, or null, takes its default.'),
      async (request) => servingBody(core.serving.save(configOf(merged({}, request.body))))
    );

    app.patch(
      '/serving',
      change('Changes only the settings given (JSON merge patch): null puts one back to its default, `"algorithms": {"2": null}` drops algorithm 2\'s overrides.'),
      async (request) => servingBody(core.serving.save(configOf(merged(inputOf(core.serving.state().saved), request.body))))
    );
  };

const topLevel = ['intra_op_threads', 'worker_threads', 'max_batch_size', 'max_wait_us'] as const;
const perAlgorithm = ['max_batch_size', 'max_wait_us'] as const;

/** `patch` applied to `saved` as a JSON merge patch (RFC 7396); PUT is the same onto nothing. */
function merged(saved: SavedServingSettingsBody, patch: ServingSettingsInput): SavedServingSettingsBody {
  const out: Record<string, unknown> = { ...saved };
  for (const key of topLevel) {
    if (!(key in patch)) continue;
    if (patch[key] === null || patch[key] === undefined) delete out[key];
    else out[key] = patch[key];
  }
  if ('algorithms' in patch) {
    const algorithms: Record<string, Record<string, number>> = patch.algorithms === null ? {} : { ...saved.algorithms };
    for (const [id, overrides] of Object.entries(patch.algorithms ?? {})) {
      const current: Record<string, number> = overrides === null ? {} : { ...algorithms[id] };
      for (const field of perAlgorithm) {
        if (overrides === null || !(field in overrides)) continue;
        const value = overrides[field];
        if (value === null || value === undefined) delete current[field];
        else current[field] = value;
      }
      if (Object.keys(current).length) algorithms[id] = current;
      else delete algorithms[id];
    }
    if (Object.keys(algorithms).length) out.algorithms = algorithms;
    else delete out.algorithms;
  }
  return out as SavedServingSettingsBody;
}

function configOf(body: SavedServingSettingsBody): ServingConfig {
  const batching = {
    ...(body.max_batch_size === undefined ? {} : { maxBatchSize: body.max_batch_size }),
    ...(body.max_wait_us === undefined ? {} : { maxWaitUs: body.max_wait_us })
  };
  return {
    ...(body.intra_op_threads === undefined ? {} : { intraOpThreads: body.intra_op_threads }),
    ...(body.worker_threads === undefined ? {} : { workerThreads: body.worker_threads }),
    ...(Object.keys(batching).length ? { batching } : {}),
    ...(body.algorithms === undefined
      ? {}
      : {
          algorithms: Object.fromEntries(
            Object.entries(body.algorithms).map(([id, b]) => [
              id,
              {
                ...(b.max_batch_size === undefined ? {} : { maxBatchSize: b.max_batch_size }),
                ...(b.max_wait_us === undefined ? {} : { maxWaitUs: b.max_wait_us })
              }
            ])
          )
        })
  };
}

function inputOf(config: ServingConfig): SavedServingSettingsBody {
  return {
    ...(config.intraOpThreads === undefined ? {} : { intra_op_threads: config.intraOpThreads }),
    ...(config.workerThreads === undefined ? {} : { worker_threads: config.workerThreads }),
    ...(config.batching?.maxBatchSize === undefined ? {} : { max_batch_size: config.batching.maxBatchSize }),
    ...(config.batching?.maxWaitUs === undefined ? {} : { max_wait_us: config.batching.maxWaitUs }),
    ...(config.algorithms === undefined ? {} : { algorithms: algorithmsOf(config.algorithms) })
  };
}

function algorithmsOf(algorithms: NonNullable<ServingConfig['algorithms']>) {
  return Object.fromEntries(
    Object.entries(algorithms).map(([id, b]) => [
      id,
      {
        ...(b.maxBatchSize === undefined ? {} : { max_batch_size: b.maxBatchSize }),
        ...(b.maxWaitUs === undefined ? {} : { max_wait_us: b.maxWaitUs })
      }
    ])
  );
}

function servingBody(state: ServingState): ServingSettingsBody {
  const { effective } = state;
  return {
    intra_op_threads: effective.intraOpThreads,
    worker_threads: effective.workerThreads,
    max_batch_size: effective.batching.defaults.maxBatchSize,
    max_wait_us: effective.batching.defaults.maxWaitUs,
    algorithms: algorithmsOf(effective.batching.algorithms),
    defaults: {
      intra_op_threads: defaultIntraOpThreads,
      worker_threads: false,
      max_batch_size: defaultBatching.maxBatchSize,
      max_wait_us: defaultBatching.maxWaitUs
    },
    saved: inputOf(state.saved),
    set_on_command_line: state.commandLine.map((name) => commandLineNames[name]),
    restart_needed: state.restartNeeded,
    models: state.models.map((m) => ({
      algorithm_id: m.algorithmId,
      batchable: m.batchable,
      max_batch_size: m.batching.maxBatchSize,
      max_wait_us: m.batching.maxWaitUs,
      runs: m.runs,
      rows: m.rows,
      requests: m.requests,
      largest_batch: m.largestBatch
    }))
  };
}
