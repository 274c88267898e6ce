import { setImmediate as yieldToServing } from 'node:timers/promises';
import { keyFinder } from '../../../contract/record-keys.ts';
import { invalidInput, isModelDeskError } from '../../errors.ts';
import type { OnnxModel, ValidRecord } from '../../inference/index.ts';
import type { Algorithm } from '../../registry/types.ts';
import { monitoredColumns, predictionValues } from '../columns.ts';
import { ProfileBuilder, type ReferenceProfile } from '../drift/index.ts';
import { openReferenceFile } from './reference-file.ts';

/** Rows read between two yields to serving. */
const CHUNK = 4000;
/** The prediction reference comes from a uniform sample of at most this many rows (scored by the model). */
export const SCORED_ROWS = 10_000;
/** Records per model run while scoring the sample. */
const RUN_ROWS = 2000;

export interface FileProfile {
  profile: ReferenceProfile;
  rows: number;
  /** rows the model scored for the prediction reference */
  scored: number;
  /** file columns that are not model features (e.g. the training target), ignored */
  ignoredColumns: string[];
}

/**
 * The reference profile of an algorithm version from its training file. Every row is validated
 * exactly as a prediction would be (a file the model would refuse is refused here, naming the
 * row) and profiled under the model's own feature names; columns match features as record keys
 * do (contract/record-keys.ts: `education-num` feeds `education_num`). The prediction reference
 * (label, probability, prediction) comes from the model's answers on a uniform random sample of
 * up to 10,000 rows (seeded reservoir sampling, so a file always gives the same profile): that is
 * plenty for the prediction's bins, and keeps a large file's profiling within seconds.
 * Nothing is stored here: the caller stores the finished profile in one statement.
 */
export async function profileFromFile(
  algorithm: Algorithm,
  model: OnnxModel,
  name: string,
  source: AsyncIterable<Uint8Array>
): Promise<FileProfile> {
  const columns = monitoredColumns(algorithm);
  if (columns.noFeatures) {
    throw invalidInput(`algorithm ${algorithm.id}: ${columns.noFeatures}; set its reference from its logged requests instead`, 'file');
  }
  const file = await openReferenceFile(name, source);
  const header = await file.columns();
  const find = keyFinder(Object.fromEntries(header.map((h) => [h, true])));
  const missing = columns.features.filter((f) => find(f.name) === undefined).map((f) => f.name);
  if (missing.length) {
    const what = file.format === 'jsonl' ? 'its first record has no field' : 'it has no column';
    throw invalidInput(
      `reference file: ${what} for the model's feature${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} ` +
        `(columns found: ${header.slice(0, 40).join(', ')}); name the columns like the model's inputs`,
      'file'
    );
  }
  // blank CSV fields of numeric features are missing values, as the predict API's null is
  const numericKeys = columns.features.filter((f) => f.kind === 'numeric').map((f) => find(f.name)!);
  const features = new ProfileBuilder({ features: columns.features });
  const sample = new Reservoir<ValidRecord>(SCORED_ROWS);

  let read = 0;
  for await (const { record, at } of file.records()) {
    for (const key of numericKeys) if (typeof record[key] === 'string' && (record[key] as string).trim() === '') record[key] = null;
    const valid = within(at, () => model.validate(record));
    within(at, () => features.add(columns.readRecord(record)));
    sample.offer(valid);
    if (++read % CHUNK === 0) await yieldToServing();
  }
  if (features.rowCount === 0) throw invalidInput('reference file: it holds a header but no rows', 'file');

  const outputs = new ProfileBuilder({ features: [], predictions: columns.predictions });
  const scored = sample.items();
  for (let i = 0; i < scored.length && columns.predictions.length > 0; i += RUN_ROWS) {
    for (const p of await model.run(scored.slice(i, i + RUN_ROWS))) outputs.add({}, predictionValues(p));
    await yieldToServing();
  }
  const profile = { ...features.finish(), predictions: outputs.finish().predictions };
  return { profile, rows: features.rowCount, scored: scored.length, ignoredColumns: header.filter((h) => !columns.features.some((f) => find(f.name) === h)) };
}

/** Runs `check`, prefixing a 400 with the row it is about. */
function within<T>(at: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (!isModelDeskError(err) || err.kind !== 'invalid_input') throw err;
    throw invalidInput(`reference file, ${at}: ${err.message}`, err.field ?? 'file');
  }
}

/** A uniform random sample of at most `size` items (Vitter's algorithm R), seeded: the same input gives the same sample. */
class Reservoir<T> {
  private readonly kept: T[] = [];
  private seen = 0;
  private state = 0x9e3779b9;

  constructor(private readonly size: number) {}

  offer(item: T): void {
    this.seen += 1;
    if (this.kept.length < this.size) {
      this.kept.push(item);
      return;
    }
    const j = Math.floor(this.random() * this.seen);
    if (j < this.size) this.kept[j] = item;
  }

  items(): T[] {
    return this.kept;
  }

  /** xorshift32 */
  private random(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 4294967296;
  }
}
