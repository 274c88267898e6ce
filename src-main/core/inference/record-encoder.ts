/**
 * JSON records → validated rows → tensor feeds. Pure (no onnxruntime, no I/O) so that the
 * hot path is cheap and every rule in DESIGN §3 "Records to tensors" is unit-testable.
 */
import { invalidInput } from '../errors.ts';
import type { ElementType, TensorInfo } from './signature.ts';

export type ValidRecord = { readonly __brand: 'ValidRecord' } & unknown;

export type FeedData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | string[];

/** What onnx-model.ts turns into an ort.Tensor. */
export interface Feed {
  type: ElementType;
  data: FeedData;
  dims: number[];
}

interface Slot {
  input: string;
  type: ElementType;
  kind: ValueKind;
  /** values per record for this input; null = decided by the records (dynamic width) */
  width: number | null;
  /** dims after the batch dim, with width substituted at encode time when dynamic */
  tail: (number | null)[];
  /** record fields feeding this slot (columns mode: the input name; vector mode: feature names) */
  fields: string[] | null;
}

/** Internal shape of a ValidRecord: one flat cell list, slot after slot. */
class Row {
  constructor(
    readonly owner: RecordEncoder,
    readonly cells: (number | string)[]
  ) {}
}

export const normaliseKey = (key: string): string => key.toLowerCase().replace(/[^a-z0-9]+/g, '_');

// Clients send the same keys request after request (`education-num`…): normalise each once.
const normalisedCache = new Map<string, string>();
function normaliseCached(key: string): string {
  let norm = normalisedCache.get(key);
  if (norm === undefined) {
    norm = normaliseKey(key);
    if (normalisedCache.size < 10_000) normalisedCache.set(key, norm);
  }
  return norm;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** Exact key first, then the normalised form (so `education-num` feeds `education_num`). */
function lookup(record: Record<string, unknown>, field: string, normalised: () => Map<string, string>): unknown {
  if (hasOwn.call(record, field)) return record[field];
  const key = normalised().get(normaliseCached(field));
  return key === undefined ? undefined : record[key];
}

/** The record's normalised keys, built on first need and at most once per record. */
function lazyNormalisedKeys(record: Record<string, unknown>): () => Map<string, string> {
  let map: Map<string, string> | undefined;
  return () => (map ??= normalisedKeys(record));
}

// Returned, not assigned, so the per-record closures carry no name (tsx's keepNames would
// otherwise call Object.defineProperty on each of them, on the hot path).
function failWith(where: string): Fail {
  return (message, field) => {
    throw invalidInput(where + message, field);
  };
}

function normalisedKeys(record: Record<string, unknown>): Map<string, string> {
  const map = new Map<string, string>();
  for (const key of Object.keys(record)) {
    const norm = normaliseCached(key);
    if (!map.has(norm)) map.set(norm, key);
  }
  return map;
}

export class RecordEncoder {
  private readonly slots: Slot[];
  /** vector mode: one 2-D input fed from featureNames order or an array record */
  private readonly vector: boolean;

  constructor(inputs: TensorInfo[], featureNames: string[] | null) {
    this.vector = inputs.length === 1 && (featureNames !== null || !isColumn(inputs[0]!));
    this.slots = inputs.map((info) => {
      const tail = info.shape && info.shape.length > 1 ? info.shape.slice(1).map((d) => (typeof d === 'number' ? d : null)) : [];
      const fixedWidth = tail.every((d) => d !== null) ? tail.reduce<number>((a, d) => a * (d ?? 1), 1) : null;
      const width = this.vector ? (fixedWidth ?? featureNames?.length ?? null) : (fixedWidth ?? 1);
      // A column input with a dynamic inner dim is fed one value per record, as skl2onnx does.
      if (!this.vector && tail.length > 0 && fixedWidth === null) tail.fill(1);
      if (info.shape === null && !this.vector) tail.push(1);
      return {
        input: info.name,
        type: info.type as ElementType,
        kind: valueKindOf(info.type),
        width,
        tail,
        fields: this.vector ? featureNames : [info.name]
      };
    });
  }

  validate(record: unknown, index?: number): ValidRecord {
    const where = index === undefined ? '' : `record ${index}: `;
    const fail = failWith(where);
    for (const slot of this.slots) {
      if (slot.kind === 'unsupported') fail(`input "${slot.input}" has type ${slot.type}, which ModelDesk cannot encode`);
    }
    const isArray = Array.isArray(record);
    if (record === null || typeof record !== 'object') {
      return fail(this.vector ? 'record must be a JSON object or an array of numbers' : 'record must be a JSON object');
    }
    const cells: (number | string)[] = [];
    if (this.vector) {
      const slot = this.slots[0]!;
      if (isArray) {
        const values = record as unknown[];
        if (slot.width !== null ? values.length !== slot.width : values.length === 0) {
          fail(`record must have ${slot.width ?? 'at least 1'} values, got ${values.length}`);
        }
        for (let j = 0; j < values.length; j++) {
          cells.push(coerceValue(values[j], slot.kind, slot.type, slot.fields?.[j] ?? `${slot.input}[${j}]`, fail));
        }
      } else {
        if (!slot.fields) {
          fail(`record must be an array of ${slot.width ?? 'the model\'s'} numbers (set feature_names to send JSON objects)`);
        }
        this.readFields(record as Record<string, unknown>, slot, slot.fields!, cells, fail, lazyNormalisedKeys(record as Record<string, unknown>));
      }
    } else {
      if (isArray) fail('record must be a JSON object');
      const keys = lazyNormalisedKeys(record as Record<string, unknown>);
      for (const slot of this.slots) this.readFields(record as Record<string, unknown>, slot, slot.fields!, cells, fail, keys);
    }
    return new Row(this, cells) as unknown as ValidRecord;
  }

  private readFields(
    record: Record<string, unknown>,
    slot: Slot,
    fields: string[],
    cells: (number | string)[],
    fail: Fail,
    keys: () => Map<string, string>
  ): void {
    for (const field of fields) {
      const value = lookup(record, field, keys);
      if (value === undefined) fail(`missing field "${field}"`, field);
      // A multi-column input in a multi-input model takes an array under its own name.
      if (!this.vector && slot.width !== 1) {
        if (!Array.isArray(value) || value.length !== slot.width) {
          fail(`field "${field}" must be an array of ${slot.width} values`, field);
        }
        for (const item of value as unknown[]) cells.push(coerceValue(item, slot.kind, slot.type, field, fail));
      } else {
        cells.push(coerceValue(value, slot.kind, slot.type, field, fail));
      }
    }
  }

  /** Builds one typed array per input holding every record, in record order. */
  toFeeds(records: ValidRecord[]): Record<string, Feed> {
    const rows = records as unknown as Row[];
    for (const row of rows) {
      if (!(row instanceof Row) || row.owner !== this) throw new Error('toFeeds() takes records returned by this model\'s validate()');
    }
    const n = rows.length;
    const feeds: Record<string, Feed> = {};
    let offset = 0;
    for (const slot of this.slots) {
      const width = slot.width ?? this.dynamicWidth(rows);
      const data = allocate(slot.type, n * width);
      fill(data, slot.kind, rows, offset, width);
      offset += width;
      const tail = slot.tail.map((d) => d ?? width);
      feeds[slot.input] = { type: slot.type, data, dims: [n, ...tail] };
    }
    return feeds;
  }

  /** Vector input of unknown width: every array record in the batch must agree on its length. */
  private dynamicWidth(rows: Row[]): number {
    const width = rows[0]?.cells.length ?? 0;
    rows.forEach((row, i) => {
      if (row.cells.length !== width) {
        throw invalidInput(`record ${i}: has ${row.cells.length} values but record 0 has ${width}`);
      }
    });
    return width;
  }
}

type ValueKind = 'float' | 'float16' | 'int' | 'bigint' | 'bool' | 'string' | 'unsupported';
type Fail = (message: string, field?: string) => never;

const INT_RANGES: Record<string, [number, number]> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  // int64 travels as a JS number until the typed array is built: only safe integers are exact.
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint64: [0, Number.MAX_SAFE_INTEGER]
};

function valueKindOf(type: string): ValueKind {
  if (type === 'float32' || type === 'float64') return 'float';
  if (type === 'float16') return 'float16';
  if (type === 'int64' || type === 'uint64') return 'bigint';
  if (type in INT_RANGES) return 'int';
  if (type === 'bool' || type === 'string') return type;
  return 'unsupported';
}

// Plain decimal notation only: Number() alone would also accept "0x1F", "0b101" or "Infinity".
const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;

/** One record value → the cell for its input type; `null` / `""` mean an explicit missing value. */
function coerceValue(value: unknown, kind: ValueKind, type: string, field: string, fail: Fail): number | string {
  if (kind === 'string') {
    if (typeof value === 'string') return value;
    if (value === null) return '';
    return fail(`field "${field}" must be a string`, field);
  }
  if (kind === 'bool') {
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (value === 0 || value === 1) return value;
    const text = typeof value === 'string' ? value.trim().toLowerCase() : null;
    if (text === 'true' || text === '1') return 1;
    if (text === 'false' || text === '0') return 0;
    return fail(`field "${field}" must be true or false`, field);
  }
  if (value === null || (typeof value === 'string' && value.trim() === '')) {
    if (kind === 'float' || kind === 'float16') return NaN;
    return fail(`field "${field}" is missing a value (${type} inputs cannot take missing values)`, field);
  }
  let num: number;
  if (typeof value === 'number') num = value;
  else if (typeof value !== 'string') return fail(`field "${field}" must be a number`, field);
  else if (NUMERIC.test(value.trim())) num = Number(value.trim());
  else if (NON_FINITE.test(value.trim())) return fail(`field "${field}" must be a finite number`, field);
  else return fail(`field "${field}" must be a number, got "${value.length > 40 ? value.slice(0, 40) + '…' : value}"`, field);
  if (!Number.isFinite(num)) return fail(`field "${field}" must be a finite number`, field);
  if (kind === 'int' || kind === 'bigint') {
    const [min, max] = INT_RANGES[type]!;
    if (!Number.isInteger(num)) return fail(`field "${field}" must be an integer`, field);
    if (num < min || num > max) return fail(`field "${field}" must be between ${min} and ${max}`, field);
  }
  return num;
}

/** [N], [N,1] or unknown shape: one value per record, taken from the field named like the input. */
function isColumn(info: TensorInfo): boolean {
  return !info.shape || info.shape.length <= 1 || (info.shape.length === 2 && info.shape[1] === 1);
}

function allocate(type: ElementType, size: number): FeedData {
  switch (type) {
    case 'float32': return new Float32Array(size);
    case 'float64': return new Float64Array(size);
    case 'int64': return new BigInt64Array(size);
    case 'uint64': return new BigUint64Array(size);
    case 'int32': return new Int32Array(size);
    case 'uint32': return new Uint32Array(size);
    case 'int16': return new Int16Array(size);
    case 'uint16': case 'float16': return new Uint16Array(size);
    case 'int8': return new Int8Array(size);
    case 'uint8': case 'bool': return new Uint8Array(size);
    case 'string': return new Array<string>(size);
  }
}

function fill(data: FeedData, kind: ValueKind, rows: Row[], offset: number, width: number): void {
  let k = 0;
  if (kind === 'bigint') {
    const out = data as BigInt64Array | BigUint64Array;
    for (const row of rows) for (let j = 0; j < width; j++) out[k++] = BigInt(row.cells[offset + j] as number);
  } else if (kind === 'float16') {
    const out = data as Uint16Array;
    for (const row of rows) for (let j = 0; j < width; j++) out[k++] = toHalf(row.cells[offset + j] as number);
  } else {
    const out = data as { [i: number]: number | string };
    for (const row of rows) for (let j = 0; j < width; j++) out[k++] = row.cells[offset + j]!;
  }
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary16 bits (round-to-nearest-even), because Node 20 has no Float16Array. */
export function toHalf(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const full = mant | 0x800000;
    const shift = 14 - e;
    const m = full >>> shift;
    const rest = full & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    return sign | (m + (rest > halfway || (rest === halfway && m & 1) ? 1 : 0));
  }
  return (sign | (e << 10) | (mant >>> 13)) + (((mant & 0x1fff) + ((mant >>> 13) & 1) + 0xfff) >>> 13);
}
