/**
 * Validated record cells → one typed array per input, the form onnxruntime takes. Pure (no
 * onnxruntime): onnx-model.ts and the inference worker turn a Feed into an ort.Tensor.
 */
import type { ElementType, ValueKind } from '../../contract/record-values.ts';

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

/** One validated record: its cells, input after input, each input's values in order. */
export interface CellRow {
  readonly cells: readonly (number | string)[];
}

export function allocate(type: ElementType, size: number): FeedData {
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

/** Copies `width` cells from `offset` of every row into `data`, row after row. */
export function fill(data: FeedData, kind: ValueKind, rows: readonly CellRow[], offset: number, width: number): void {
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
