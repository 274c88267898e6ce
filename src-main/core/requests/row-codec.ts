import type Database from 'better-sqlite3';
import type { DecodeConfig, RawOutput } from '../inference/output-decoder.ts';
import { decodePredictions } from '../inference/output-decoder.ts';
import { answerOf, errorAnswer, loggedInput, loggedJson, type PredictionAnswer } from '../serving/answers.ts';
import { ByteReader, ByteWriter, readTensor, writeTensor } from './row-bytes.ts';
import { RowLayouts } from './row-layouts.ts';

/**
 * THE format of `requests.input` and `requests.response` (issue #18). Every reader and writer of
 * those two columns goes through this module: the request writer (encode), RequestLog and with
 * it the API, the Requests page and the platform export's parity check (decode), bundle export
 * (decode) and import (encodeTexts), monitoring's log path, backfill and reference profiles
 * (record, answer: values without the text; monitoring/stored-rows.ts), the replay of logged
 * requests (inputText; jobs/replay/replay-source.ts).
 *
 * A row is stored lean, as a BLOB, when decoding gives back exactly the JSON that was answered:
 *
 *   input     0x01 · varint layout id · UTF-8 JSON array of the record's values
 *             (the keys, in the order received, are the layout: row-layouts.ts)
 *   response  0x01 · varint layout id · each output's value as a typed tensor (row-bytes.ts),
 *             rebuilt into the answer by the output decoder and answerOf. Label, probability and
 *             probabilities, the algorithm's id and version, the A/B test and the status are not
 *             stored again: they come from the outputs, the algorithm and the row's columns.
 *             0x02 · UTF-8 message (an Error answer)
 *
 * Anything else is stored as it was before issue #18: the JSON text (TEXT), which is also how
 * every older row reads. Rows written while serving are checked: the first rows of each
 * algorithm are decoded again and compared with the JSON answered, and an algorithm whose
 * answers do not come back byte for byte is logged as text from then on. Imported rows are
 * stored lean only when their text comes back byte for byte.
 *
 * A lean response depends on how outputs become answers (output-decoder.ts, answers.ts, the
 * algorithm's decoding settings). A change there must keep old rows decoding as they were
 * answered, or convert them in a migration: row-codec.test.ts decodes rows stored by this
 * version (test/fixtures/request-rows.json) and fails otherwise.
 */

/** What decoding a lean response needs of its algorithm (immutable once registered). */
export interface AlgorithmFacts {
  version: string;
  /** how its outputs become answers; null when its settings no longer resolve (its rows stay text) */
  decode: DecodeConfig | null;
}

/** The columns a row is identified by, besides the two this module stores. */
export interface RowKeys {
  algorithmId: number;
  abTestId: number | null;
}

export interface StoredValues {
  input: string | Buffer;
  response: string | Buffer;
}

const enum Tag {
  /** input: layout + values; response: layout + outputs */
  Lean = 1,
  /** response: an Error answer's message */
  Error = 2
}

/** rows of each algorithm decoded again and compared before it is trusted to encode lean */
const checkedRowsPerAlgorithm = 16;

export class RowCodec {
  private readonly layouts: RowLayouts;
  private readonly facts = new Map<number, AlgorithmFacts | null>();
  /** per algorithm: rows checked so far, or -1 once one did not come back byte for byte */
  private readonly checked = new Map<number, number>();
  private readonly out = new ByteWriter();
  /** per record layout: the UTF-8 bytes its keys add to the JSON of its values (keyBytes) */
  private readonly recordKeyBytes = new Map<number, number>();

  constructor(
    sqlite: Database.Database,
    private readonly factsOf: (algorithmId: number) => AlgorithmFacts | null
  ) {
    this.layouts = new RowLayouts(sqlite);
  }

  /**
   * The stored values of an answered row (the prediction path). A record whose JSON is over
   * `maxRecordBytes` UTF-8 bytes is stored as the marker of contract/logged-record.ts (as text).
   * Call it outside a transaction: a record or output layout seen for the first time is stored
   * and committed on its own.
   */
  encode(keys: RowKeys, record: unknown, answer: PredictionAnswer, maxRecordBytes: number): StoredValues {
    const count = this.checked.get(keys.algorithmId) ?? 0;
    if (count < 0) return { input: loggedInput(record, maxRecordBytes), response: loggedJson(answer) };
    const input = this.encodeRecord(record, maxRecordBytes) ?? loggedInput(record, maxRecordBytes);
    const response = this.encodeAnswer(answer) ?? loggedJson(answer);
    if (count >= checkedRowsPerAlgorithm) return { input, response };
    const inputText = loggedInput(record, maxRecordBytes);
    let same: boolean;
    try {
      same = this.decodeInput(input) === inputText && this.decodeResponse(keys, answer.status, response) === loggedJson(answer);
    } catch {
      same = false;
    }
    this.checked.set(keys.algorithmId, same ? count + 1 : -1);
    return same ? { input, response } : { input: inputText, response: loggedJson(answer) };
  }

  /** Stored values for rows that arrive as text (bundle import): lean only where they decode to the same text. */
  encodeTexts(keys: RowKeys, status: 'OK' | 'Error', input: string, response: string): StoredValues {
    const lean = (encode: () => Buffer | null, decode: (stored: Buffer) => string, text: string): string | Buffer => {
      try {
        const stored = encode();
        return stored && decode(stored) === text ? stored : text;
      } catch {
        return text;
      }
    };
    return {
      input: lean(() => this.encodeRecord(JSON.parse(input)), (b) => this.decodeInput(b), input),
      response: lean(() => this.encodeAnswer(JSON.parse(response) as PredictionAnswer), (b) => this.decodeResponse(keys, status, b), response)
    };
  }

  /** A stored row's input as the JSON text it was received as (the replay of logged requests sends it to its workers). */
  inputText(stored: string | Buffer): string {
    return this.decodeInput(stored);
  }

  /** The JSON texts of a stored row, as the request was received and answered. */
  decode(row: RowKeys & { status: 'OK' | 'Error'; input: string | Buffer; response: string | Buffer }): { input: string; response: string } {
    return { input: this.decodeInput(row.input), response: this.decodeResponse(row, row.status, row.response) };
  }

  /**
   * The record of a stored row as a value, for readers that count rather than show (monitoring):
   * parsed from its JSON text (older rows, odd records, `$truncated` markers), or built from a lean
   * row's layout and values without writing the text first. Keys are own properties, as
   * JSON.parse makes them ("__proto__" stays a key).
   */
  record(stored: string | Buffer): unknown {
    if (typeof stored === 'string') return JSON.parse(stored);
    const { names, values } = this.leanRecord(stored);
    return Object.fromEntries(names.map((name, i) => [name, values[i]]));
  }

  /** The answer of a stored row as a value (without request_id): parsed from its JSON text, or rebuilt from a lean row's outputs without writing the text. */
  answer(row: RowKeys & { status: 'OK' | 'Error'; response: string | Buffer }): Omit<PredictionAnswer, 'request_id'> {
    return typeof row.response === 'string' ? (JSON.parse(row.response) as PredictionAnswer) : this.leanAnswer(row, row.status, row.response);
  }

  /** Forgets what a rolled-back transaction may have left in memory (layouts, algorithms): after a bundle import. */
  reload(): void {
    this.layouts.reload();
    this.facts.clear();
    this.recordKeyBytes.clear();
  }

  /** null when the record is not stored lean: not a plain object, too many layouts, or over `maxBytes` as JSON */
  private encodeRecord(record: unknown, maxBytes = Infinity): Buffer | null {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) return null;
    const names = Object.keys(record);
    const values = Object.values(record);
    // JSON.stringify drops such properties from an object but writes null for them in an array
    for (const v of values) if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return null;
    const layout = this.layouts.idOf(names);
    if (layout === null) return null;
    const json = JSON.stringify(values);
    if (!withinBytes(json, this.keyBytes(layout, names), maxBytes)) return null;
    return this.out.reset().byte(Tag.Lean).varint(layout).text(json).bytes();
  }

  /** What a record's keys add to its values' JSON array: `"name":` per key, in UTF-8 bytes. */
  private keyBytes(layout: number, names: readonly string[]): number {
    let bytes = this.recordKeyBytes.get(layout);
    if (bytes === undefined) {
      bytes = 0;
      for (const name of names) bytes += Buffer.byteLength(JSON.stringify(name)) + 1;
      this.recordKeyBytes.set(layout, bytes);
    }
    return bytes;
  }

  private decodeInput(stored: string | Buffer): string {
    if (typeof stored === 'string') return stored;
    const { names, values } = this.leanRecord(stored);
    // built as text: a key such as "__proto__" must come back as a key, not set a prototype
    return `{${names.map((name, i) => `${JSON.stringify(name)}:${JSON.stringify(values[i])}`).join(',')}}`;
  }

  private leanRecord(stored: Buffer): { names: readonly string[]; values: unknown[] } {
    const reader = new ByteReader(stored);
    if (reader.byte() !== Tag.Lean) throw new Error('request-log input in an unknown format');
    const names = this.layouts.namesOf(reader.varint());
    return { names, values: JSON.parse(reader.text()) as unknown[] };
  }

  private encodeAnswer(answer: PredictionAnswer): Buffer | null {
    if (answer.status === 'Error') {
      return typeof answer.message === 'string' ? this.out.reset().byte(Tag.Error).text(answer.message).bytes() : null;
    }
    const outputs = answer.outputs;
    if (!outputs || typeof outputs !== 'object' || Array.isArray(outputs)) return null;
    const layout = this.layouts.idOf(Object.keys(outputs));
    if (layout === null) return null;
    this.out.reset().byte(Tag.Lean).varint(layout);
    for (const value of Object.values(outputs)) if (!writeTensor(this.out, value)) return null;
    return this.out.bytes();
  }

  private decodeResponse(keys: RowKeys, status: 'OK' | 'Error', stored: string | Buffer): string {
    return typeof stored === 'string' ? stored : loggedJson(this.leanAnswer(keys, status, stored));
  }

  private leanAnswer(keys: RowKeys, status: 'OK' | 'Error', stored: Buffer): PredictionAnswer {
    const algorithm = this.algorithm(keys.algorithmId);
    const reader = new ByteReader(stored);
    const tag = reader.byte();
    if (tag === Tag.Error && status === 'Error') return errorAnswer(reader.text(), algorithm, keys.abTestId);
    if (tag !== Tag.Lean || status !== 'OK' || !algorithm.decode) throw new Error('request-log response in an unknown format');
    const results: Record<string, RawOutput> = {};
    for (const name of this.layouts.namesOf(reader.varint())) {
      const tensor = readTensor(reader);
      results[name] = { type: tensor.type, data: tensor.data, dims: [1, ...tensor.dims] };
    }
    return answerOf(decodePredictions(results, 1, algorithm.decode), 0, algorithm, keys.abTestId);
  }

  private algorithm(id: number): AlgorithmFacts & { id: number } {
    if (!this.facts.has(id)) this.facts.set(id, this.factsOf(id));
    const facts = this.facts.get(id);
    if (!facts) throw new Error(`request-log row of algorithm ${id}, which is not in the registry`);
    return { id, ...facts };
  }
}

/**
 * Whether a record's JSON, `{"a":1,"b":2}`, is at most `maxBytes` UTF-8 bytes, from the JSON of
 * its values, `[1,2]`, which differs only by the keys (brackets for braces, the same commas).
 * Counted only near the limit, as loggedInput counts it (1 to 3 bytes per UTF-16 unit).
 */
function withinBytes(valuesJson: string, keyBytes: number, maxBytes: number): boolean {
  if (valuesJson.length * 3 + keyBytes <= maxBytes) return true;
  return Buffer.byteLength(valuesJson) + keyBytes <= maxBytes;
}
