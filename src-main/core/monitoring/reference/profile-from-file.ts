import { setImmediate as yieldToServing } from 'node:timers/promises';
import { keyFinder } from '../../../contract/record-keys.ts';
import { invalidInput, isModelDeskError } from '../../errors.ts';
import type { OnnxModel, ValidRecord } from '../../inference/index.ts';
import type { Algorithm } from '../../registry/types.ts';
import { monitoredColumns, predictionValues } from '../columns.ts';
import { ProfileBuilder, type ReferenceProfile } from '../drift/index.ts';
import { openReferenceFile } from './reference-file.ts';

/** Records scored per model run while profiling a file (and per turn of the event loop). */
const CHUNK = 2000;

export interface FileProfile {
  profile: ReferenceProfile;
  rows: number;
  /** file columns that are not model features (e.g. the training target), ignored */
  ignoredColumns: string[];
}

/**
 * The reference profile of an algorithm version from its training file: every row goes through
 * the model (validated exactly as a prediction would be, so a file the model would refuse is
 * refused here, naming the line), its features are profiled under the model's own names and its
 * answer under the response's field names (label, probability, prediction). Columns match
 * features as record keys do (contract/record-keys.ts: `education-num` feeds `education_num`).
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
  const used = new Set(columns.features.map((f) => find(f.name)));
  const numeric = new Set(columns.features.filter((f) => f.kind === 'numeric').map((f) => f.name));
  const builder = new ProfileBuilder({ features: columns.features, predictions: columns.predictions });

  let chunk: { record: Record<string, unknown>; line: number }[] = [];
  const score = async () => {
    const valid: ValidRecord[] = [];
    for (const { record, line } of chunk) {
      // CSV has no null: an empty field of a numeric feature is a missing value, as the predict API's null is
      valid.push(atLine(line, file.format, () => model.validate(normaliseBlanks(record, numeric))));
    }
    const predictions = await model.run(valid);
    chunk.forEach(({ record, line }, i) =>
      atLine(line, file.format, () => builder.add(columns.readRecord(record), predictionValues(predictions[i]!)))
    );
    chunk = [];
    await yieldToServing();
  };
  for await (const row of file.records()) {
    chunk.push(row);
    if (chunk.length >= CHUNK) await score();
  }
  if (chunk.length) await score();
  if (builder.rowCount === 0) throw invalidInput('reference file: it holds a header but no rows', 'file');
  return { profile: builder.finish(), rows: builder.rowCount, ignoredColumns: header.filter((h) => !used.has(h)) };
}

/** Blank numeric fields under the file's own key (which may differ from the feature's name) become null. */
function normaliseBlanks(record: Record<string, unknown>, numeric: Set<string>): Record<string, unknown> {
  if (numeric.size === 0) return record;
  const find = keyFinder(record);
  for (const name of numeric) {
    const key = find(name);
    if (key !== undefined && typeof record[key] === 'string' && (record[key] as string).trim() === '') record[key] = null;
  }
  return record;
}

/** Runs `check`, prefixing a 400 with the line it is about. */
function atLine<T>(line: number, format: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (!isModelDeskError(err) || err.kind !== 'invalid_input') throw err;
    const where = format === 'jsonl' ? `line ${line}` : `line ${line} (data row ${line - 1})`;
    throw invalidInput(`reference file, ${where}: ${err.message}`, err.field ?? 'file');
  }
}
