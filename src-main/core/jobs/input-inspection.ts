import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import type { InputFormat } from '../../contract/jobs.ts';
import { keyFinder } from '../../contract/record-keys.ts';
import { recordLayout } from '../../contract/record-layout.ts';
import { inputShapeText, takesScalar } from '../../contract/record-tensors.ts';
import { invalidInput } from '../errors.ts';
import type { Algorithm } from '../registry/types.ts';
import type { ChunkSpec } from './chunk-scorer.ts';
import { parseCsv } from './csv-cells.ts';
import { errorColumn, outputColumns, outputPlanOf } from './output-plan.ts';
import { RecordScanner } from './record-scanner.ts';

/** What a job learns from the start of its input before it is accepted. */
export interface InputFacts {
  format: InputFormat;
  /** CSV: the header's columns; JSON Lines: the first record's keys */
  columns: string[];
  /** the header as written (CSV), reused as the start of a CSV result's header */
  headerText: string;
  /** where the rows begin: after the header (and a byte-order mark) */
  dataOffset: number;
}

/** how much of the file is read to find the header and the first row */
const sampleBytes = 1 << 20;
const bom = Buffer.from([0xef, 0xbb, 0xbf]);

/** The format a name or a declaration says, if any. */
export function formatOfName(name: string): InputFormat | null {
  const ext = extname(name).toLowerCase();
  if (ext === '.csv' || ext === '.txt') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  return null;
}

/**
 * Reads the start of an input file and refuses, naming the problem, what a job cannot read: an
 * empty file, binary content, a header with no rows, a first JSON line that is not an object.
 */
export async function inspectInput(path: string, name: string, declared?: InputFormat): Promise<InputFacts> {
  const file = await open(path, 'r');
  let sample: Buffer;
  let size: number;
  try {
    size = (await file.stat()).size;
    sample = Buffer.alloc(Math.min(size, sampleBytes));
    await file.read(sample, 0, sample.length, 0);
  } finally {
    await file.close();
  }
  if (size === 0) throw invalidInput('the file is empty (0 bytes)', 'file');
  if (sample.includes(0)) throw invalidInput(`"${name}" is not a CSV or JSON Lines file: it holds binary data`, 'file');
  const start = sample.subarray(0, bom.length).equals(bom) ? bom.length : 0;
  const text = sample.toString('utf8', start);
  if (text.trim() === '') throw invalidInput('the file is empty (blank lines only)', 'file');
  const format = declared ?? formatOfName(name) ?? (text.trimStart().startsWith('{') ? 'jsonl' : 'csv');
  return format === 'csv' ? inspectCsv(sample, start, size, name) : inspectJsonLines(sample, start, name);
}

function inspectCsv(sample: Buffer, start: number, size: number, name: string): InputFacts {
  const scanner = new RecordScanner('csv');
  const end = scanner.next(sample, start);
  if (end < 0) {
    if (sample.length < size) throw invalidInput('the header row is longer than 1 MiB: is this a CSV file?', 'file');
    throw invalidInput('the file has a header but no rows', 'file');
  }
  let headerText = sample.toString('utf8', start, end).replace(/\r?\n$/, '');
  let columns: string[];
  try {
    columns = parseCsv(headerText)[0] ?? [];
  } catch (err) {
    throw invalidInput(`"${name}" is not a CSV file: its header does not read (${(err as Error).message})`, 'file');
  }
  const blank = columns.findIndex((c) => c === '');
  if (blank >= 0) throw invalidInput(`column ${blank + 1} of the header has no name`, 'file');
  const seen = new Set<string>();
  for (const column of columns) {
    if (seen.has(column)) throw invalidInput(`the header has the column "${column}" twice`, 'file');
    seen.add(column);
  }
  // a header alone is not a job: look for a row after it (beyond the sample, the rest of the file counts)
  const rest = sample.toString('utf8', end);
  if (rest.trim() === '' && sample.length >= size) throw invalidInput('the file has a header but no rows', 'file');
  headerText = headerText.replace(/\r$/, '');
  return { format: 'csv', columns, headerText, dataOffset: end };
}

function inspectJsonLines(sample: Buffer, start: number, name: string): InputFacts {
  const text = sample.toString('utf8', start);
  const first = text.split('\n').find((line) => line.trim() !== '') ?? '';
  let record: unknown;
  try {
    record = JSON.parse(first);
  } catch (err) {
    throw invalidInput(`"${name}" is not a JSON Lines file: its first line is not JSON (${(err as Error).message})`, 'file');
  }
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    throw invalidInput('each line of a JSON Lines file must be a JSON object; the first is not', 'file');
  }
  return { format: 'jsonl', columns: Object.keys(record), headerText: '', dataOffset: start };
}

/**
 * How the job reads and writes, checked against the model: every field the model reads must have
 * a column (matched as predict matches keys: exactly, then ignoring case and punctuation), and
 * no input column may be one the output adds.
 */
export function chunkSpecFor(algorithm: Algorithm, facts: InputFacts, outputFormat: InputFormat): ChunkSpec {
  const plan = outputPlanOf(algorithm);
  const added = [...outputColumns(plan), errorColumn];
  const clash = facts.columns.find((column) => added.includes(column));
  if (clash !== undefined) throw invalidInput(`the input has a column "${clash}", which the output adds: rename it`, 'file');
  const fields: [string, number][] = [];
  if (facts.format === 'csv') {
    const layout = recordLayout(algorithm.signature.inputs, algorithm.featureNames);
    const byName = Object.fromEntries(facts.columns.map((column, i) => [column, i]));
    const find = keyFinder(byName);
    const missing: string[] = [];
    for (const slot of layout.slots) {
      // a tensor input (an image, a sequence) takes many values per record; a CSV cell holds one
      const tensor = slot.dims.length > 1 || slot.dims.some((d) => d === null);
      if (!slot.fields && !tensor) {
        throw invalidInput(`"${algorithm.endpointName}" ${algorithm.version} takes arrays of numbers: register it with feature_names to score CSV files, or send JSON Lines`, 'file');
      }
      if (!slot.fields || (layout.mode === 'columns' && !takesScalar(slot))) {
        throw invalidInput(
          `"${algorithm.endpointName}" ${algorithm.version} reads input "${slot.input}" as a tensor (${inputShapeText(slot)}), which a CSV cell cannot hold: send JSON Lines (format=jsonl), one record per line as predict takes it`,
          'format'
        );
      }
      for (const field of slot.fields) {
        const column = find(field);
        if (column === undefined) missing.push(field);
        else fields.push([field, byName[column]!]);
      }
    }
    if (missing.length) {
      const list = missing.map((f) => `"${f}"`).join(', ');
      throw invalidInput(`the header has no column for the model's ${missing.length === 1 ? 'field' : 'fields'} ${list} (columns match like predict's keys: exactly, then ignoring case and punctuation)`, 'file');
    }
  }
  return { format: facts.format, outputFormat, columns: facts.columns, fields, plan };
}
