import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorBody } from '../../contract/classic.ts';
import { ServingSettings, ServingSettingsRequest, type ServingSettingsBody, type ServingSettingsInput } from '../../contract/serving.ts';
import {
  perAlgorithmSettingNames,
  servingDefaults,
  servingSettingNames,
  servingSettings,
  type AlgorithmOverrides,
  type ServingSettingsFile
} from '../../contract/serving-settings.ts';
import type { Core } from '../../core/index.ts';
import type { ServingState } from '../../core/serving/settings-service.ts';

const atNextStart = servingSettingNames
  .filter((name) => servingSettings[name].appliesAt === 'restart')
  .map((name) => `\`${name}\``)
  .join(', ');

/** Serving settings: onnxruntime threads and dynamic batching, read and changed while serving. */
export const servingRoutes =
  (core: Core): FastifyPluginAsyncTypebox =>
  async (app) => {
    const change = (description: string) => ({
      schema: {
        tags: ['operations'],
        security: [{ bearer: [] }],
        description: `${description} Applied at once: batching from each model's next run, a new thread count by reloading each model; ${atNextStart} at the next start. Flags given to \`serve\` still win.`,
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
      async (request) => servingBody(core.serving.save(merged({}, request.body)))
    );

    app.patch(
      '/serving',
      change('Changes only the settings given (JSON merge patch): null puts one back to its default, `"algorithms": {"2": null}` drops algorithm 2\'s overrides.'),
      async (request) => servingBody(core.serving.save(merged(core.serving.state().saved, request.body)))
    );
  };

/** `patch` applied to `saved` as a JSON merge patch (RFC 7396); PUT is the same onto nothing. */
function merged(saved: ServingSettingsFile, patch: ServingSettingsInput): ServingSettingsFile {
  const { algorithms: savedAlgorithms, ...values } = saved;
  const out: ServingSettingsFile = mergedValues(values, patch, servingSettingNames);
  const algorithms: Record<string, AlgorithmOverrides> = patch.algorithms === null ? {} : { ...savedAlgorithms };
  for (const [id, overrides] of Object.entries(patch.algorithms ?? {})) {
    const current = overrides === null ? {} : mergedValues(algorithms[id] ?? {}, overrides, perAlgorithmSettingNames);
    if (Object.keys(current).length) algorithms[id] = current;
    else delete algorithms[id];
  }
  return Object.keys(algorithms).length ? { ...out, algorithms } : out;
}

/** `saved` with each of `names` that `patch` gives replaced, or dropped where it gives null */
function mergedValues<T extends ServingSettingsFile>(saved: T, patch: Partial<Record<string, unknown>>, names: readonly string[]): T {
  const out: Record<string, unknown> = { ...saved };
  for (const name of names) {
    if (!(name in patch)) continue;
    if (patch[name] === null || patch[name] === undefined) delete out[name];
    else out[name] = patch[name];
  }
  return out as T;
}

function servingBody(state: ServingState): ServingSettingsBody {
  return {
    ...state.effective,
    defaults: servingDefaults,
    saved: state.saved,
    set_on_command_line: state.commandLine,
    restart_needed: state.restartNeeded,
    models: state.models.map((m) => ({
      algorithm_id: m.algorithmId,
      batchable: m.batchable,
      ...m.batching,
      runs: m.runs,
      rows: m.rows,
      requests: m.requests,
      largest_batch: m.largestBatch
    }))
  };
}
