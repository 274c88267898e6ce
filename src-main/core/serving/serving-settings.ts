import {
  algorithmIdPattern,
  perAlgorithmSettingNames,
  servingDefaults,
  servingSettingNames,
  settingProblem,
  type AlgorithmOverrides,
  type PerAlgorithmSettingName,
  type ServingSettingName,
  type ServingSettingsFile,
  type ServingValues
} from '../../contract/serving-settings.ts';
import { invalidInput } from '../errors.ts';
import type { RetentionPolicy } from '../requests/retention.ts';
import type { BatchingOptions, BatchingSettings } from './batcher.ts';

/**
 * Serving settings: onnxruntime threads and dynamic batching, with per-algorithm overrides,
 * as declared in contract/serving-settings.ts. Sources, strongest first: CoreConfig.serving
 * (the `serve` flags), `<dataDir>/serving.json` (serving-file.ts), the table's defaults.
 */

/** the settings in effect: a value for each, and each algorithm's overrides with the flags applied */
export type EffectiveServingSettings = ServingValues & { algorithms: Record<string, AlgorithmOverrides> };

/** What ModelPool and RequestWriter are built from. */
export interface ServingRuntime {
  /** onnxruntime intra-op threads per session; 0 = onnxruntime's default (one per core) */
  intraOpThreads: number;
  /** run large batches (256+ records) and their log commits on worker threads */
  workerThreads: boolean;
  batching: BatchingSettings;
  /** a logged record larger than this (JSON, UTF-8 bytes) is replaced by a marker (contract/logged-record.ts) */
  maxLoggedRecordBytes: number;
  /** how long the request log keeps rows (requests/retention.ts); 0 = no limit */
  retention: RetentionPolicy;
}

const algorithmId = new RegExp(algorithmIdPattern);

/**
 * Checks settings from any source against the table: known keys only, values in range,
 * algorithm ids as keys, only overridable settings per algorithm. Throws invalid_input naming
 * the field (`max_batch_size`, `algorithms.2.max_wait_us`).
 */
export function checkServingSettings(settings: unknown): ServingSettingsFile {
  const top = objectOrThrow(settings, 'serving settings');
  const known: readonly string[] = [...servingSettingNames, 'algorithms'];
  for (const [key, value] of Object.entries(top)) {
    if (value === undefined) continue;
    if (!known.includes(key)) throw invalidInput(`unknown setting ${JSON.stringify(key)}; the settings are ${known.join(', ')}`, key);
    if (key !== 'algorithms') checkValue(key as ServingSettingName, value, key);
  }
  if (top.algorithms !== undefined) {
    for (const [id, overrides] of Object.entries(objectOrThrow(top.algorithms, 'algorithms'))) {
      if (!algorithmId.test(id)) throw invalidInput(`algorithms keys are algorithm ids; "${id}" is not one`, `algorithms.${id}`);
      for (const [key, value] of Object.entries(objectOrThrow(overrides, `algorithms.${id}`))) {
        if (value === undefined) continue;
        const field = `algorithms.${id}.${key}`;
        if (!(perAlgorithmSettingNames as readonly string[]).includes(key)) {
          throw invalidInput(`${field}: an algorithm can override ${perAlgorithmSettingNames.join(', ')}`, field);
        }
        checkValue(key as PerAlgorithmSettingName, value, field);
      }
    }
  }
  return top as ServingSettingsFile;
}

function checkValue(name: ServingSettingName, value: unknown, field: string): void {
  const problem = settingProblem(name, value);
  if (problem) throw invalidInput(`${field} ${problem}`, field);
}

function objectOrThrow(value: unknown, field: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidInput(`${field} must be an object`, field);
  return value as Record<string, unknown>;
}

/** The settings in effect: the command line's (flags) over the file's (saved) over the defaults. */
export function resolveServingSettings(saved: ServingSettingsFile, flags: ServingSettingsFile = {}): EffectiveServingSettings {
  checkServingSettings(saved);
  checkServingSettings(flags);
  const values = Object.fromEntries(
    servingSettingNames.map((name) => [name, flags[name] ?? saved[name] ?? servingDefaults[name]])
  ) as ServingValues;
  // a flag given to serve wins over every saved value, per-algorithm ones included
  const flagged = pick(flags, perAlgorithmSettingNames);
  const algorithms: Record<string, AlgorithmOverrides> = {};
  for (const [id, overrides] of Object.entries({ ...saved.algorithms, ...flags.algorithms })) {
    algorithms[id] = { ...overrides, ...flagged };
  }
  return { ...values, algorithms };
}

/** the settings among `names` that `from` sets */
export function pick<N extends ServingSettingName>(from: ServingSettingsFile, names: readonly N[]): Pick<ServingSettingsFile, N> {
  return Object.fromEntries(names.filter((name) => from[name] !== undefined).map((name) => [name, from[name]])) as Pick<ServingSettingsFile, N>;
}

/**
 * The batcher's own option names (batcher.ts), the one bridge between them and the table's.
 * Typed so that a new per-algorithm setting does not compile until the batcher takes it.
 */
const batcherOption = { max_batch_size: 'maxBatchSize', max_wait_us: 'maxWaitUs' } as const satisfies Record<PerAlgorithmSettingName, keyof BatchingOptions>;

function batchingOptionsOf(overrides: AlgorithmOverrides): Partial<BatchingOptions> {
  return Object.fromEntries(perAlgorithmSettingNames.filter((name) => overrides[name] !== undefined).map((name) => [batcherOption[name], overrides[name]]));
}

/** a batcher's limits, as the table names them (what GET /api/v1/serving shows per model) */
export function overridesOf(options: BatchingOptions): Required<AlgorithmOverrides> {
  return Object.fromEntries(perAlgorithmSettingNames.map((name) => [name, options[batcherOption[name]]])) as Required<AlgorithmOverrides>;
}

export function runtimeOf(settings: EffectiveServingSettings): ServingRuntime {
  return {
    intraOpThreads: settings.intra_op_threads,
    workerThreads: settings.worker_threads,
    maxLoggedRecordBytes: settings.max_logged_record_bytes,
    batching: {
      defaults: batchingOptionsOf(settings) as BatchingOptions,
      algorithms: Object.fromEntries(Object.entries(settings.algorithms).map(([id, overrides]) => [id, batchingOptionsOf(overrides)]))
    },
    retention: { days: settings.log_retention_days, mb: settings.log_retention_mb }
  };
}
