import { parse, type CsvError } from 'csv-parse';
import { Readable } from 'node:stream';
import { invalidInput, isModelDeskError } from '../../errors.ts';

/**
 * A reference (training) file as records, streamed: CSV with a header row (csv-parse: quoting,
 * embedded commas and newlines, blanks around fields trimmed), or JSON Lines (one object per
 * line; a file starting with `[` is read as one JSON array). The text must be UTF-8 (a UTF-8 BOM
 * is fine); anything else is refused with what it looks like, before a single row counts.
 * Every error is a 400 naming the file and, where there is one, the line.
 */

export type FileFormat = 'csv' | 'tsv' | 'jsonl';

export interface ReferenceFile {
  format: FileFormat;
  /** the column names (CSV header); for JSON Lines, the keys of the first record */
  columns(): Promise<string[]>;
  /** records in file order, each with where it is, for messages: `data row 7` (CSV), `line 7` (JSON Lines) */
  records(): AsyncGenerator<{ record: Record<string, unknown>; at: string }>;
}

const bad = (message: string) => invalidInput(`reference file: ${message}`, 'file');

/** The format from the file name, else from the first character (`{` or `[`: JSON). */
export function formatOf(name: string, firstChar: string): FileFormat {
  const lower = name.toLowerCase();
  if (lower.endsWith('.tsv') || lower.endsWith('.tab')) return 'tsv';
  if (/\.(jsonl|ndjson|json)$/.test(lower)) return 'jsonl';
  if (lower.endsWith('.csv')) return 'csv';
  return firstChar === '{' || firstChar === '[' ? 'jsonl' : 'csv';
}

/** UTF-8 text of a byte stream; refuses UTF-16 and bytes that are not UTF-8, saying what to do. */
export async function* utf8Text(source: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let first = true;
  let offset = 0;
  for await (const chunk of source) {
    if (first && chunk.length > 0) {
      first = false;
      if ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff)) {
        throw bad('the file is UTF-16 text; save it as UTF-8 (CSV UTF-8 in Excel) and upload it again');
      }
      const head = chunk.subarray(0, 4096);
      if (head.includes(0)) throw bad('the file holds NUL bytes: it is not a text file (or it is UTF-16 without a byte-order mark); save it as UTF-8 CSV or JSON Lines');
    }
    try {
      yield decoder.decode(chunk, { stream: true });
    } catch {
      throw bad(
        `the file is not UTF-8 text (invalid byte sequence within bytes ${offset}–${offset + chunk.length}); it may be Latin-1 or Windows-1252: save it as UTF-8 and upload it again`
      );
    }
    offset += chunk.length;
  }
  try {
    const rest = decoder.decode();
    if (rest) yield rest;
  } catch {
    throw bad('the file ends in the middle of a UTF-8 character: it is truncated or not UTF-8');
  }
}

/** Opens a reference file over its bytes. */
export async function openReferenceFile(name: string, source: AsyncIterable<Uint8Array>): Promise<ReferenceFile> {
  const text = utf8Text(source);
  // peek the first text chunk for the format, then put it back in front of the rest
  const head = await text.next();
  const firstText = head.done ? '' : head.value;
  if (firstText.trim() === '') {
    const next = head.done ? { done: true as const, value: undefined } : await text.next();
    if (next.done) throw bad('the file is empty');
    return openReferenceFile(name, reencode(next.value, text));
  }
  const format = formatOf(name, firstText.trimStart()[0] ?? '');
  async function* all(): AsyncGenerator<string> {
    yield firstText;
    yield* text;
  }
  return format === 'jsonl' ? jsonLines(all()) : csvFile(all(), format === 'tsv' ? '\t' : ',');
}

/** Text chunks back to bytes, for a re-open after leading blank chunks (rare). */
async function* reencode(first: string, rest: AsyncIterable<string>): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  yield encoder.encode(first);
  for await (const chunk of rest) yield encoder.encode(chunk);
}

function csvFile(text: AsyncIterable<string>, delimiter: string): ReferenceFile {
  let header: string[] | null = null;
  let headerSeen: (() => void) | null = null;
  const headerReady = new Promise<void>((resolve) => (headerSeen = resolve));
  const parser = parse({
    delimiter,
    trim: true,
    skip_empty_lines: true,
    max_record_size: 1 << 20,
    columns: (names: string[]) => {
      header = names.map((n) => String(n));
      headerSeen?.();
      return header;
    }
  });
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    const input = Readable.from(text);
    input.on('error', (err) => parser.destroy(err));
    input.pipe(parser);
  };
  return {
    format: delimiter === '\t' ? 'tsv' : 'csv',
    async columns() {
      start();
      // the header comes with the first line; a file that fails before it reports why
      await Promise.race([
        headerReady,
        new Promise<void>((resolve, reject) => {
          parser.once('end', resolve).once('error', (err) => reject(isModelDeskError(err) ? err : bad(`not valid CSV: ${err.message}`)));
        })
      ]);
      if (!header) throw bad('the file has no header row (the first line must name the columns)');
      return header;
    },
    async *records() {
      start();
      try {
        // rows are named by their place among the data rows (a quoted field may span lines)
        let row = 0;
        for await (const record of parser as AsyncIterable<Record<string, unknown>>) yield { record, at: `data row ${++row}` };
      } catch (err) {
        if (isModelDeskError(err)) throw err;
        throw bad(`not valid ${delimiter === '\t' ? 'tab-separated' : 'CSV'}: ${(err as CsvError).message}`);
      }
    }
  };
}

function jsonLines(text: AsyncIterable<string>): ReferenceFile {
  const iterator = lines(text);
  let first: { record: Record<string, unknown>; at: string } | null | undefined;
  const next = async () => {
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      const { text: line, number } = r.value;
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (err) {
        throw bad(`line ${number} is not valid JSON (${(err as Error).message})`);
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(`line ${number} is not a JSON object`);
      return { record: value as Record<string, unknown>, at: `line ${number}` };
    }
    return null;
  };
  return {
    format: 'jsonl',
    async columns() {
      if (first === undefined) first = await next();
      if (!first) throw bad('the file holds no records');
      return Object.keys(first.record);
    },
    async *records() {
      if (first === undefined) first = await next();
      for (let r = first; r; r = await next()) yield r;
    }
  };
}

/** Lines with their numbers; a file that is one JSON array yields its elements as lines. */
async function* lines(text: AsyncIterable<string>): AsyncGenerator<{ text: string; number: number }> {
  let rest = '';
  let number = 0;
  let array: string[] | null = null;
  for await (const chunk of text) {
    if (array) {
      array.push(chunk);
      continue;
    }
    rest += chunk;
    if (number === 0 && rest.trimStart().startsWith('[')) {
      array = [rest];
      continue;
    }
    const parts = rest.split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) yield { text: part, number: ++number };
  }
  if (array) {
    let items: unknown;
    try {
      items = JSON.parse(array.join(''));
    } catch (err) {
      throw bad(`the file starts with "[" but is not a valid JSON array (${(err as Error).message})`);
    }
    if (!Array.isArray(items)) throw bad('the file is not a JSON array');
    for (const [i, item] of items.entries()) yield { text: JSON.stringify(item), number: i + 1 };
    return;
  }
  if (rest !== '') yield { text: rest, number: ++number };
}
