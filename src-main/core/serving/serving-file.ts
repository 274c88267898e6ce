import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServingSettingsFile } from '../../contract/serving-settings.ts';
import { checkServingSettings } from './serving-settings.ts';

/**
 * `<dataDir>/serving.json`: the serving settings saved from the app or the API, in the table's
 * names (contract/serving-settings.ts), exactly what `saved` shows over the API:
 *
 *   { "intra_op_threads": 1, "max_batch_size": 64,
 *     "algorithms": { "2": { "max_batch_size": 1 } } }      ← keyed by algorithm id
 *
 * A file as written before issue #13 (camelCase, batching nested) is still read, and is
 * rewritten in the names above by the next save. Stored as a file rather than a column: it
 * tunes this machine, not the model, so a registry bundle should not carry it.
 */
export const servingFileName = 'serving.json';

/** What serving.json holds ({} when there is no file), checked whole: a bad file stops the start with its fault named. */
export function readServingFile(dataDir: string): ServingSettingsFile {
  const file = join(dataDir, servingFileName);
  if (!existsSync(file)) return {};
  let stored: unknown;
  try {
    stored = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  try {
    return checkServingSettings(fromFormerNames(stored));
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
}

/**
 * Writes serving.json whole, through a temporary file and a rename, so a crash leaves the old
 * file or the new one, never half of one. The caller checks `settings` first, so nothing
 * invalid is written.
 */
export function writeServingFile(dataDir: string, settings: ServingSettingsFile): void {
  const file = join(dataDir, servingFileName);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, JSON.stringify(settings, null, 2) + '\n');
    renameSync(temp, file);
  } catch (err) {
    // a full disk leaves no half-written temp file; the error (ENOSPC…) is answered 507/503
    rmSync(temp, { force: true });
    throw err;
  }
}

/**
 * serving.json's names before issue #13: `{"intraOpThreads", "workerThreads", "batching":
 * {"maxBatchSize", "maxWaitUs"}, "algorithms": {"2": {"maxBatchSize"}}}`. A fixed record of
 * an old format, so deliberately not derived from the table: renaming a setting later must
 * not change how old files read.
 */
const formerTopLevel: Record<string, string> = { intraOpThreads: 'intra_op_threads', workerThreads: 'worker_threads' };
const formerBatching: Record<string, string> = { maxBatchSize: 'max_batch_size', maxWaitUs: 'max_wait_us' };

/** `stored` in today's names; anything else (unknown keys, bad values) is left for the check to name */
function fromFormerNames(stored: unknown): unknown {
  if (!isObject(stored)) return stored;
  const renamed = (from: Record<string, unknown>, names: Record<string, string>, where: string) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(from)) {
      const name = names[key] ?? key;
      if (name in out) throw new Error(`${where}${name} is set twice (as ${key} and as ${name})`);
      out[name] = value;
    }
    return out;
  };
  const { batching, algorithms, ...rest } = stored;
  const top = renamed(rest, formerTopLevel, '');
  if (batching !== undefined) {
    if (!isObject(batching)) throw new Error('batching must be an object');
    const unknown = Object.keys(batching).find((key) => !(key in formerBatching));
    if (unknown) throw new Error(`unknown setting "batching.${unknown}"; batching held ${Object.keys(formerBatching).join(', ')}`);
    for (const [key, value] of Object.entries(renamed(batching, formerBatching, 'batching.'))) {
      if (key in top) throw new Error(`${key} is set twice (in batching and at the top level)`);
      top[key] = value;
    }
  }
  if (isObject(algorithms)) {
    top.algorithms = Object.fromEntries(
      Object.entries(algorithms).map(([id, overrides]) => [id, isObject(overrides) ? renamed(overrides, formerBatching, `algorithms.${id}.`) : overrides])
    );
  } else if (algorithms !== undefined) {
    top.algorithms = algorithms;
  }
  return top;
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
