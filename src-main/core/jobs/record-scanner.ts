import { createReadStream } from 'node:fs';
import type { InputFormat } from '../../contract/jobs.ts';

const newline = 0x0a;
const quote = 0x22;
const comma = 0x2c;
const isBlank = (byte: number | undefined): boolean => byte === 0x20 || byte === 0x09;

/**
 * Finds where records end in a byte stream, without parsing them: at a newline, unless (CSV) the
 * newline is inside a quoted field. As in RFC 4180 (and csv-parse), a quote opens a quoted field
 * only at the start of a field (spaces before it are trimmed), `""` inside one is a quote, and any
 * other quote is a character: a stray quote in one field cannot swallow the records after it.
 * JSON Lines cannot hold a raw newline inside a string, so every newline ends a line. The state
 * carries over from one buffer to the next.
 *
 * This only cuts the input into pieces a worker parses (csv-parse, JSON.parse); it decides
 * nothing about fields, and a malformed record surfaces as the parser's error on that record.
 */
export class RecordScanner {
  private inQuote = false;
  /** inside quotes, the previous buffer ended on a quote: closing, unless this one starts with another */
  private quoteAtEnd = false;
  /** the last byte but blanks before this buffer (a record starts as if after a newline) */
  private lastByte = newline;
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
    if (this.quoteAtEnd) {
      this.quoteAtEnd = false;
      if (buffer[at] === quote) at++;
      else this.inQuote = false;
    }
    for (;;) {
      if (this.inQuote) {
        const closing = buffer.indexOf(quote, at);
        if (closing < 0) return -1;
        if (closing + 1 === buffer.length) {
          this.quoteAtEnd = true;
          return -1;
        }
        if (buffer[closing + 1] === quote) at = closing + 2;
        else {
          this.inQuote = false;
          at = closing + 1;
        }
        continue;
      }
      const end = buffer.indexOf(newline, at);
      if (this.format === 'csv') {
        const opening = this.nextQuote(buffer, at);
        if (opening >= 0 && (end < 0 || opening < end)) {
          at = opening + 1;
          if (this.startsField(buffer, opening)) this.inQuote = true;
          continue;
        }
      }
      if (end >= 0) return end + 1;
      this.rememberEnd(buffer);
      return -1;
    }
  }

  /** a quote opens a quoted field when only blanks stand between it and a comma or the record's start */
  private startsField(buffer: Buffer, at: number): boolean {
    let i = at - 1;
    while (i >= 0 && isBlank(buffer[i])) i--;
    const before = i >= 0 ? buffer[i] : this.lastByte;
    return before === comma || before === newline;
  }

  private rememberEnd(buffer: Buffer): void {
    let i = buffer.length - 1;
    while (i >= 0 && isBlank(buffer[i])) i--;
    if (i >= 0) this.lastByte = buffer[i]!;
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

/** the most a chunk may hold (about a thousand records of 64 KiB each) */
const maxChunkBytes = 64 << 20;

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
  let pendingBytes = 0;
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
      pendingBytes = 0;
      sliceStart = end;
    }
    if (sliceStart < buffer.length) {
      pending.push(buffer.subarray(sliceStart));
      pendingBytes += buffer.length - sliceStart;
      // memory stays bounded even when a quote opens a field and nothing closes it
      if (pendingBytes > maxChunkBytes) {
        throw new Error(`the input has no end of record for ${maxChunkBytes / (1 << 20)} MiB from byte ${chunkStart}: is a quoted field never closed?`);
      }
    }
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
