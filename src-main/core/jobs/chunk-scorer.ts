import type { InputFormat } from '../../contract/jobs.ts';
import type { Prediction, ValidRecord } from '../inference/index.ts';
import { cellText, csvCell, csvLine, parseCsv, splitPlainRecord } from './csv-cells.ts';
import { errorColumn, outputColumns, predictionValues, type OutputPlan } from './output-plan.ts';
import { recordSpans } from './record-scanner.ts';

/** How a job reads its rows and writes its answers; fixed when the job is created. */
export interface ChunkSpec {
  format: InputFormat;
  outputFormat: InputFormat;
  /** CSV: the header's columns; JSON Lines: the first record's keys (a CSV output's input columns) */
  columns: string[];
  /** CSV: each field the model reads and the column it comes from (matched like predict's keys) */
  fields: [field: string, column: number][];
  plan: OutputPlan;
}

/** What scoring needs of a model: OnnxModel's own validate and run, the online API's pieces. */
export interface ScoringModel {
  validate(record: unknown): ValidRecord;
  run(records: ValidRecord[]): Promise<Prediction[]>;
}

export interface ScoredChunk {
  /** records in the chunk (blank lines are not records) */
  records: number;
  /** the result lines of every record, in order */
  output: Uint8Array;
  /** the records that could not be scored: index in the chunk, and their error-file line without the row number */
  failures: { index: number; line: string }[];
}

interface Row {
  raw: string;
  /** the fields as read (CSV values by column, or the JSON object), null when unreadable */
  fields: string[] | Record<string, unknown> | null;
  valid: ValidRecord | null;
  error: string | null;
  prediction: Prediction | null;
}

/**
 * Scores one chunk of whole records: read, validate with the model's own rules, run the valid
 * ones in one batch, and write each record's result line in input order. A record that cannot
 * be read or validated gets its message in `error` and no prediction; it never stops the rest.
 */
export async function scoreChunk(model: ScoringModel, spec: ChunkSpec, bytes: Uint8Array): Promise<ScoredChunk> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rows = spec.format === 'csv' ? readCsvRows(buffer, spec) : readJsonRows(buffer, spec);
  // a CSV result reuses the input's text: the fields are dropped once validated (less for the collector to move)
  const keepFields = spec.outputFormat === 'jsonl' || spec.format === 'jsonl';
  // validate() copies what it reads into the ValidRecord, so one record object serves every CSV row
  const scratch: Record<string, string> = {};
  for (const row of rows) {
    if (row.error !== null) continue;
    try {
      row.valid = model.validate(recordOf(row, spec, scratch));
      if (!keepFields) row.fields = null;
    } catch (err) {
      row.error = (err as Error).message;
    }
  }
  const ready = rows.filter((row) => row.valid !== null);
  try {
    const predictions = await model.run(ready.map((row) => row.valid!));
    ready.forEach((row, i) => (row.prediction = predictions[i]!));
  } catch (err) {
    // as the online API answers a run that failed after validation
    for (const row of ready) row.error = `the model failed: ${(err as Error).message}`;
  }
  const columns = [...outputColumns(spec.plan), errorColumn];
  const lines: string[] = [];
  const failures: ScoredChunk['failures'] = [];
  rows.forEach((row, index) => {
    lines.push(resultLine(row, spec, columns));
    if (row.error !== null) failures.push({ index, line: failureLine(row, spec) });
  });
  return { records: rows.length, output: Buffer.from(lines.length ? lines.join('\n') + '\n' : ''), failures };
}

function readCsvRows(buffer: Buffer, spec: ChunkSpec): Row[] {
  const plain = buffer.indexOf(0x22) < 0;
  // without quotes every newline ends a record: one decode and one split instead of a string per record
  const pieces = plain ? buffer.toString('utf8').split('\n') : recordSpans(buffer, 'csv').map(([start, end]) => buffer.toString('utf8', start, end));
  const texts: string[] = [];
  for (const piece of pieces) {
    // blank records are skipped, as csv-parse skips them (\S is what String.prototype.trim keeps)
    if (hasContent.test(piece)) texts.push(piece.endsWith('\r') ? piece.slice(0, -1) : piece);
  }
  let values: (string[] | string)[];
  if (plain) {
    values = texts.map(splitPlainRecord);
  } else {
    let parsed: string[][] | null = null;
    try {
      parsed = parseCsv(buffer);
    } catch {
      // a malformed record: read them one by one below, so only that one fails
    }
    values = parsed && parsed.length === texts.length ? parsed : texts.map(parseOne);
  }
  return texts.map((raw, i) => {
    const fields = values[i]!;
    if (typeof fields === 'string') return row(raw, null, fields);
    if (fields.length !== spec.columns.length) {
      return row(raw, fields, `the row has ${fields.length} values; the header has ${spec.columns.length} columns`);
    }
    return row(raw, fields, null);
  });
}

const hasContent = /\S/;

/** One record's fields, or csv-parse's message when it is not valid CSV. */
function parseOne(text: string): string[] | string {
  if (!text.includes('"')) return splitPlainRecord(text);
  try {
    return parseCsv(text)[0] ?? [''];
  } catch (err) {
    return `not valid CSV: ${(err as Error).message.replace(/ at line \d+/, '')}`;
  }
}

function readJsonRows(buffer: Buffer, spec: ChunkSpec): Row[] {
  const added = spec.outputFormat === 'jsonl' ? [...outputColumns(spec.plan), errorColumn] : [];
  const rows: Row[] = [];
  for (const [start, end] of recordSpans(buffer, 'jsonl')) {
    const raw = buffer.toString('utf8', start, end);
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      rows.push(row(raw, null, `not valid JSON: ${(err as Error).message}`));
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      rows.push(row(raw, null, 'each line must be a JSON object'));
      continue;
    }
    const record = value as Record<string, unknown>;
    const clash = added.find((key) => Object.hasOwn(record, key));
    rows.push(row(raw, record, clash ? `the record has a field "${clash}", which the output adds: rename it` : null));
  }
  return rows;
}

const row = (raw: string, fields: Row['fields'], error: string | null): Row => ({ raw, fields, valid: null, error, prediction: null });

/** The record the model validates: CSV values under the model's own field names (in `scratch`), or the JSON object. */
function recordOf(row: Row, spec: ChunkSpec, scratch: Record<string, string>): unknown {
  if (!Array.isArray(row.fields)) return row.fields;
  for (const [field, column] of spec.fields) scratch[field] = row.fields[column]!;
  return scratch;
}

function resultLine(row: Row, spec: ChunkSpec, columns: string[]): string {
  const values = row.prediction ? predictionValues(spec.plan, row.prediction) : columns.slice(1).map(() => null);
  if (spec.outputFormat === 'jsonl') {
    const object: Record<string, unknown> = { ...inputObject(row, spec) };
    columns.forEach((column, i) => (object[column] = i < values.length ? (values[i] ?? null) : row.error));
    return JSON.stringify(object);
  }
  let added = '';
  for (const value of values) added += `,${csvValue(value)}`;
  added += `,${row.error === null ? '' : csvCell(row.error)}`;
  if (spec.format === 'csv') return row.raw + added;
  // JSON Lines in, CSV out: the first record's keys are the input columns
  const record = Array.isArray(row.fields) ? {} : (row.fields ?? {});
  return csvLine(spec.columns.map((c) => cellText(record[c]))) + added;
}

/** The error file's line for a record, without the row number the job prefixes. */
function failureLine(row: Row, spec: ChunkSpec): string {
  if (spec.outputFormat === 'jsonl') return `"input":${JSON.stringify(row.fields === null ? row.raw : inputObject(row, spec))},"error":${JSON.stringify(row.error)}}`;
  const input = spec.format === 'csv' ? row.raw : csvCell(row.raw);
  return `${input},${csvCell(row.error ?? '')}`;
}

/** The input as a JSON object: CSV values by column name, the JSON record itself, or its raw text. */
function inputObject(row: Row, spec: ChunkSpec): Record<string, unknown> {
  if (row.fields === null) return { input: row.raw };
  if (!Array.isArray(row.fields)) return row.fields;
  const fields = row.fields;
  return Object.fromEntries(spec.columns.map((column, i) => [column, fields[i] ?? null]));
}

function csvValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  return csvCell(cellText(value));
}
