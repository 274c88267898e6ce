import { parse, type Options } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

/**
 * CSV reading and writing for jobs, through csv-parse and csv-stringify. Fields are trimmed
 * (csv-parse's `trim`, which follows String.prototype.trim), so the Adult file's ", " separators
 * read as the tutorial's clients send the values; quote a value to keep its spaces.
 */
const parseOptions: Options = {
  trim: true,
  skip_empty_lines: true,
  relax_column_count: true,
  record_delimiter: ['\r\n', '\n']
};

/** Every record of a piece of CSV (csv-parse); throws csv-parse's error, which names the line. */
export function parseCsv(text: string | Buffer): string[][] {
  return parse(text, parseOptions) as string[][];
}

/**
 * The fields of one record that holds no double quote: split at commas and trimmed. That is
 * exactly what csv-parse makes of such a record with `trim: true` (checked in csv-cells.test.ts),
 * at a tenth of its cost: parsing is the largest cost of a job after the model.
 */
export function splitPlainRecord(text: string): string[] {
  const fields = text.split(',');
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    // trim only what has something to trim: a new string per field is most of the cost
    if (field !== '' && (edge(field.charCodeAt(0)) || edge(field.charCodeAt(field.length - 1)))) fields[i] = field.trim();
  }
  return fields;
}

/** a character String.prototype.trim might remove: ASCII blanks and controls, and everything beyond ASCII (checked by trim itself) */
const edge = (code: number): boolean => code <= 32 || code >= 127;

// Values with spaces at either end are quoted too, so that they read back unchanged.
const stringifyOptions = { eof: false, quoted_match: /^\s|\s$/ } as const;
const cells = new Map<string, string>();

/** One value as a CSV cell (csv-stringify), quoted when it has to be. Labels repeat: each is quoted once. */
export function csvCell(value: string): string {
  let cell = cells.get(value);
  if (cell === undefined) {
    cell = stringify([[value]], stringifyOptions);
    if (cells.size < 10_000) cells.set(value, cell);
  }
  return cell;
}

/** One record as a CSV line, without its line ending. */
export function csvLine(values: readonly string[]): string {
  return stringify([values as string[]], stringifyOptions);
}

/** A value of any JSON type as the text of a cell: numbers as JavaScript writes them, null as empty. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
