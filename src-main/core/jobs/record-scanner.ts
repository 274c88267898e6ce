import { createReadStream } from 'node:fs';
import type { InputFormat } from '../../contract/jobs.ts';

const newline = 0x0a;
const quote = 0x22;

/**
 * Finds where records end in a byte stream, without parsing them: at a newline, unless (CSV) the
 * newline is inside a quoted field. RFC 4180 escapes a quote by doubling it, so counting quotes
 * is exact: an even number seen means outside a field. JSON Lines cannot hold a raw newline inside
 * a string, so every newline ends a line. The state carries over from one buffer to the next.
 *
 * This only cuts the input into pieces a worker parses (csv-parse, JSON.parse); it decides
 * nothing about fields, and a malformed file surfaces as the parser's error on that piece.
 */
export class RecordScanner {
  private inQuote = false;
  /** the buffer quoteAt refers to, and the first quote at or after quoteFrom in it (-1: none) */
  private quoteBuffer: Buffer | null = null;
  private quoteFrom = 0;
  private quoteAt = -1;

  constructor(private readonly format: InputFormat) {}

  /** true while the bytes seen so far end inside a quoted field */
  get insideQuotes(): boolean {
    return this.inQuote;
  }

  /**
   * The offset just past the newline ending the record that continues at `from`, or -1 when
   * the buffer ends first (the state is kept for the next buffer).
   */
  next(buffer: Buffer, from: number): number {
    let at = from;
    for (;;) {
      if (this.inQuote) {
        const closing = buffer.indexOf(quote, at);
        if (closing < 0) return -1;
        this.inQuote = false;
        at = closing + 1;
        continue;
      }
      const end = buffer.indexOf(newline, at);
      if (this.format === 'csv') {
        const opening = this.nextQuote(buffer, at);
        if (opening >= 0 && (end < 0 || opening < end)) {
          this.inQuote = true;
          at = opening + 1;
          continue;
        }
      }
      return end < 0 ? -1 : end + 1;
    }
  }

  /** the first quote at or after `at`, remembered per buffer: a file without quotes is searched once per buffer */
  private nextQuote(buffer: Buffer, at: number): number {
    if (buffer !== this.quoteBuffer || at < this.quoteFrom || (this.quoteAt >= 0 && this.quoteAt < at)) {
      this.quoteBuffer = buffer;
      this.quoteFrom = at;
      this.quoteAt = buffer.indexOf(quote, at);
    }
    return this.quoteAt;
  }
}

/** A piece of the input: whole records, [start, end) in the file. */
export interface InputChunk {
  start: number;
  end: number;
  bytes: Buffer;
}

/**
 * The input from byte `start` on, in pieces of about `recordsPerChunk` records (blank lines count
 * here; the worker skips them). The cuts depend only on the bytes from `start`: a job resumed at
 * a cut it made before cuts the rest exactly as an uninterrupted run did.
 */
export async function* readChunks(path: string, format: InputFormat, start: number, recordsPerChunk: number): AsyncGenerator<InputChunk> {
  const scanner = new RecordScanner(format);
  let pending: Buffer[] = [];
  let chunkStart = start;
  let records = 0;
  for await (const data of createReadStream(path, { start, highWaterMark: 1 << 20 })) {
    const buffer = data as Buffer;
    // where this buffer's part of the current chunk begins
    let sliceStart = 0;
    let from = 0;
    for (;;) {
      const end = scanner.next(buffer, from);
      if (end < 0) break;
      from = end;
      if (++records < recordsPerChunk) continue;
      pending.push(buffer.subarray(sliceStart, end));
      const bytes = Buffer.concat(pending);
      yield { start: chunkStart, end: chunkStart + bytes.length, bytes };
      chunkStart += bytes.length;
      records = 0;
      pending = [];
      sliceStart = end;
    }
    if (sliceStart < buffer.length) pending.push(buffer.subarray(sliceStart));
  }
  const bytes = Buffer.concat(pending);
  if (bytes.length > 0) yield { start: chunkStart, end: chunkStart + bytes.length, bytes };
}

/** Splits whole records (a chunk) into the [start, end) of each, line ending excluded, blank or not. */
export function recordSpans(bytes: Buffer, format: InputFormat): [number, number][] {
  const scanner = new RecordScanner(format);
  const spans: [number, number][] = [];
  let from = 0;
  while (from < bytes.length) {
    const next = scanner.next(bytes, from);
    const stop = next < 0 ? bytes.length : next;
    let end = next < 0 ? stop : stop - 1;
    if (end > from && bytes[end - 1] === 0x0d) end--;
    spans.push([from, end]);
    from = stop;
  }
  return spans;
}
