import { Transform } from 'node:stream';
import { invalidInput } from '../errors.ts';
import { originsSinceFormat, type Manifest, type RequestLine } from './manifest-schema.ts';
import { abTestKey, parseRequestLine, refKey } from './validate.ts';

/** A request record is one JSON line; no logged record comes near this. */
const maxLineBytes = 64 * 1024 * 1024;

/**
 * Passes requests.jsonl through unchanged while checking every line against the schema and
 * the manifest (its algorithm and A/B test must be in the bundle; from format 2, its origin),
 * counting lines per algorithm and handing each checked line to `onLine` (the import's plan of
 * the request rows, request-merge.ts). Holds at most one line in memory.
 */
export class RequestLineChecker extends Transform {
  readonly perAlgorithm = new Map<string, number>();
  lines = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly algorithms: Set<string>;
  private readonly tests: Set<string>;
  private readonly originRequired: boolean;

  constructor(
    manifest: Manifest,
    private readonly onLine: (line: RequestLine) => void = () => undefined
  ) {
    super();
    this.originRequired = manifest.format_version >= originsSinceFormat;
    this.algorithms = new Set(manifest.algorithms.map(refKey));
    this.tests = new Set(manifest.ab_tests.map((t) => abTestKey(t.endpoint, t.title, t.created_at)));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null, data?: Buffer) => void): void {
    try {
      let start = 0;
      let newline: number;
      while ((newline = chunk.indexOf(0x0a, start)) !== -1) {
        this.pending.push(chunk.subarray(start, newline));
        this.line(Buffer.concat(this.pending).toString('utf8'));
        this.pending = [];
        this.pendingBytes = 0;
        start = newline + 1;
      }
      if (start < chunk.length) {
        this.pending.push(chunk.subarray(start));
        this.pendingBytes += chunk.length - start;
        if (this.pendingBytes > maxLineBytes) throw invalidInput(`invalid bundle: requests.jsonl line ${this.lines + 1} is longer than ${maxLineBytes} bytes`, 'file');
      }
      callback(null, chunk);
    } catch (err) {
      callback(err as Error);
    }
  }

  override _flush(callback: (err?: Error | null) => void): void {
    try {
      if (this.pendingBytes > 0) this.line(Buffer.concat(this.pending).toString('utf8'));
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  private line(text: string): void {
    if (text === '') return;
    this.lines += 1;
    const r = parseRequestLine(text, this.lines);
    const key = refKey(r.algorithm);
    if (!this.algorithms.has(key)) {
      throw invalidInput(`invalid bundle: requests.jsonl line ${this.lines} refers to an algorithm the manifest does not list`, 'file');
    }
    if (r.ab_test && !this.tests.has(abTestKey(r.algorithm.endpoint, r.ab_test.title, r.ab_test.created_at))) {
      throw invalidInput(`invalid bundle: requests.jsonl line ${this.lines} refers to an A/B test the manifest does not list`, 'file');
    }
    if (this.originRequired && !r.origin) {
      throw invalidInput(`invalid bundle: requests.jsonl line ${this.lines} has no origin (required from format ${originsSinceFormat})`, 'file');
    }
    this.perAlgorithm.set(key, (this.perAlgorithm.get(key) ?? 0) + 1);
    this.onLine(r);
  }
}
