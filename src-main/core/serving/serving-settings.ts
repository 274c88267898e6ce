import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { invalidInput } from '../errors.ts';
import { checkBatchingOptions, defaultBatching, type BatchingOptions, type BatchingSettings } from './batcher.ts';

/**
 * Serving settings: onnxruntime threads and dynamic batching, with per-algorithm overrides.
 * Sources, strongest first: CoreConfig (CLI flags), `<dataDir>/serving.json`, defaults.
 *
 *   { "intraOpThreads": 1, "workerThreads": false,
 *     "batching": { "maxBatchSize": 64, "maxWaitUs": 0 },
 *     "algorithms": { "2": { "maxBatchSize": 1 } } }      ← keyed by algorithm id
 *
 * Stored as a file rather than a column for now: it tunes this machine, not the model, so a
 * registry bundle should not carry it.
 */
export interface ServingConfig {
  /** onnxruntime intra-op threads per session; 0 = onnxruntime's default (one per core) */
  intraOpThreads?: number;
  /** run large batches (256+ records) and their log commits on worker threads (default true; session-worker.ts, log-worker.ts) */
  workerThreads?: boolean;
  batching?: Partial<BatchingOptions>;
  /** per-algorithm batching, keyed by algorithm id */
  algorithms?: Record<string, Partial<BatchingOptions>>;
}

export interface ServingSettings {
  intraOpThreads: number;
  workerThreads: boolean;
  batching: BatchingSettings;
}

/**
 * One intra-op thread per session by default, chosen by measurement and by correctness
 * (docs/BENCHMARKS.md). With one thread every row's answer is computed the same way whatever
 * batch it ran in, so dynamic batching changes no answer, bit for bit. A second thread is
 * faster on batches (on 2 cores: a 64-row run of the income forest ~1.0 → ~0.64 ms, 1,000 rows
 * ~12 → ~6.4 ms; single rows gain nothing; +10–20% requests/s under load), but onnxruntime's
 * tree ensembles then sum a lone row's trees in a different order than a batched row's, so a
 * probability may differ in its last float32 bit (~1e-8) between a single and a batched run.
 * `--threads 2` (or "intraOpThreads": 2) takes that trade. ModelPool always turns onnxruntime's
 * spinning off: the Node thread serves HTTP on the same cores, and busy-waiting pool threads
 * (onnxruntime's default, one per core) lost to a single thread in every measurement.
 */
export const defaultIntraOpThreads = 1;

export const servingFileName = 'serving.json';

/** What `<dataDir>/serving.json` holds ({} when there is no file): JSON and keys checked, values when resolved. */
export function readServingFile(dataDir: string): ServingConfig {
  const file = join(dataDir, servingFileName);
  if (!existsSync(file)) return {};
  let stored: ServingConfig;
  try {
    stored = JSON.parse(readFileSync(file, 'utf8')) as ServingConfig;
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const unknown = Object.keys(stored).filter((key) => !fileKeys.includes(key));
  if (unknown.length) {
    throw new Error(`${file}: unknown setting ${JSON.stringify(unknown[0])}; the file holds ${fileKeys.join(', ')}`);
  }
  return stored;
}

const fileKeys = ['intraOpThreads', 'workerThreads', 'batching', 'algorithms'];

/**
 * Writes serving.json whole, through a temporary file and a rename, so a crash leaves the old
 * file or the new one, never half of one. The caller resolves `stored` first, so nothing
 * invalid is written.
 */
export function writeServingFile(dataDir: string, stored: ServingConfig): void {
  const file = join(dataDir, servingFileName);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(stored, null, 2) + '\n');
  renameSync(temp, file);
}

/** The settings in effect: the command line's (config) over the file's (stored) over the defaults. */
export function resolveServingSettings(stored: ServingConfig, config: ServingConfig = {}): ServingSettings {
  const threads = config.intraOpThreads ?? stored.intraOpThreads ?? defaultIntraOpThreads;
  if (!Number.isInteger(threads) || threads < 0 || threads > maxIntraOpThreads) {
    throw invalidInput(`intraOpThreads must be an integer from 0 (onnxruntime default) to ${maxIntraOpThreads}`, 'intraOpThreads');
  }
  const workerThreads = config.workerThreads ?? stored.workerThreads ?? false;
  if (typeof workerThreads !== 'boolean') throw invalidInput('workerThreads must be true or false', 'workerThreads');
  const flags = checkBatchingOptions(config.batching ?? {});
  const algorithms: Record<string, Partial<BatchingOptions>> = {};
  for (const [id, options] of Object.entries({ ...stored.algorithms, ...config.algorithms })) {
    if (!/^[1-9][0-9]*$/.test(id)) throw invalidInput(`algorithms keys are algorithm ids; "${id}" is not one`, `algorithms.${id}`);
    // a flag given to serve wins over every saved value, per-algorithm ones included
    algorithms[id] = { ...checkBatchingOptions(options ?? {}, `algorithms.${id}`), ...flags };
  }
  return {
    intraOpThreads: threads,
    workerThreads,
    batching: {
      defaults: {
        ...defaultBatching,
        ...checkBatchingOptions(stored.batching ?? {}, `${servingFileName} batching`),
        ...flags
      },
      algorithms
    }
  };
}

export const maxIntraOpThreads = 256;
