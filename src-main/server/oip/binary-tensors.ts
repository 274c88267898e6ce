import { invalidInput } from '../../core/errors.ts';

/**
 * One tensor's bytes ↔ its values, as Triton's binary tensor data extension lays them out
 * (test/standards/third_party/triton-server/docs/protocol/extension_binary_data.md): little-endian, row-major,
 * no padding; BOOL is one byte 0/1; BYTES is each element as a 4-byte little-endian length
 * followed by its bytes. This is what numpy's `tobytes()` and tritonclient's
 * `serialize_byte_tensor` produce. Pure functions, no HTTP.
 */

export const oipDatatypes = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'BF16',
  'FP32',
  'FP64',
  'BYTES'
] as const;
export type OipDatatype = (typeof oipDatatypes)[number];
export type FixedSizeDatatype = Exclude<OipDatatype, 'BYTES'>;

/** Element sizes in bytes (inference_rest.md, "Tensor Data Types"; BF16 from tritonclient). */
export const elementSize: Record<FixedSizeDatatype, number> = {
  BOOL: 1,
  UINT8: 1,
  INT8: 1,
  UINT16: 2,
  INT16: 2,
  FP16: 2,
  BF16: 2,
  UINT32: 4,
  INT32: 4,
  FP32: 4,
  UINT64: 8,
  INT64: 8,
  FP64: 8
};

export const isOipDatatype = (value: unknown): value is OipDatatype =>
  typeof value === 'string' && (oipDatatypes as readonly string[]).includes(value);

/** A decoded element: JSON-shaped, as the same tensor sent in a `data` array would be. */
export type TensorElement = number | boolean | string;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decode one input tensor's binary data. `subject` names it in errors (`input "age"`).
 * Refuses what JSON could not have said either: a count that does not fit the shape, NaN or
 * ±Infinity, a 64-bit integer beyond ±2^53−1 (it would silently change), BOOL bytes other
 * than 0/1, BYTES that are not UTF-8 (ModelDesk's string inputs are text).
 */
export function decodeTensorBytes(bytes: Uint8Array, datatype: OipDatatype, elementCount: number, subject: string): TensorElement[] {
  if (datatype === 'BYTES') return decodeByteElements(bytes, elementCount, subject);
  const size = elementSize[datatype];
  if (bytes.length !== elementCount * size) {
    throw invalidInput(
      `${subject}: binary_data_size is ${bytes.length} bytes but ${elementCount} ${datatype} elements need ${elementCount * size}`
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = reader[datatype];
  const values: TensorElement[] = new Array<TensorElement>(elementCount);
  for (let i = 0; i < elementCount; i++) {
    const value = read(view, i * size);
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw invalidInput(`${subject}: element ${i} is ${value}; tensor data must be finite numbers`);
    }
    if (typeof value === 'bigint') {
      if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
        throw invalidInput(`${subject}: element ${i} is ${value}, beyond ±${Number.MAX_SAFE_INTEGER} (it would lose precision)`);
      }
      values[i] = Number(value);
    } else if (datatype === 'BOOL') {
      if (value !== 0 && value !== 1) throw invalidInput(`${subject}: BOOL element ${i} is byte ${value}; BOOL bytes are 0 or 1`);
      values[i] = value === 1;
    } else {
      values[i] = value;
    }
  }
  return values;
}

function decodeByteElements(bytes: Uint8Array, elementCount: number, subject: string): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values: string[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 4 > bytes.length) {
      throw invalidInput(`${subject}: BYTES element ${values.length} is cut short: its 4-byte length prefix runs past the tensor's binary data`);
    }
    const length = view.getUint32(offset, true);
    offset += 4;
    if (offset + length > bytes.length) {
      throw invalidInput(
        `${subject}: BYTES element ${values.length} declares ${length} bytes but only ${bytes.length - offset} remain in its binary data`
      );
    }
    try {
      values.push(utf8.decode(bytes.subarray(offset, offset + length)));
    } catch {
      throw invalidInput(`${subject}: BYTES element ${values.length} is not valid UTF-8 text`);
    }
    offset += length;
  }
  if (values.length !== elementCount) {
    throw invalidInput(`${subject}: the binary data holds ${values.length} BYTES elements but the shape needs ${elementCount}`);
  }
  return values;
}

const reader: Record<FixedSizeDatatype, (view: DataView, offset: number) => number | bigint> = {
  BOOL: (v, o) => v.getUint8(o),
  UINT8: (v, o) => v.getUint8(o),
  INT8: (v, o) => v.getInt8(o),
  UINT16: (v, o) => v.getUint16(o, true),
  INT16: (v, o) => v.getInt16(o, true),
  UINT32: (v, o) => v.getUint32(o, true),
  INT32: (v, o) => v.getInt32(o, true),
  UINT64: (v, o) => v.getBigUint64(o, true),
  INT64: (v, o) => v.getBigInt64(o, true),
  FP16: (v, o) => halfToNumber(v.getUint16(o, true)),
  BF16: (v, o) => bfloat16ToNumber(v.getUint16(o, true)),
  FP32: (v, o) => v.getFloat32(o, true),
  FP64: (v, o) => v.getFloat64(o, true)
};

/** A value a model may answer with: numbers (bigint for 64-bit integers), booleans, text or raw bytes. */
export type OutputElement = number | bigint | boolean | string | Uint8Array;

/**
 * Encode one output tensor's values (row-major, already flat) as binary data. The values come
 * from the model, so a value that does not fit its datatype is a bug here, not a client
 * mistake: it throws a plain Error naming the tensor and element.
 */
export function encodeTensorBytes(values: readonly unknown[], datatype: OipDatatype, subject: string): Buffer {
  if (datatype === 'BYTES') {
    const parts: Buffer[] = [];
    values.forEach((value, i) => {
      const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value instanceof Uint8Array ? Buffer.from(value) : null;
      if (bytes === null) throw new Error(`${subject}: BYTES element ${i} is ${typeof value}, not text or bytes`);
      const prefix = Buffer.alloc(4);
      prefix.writeUInt32LE(bytes.length);
      parts.push(prefix, bytes);
    });
    return Buffer.concat(parts);
  }
  const size = elementSize[datatype];
  const out = Buffer.alloc(values.length * size);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const write = writer[datatype];
  values.forEach((value, i) => {
    try {
      write(view, i * size, value);
    } catch (err) {
      throw new Error(`${subject}: element ${i} (${String(value)}) cannot be written as ${datatype}: ${(err as Error).message}`);
    }
  });
  return out;
}

const asNumber = (value: unknown): number => {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw new TypeError(`${typeof value} is not a number`);
};
const asInteger = (value: unknown, min: number, max: number): number => {
  const n = asNumber(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new RangeError(`not an integer in [${min}, ${max}]`);
  return n;
};
const asBigInt = (value: unknown): bigint => {
  if (typeof value === 'bigint') return value;
  const n = asNumber(value);
  if (!Number.isSafeInteger(n)) throw new RangeError('not a safe integer');
  return BigInt(n);
};

const writer: Record<FixedSizeDatatype, (view: DataView, offset: number, value: unknown) => void> = {
  BOOL: (v, o, x) => v.setUint8(o, asInteger(x, 0, 1)),
  UINT8: (v, o, x) => v.setUint8(o, asInteger(x, 0, 0xff)),
  INT8: (v, o, x) => v.setInt8(o, asInteger(x, -0x80, 0x7f)),
  UINT16: (v, o, x) => v.setUint16(o, asInteger(x, 0, 0xffff), true),
  INT16: (v, o, x) => v.setInt16(o, asInteger(x, -0x8000, 0x7fff), true),
  UINT32: (v, o, x) => v.setUint32(o, asInteger(x, 0, 0xffffffff), true),
  INT32: (v, o, x) => v.setInt32(o, asInteger(x, -0x80000000, 0x7fffffff), true),
  UINT64: (v, o, x) => v.setBigUint64(o, asBigInt(x), true),
  INT64: (v, o, x) => v.setBigInt64(o, asBigInt(x), true),
  FP16: (v, o, x) => v.setUint16(o, numberToHalf(asNumber(x)), true),
  BF16: (v, o, x) => v.setUint16(o, numberToBfloat16(asNumber(x)), true),
  FP32: (v, o, x) => v.setFloat32(o, asNumber(x), true),
  FP64: (v, o, x) => v.setFloat64(o, asNumber(x), true)
};

/** IEEE 754 binary16 → number (exact). */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** number → IEEE 754 binary16, rounding to nearest even in one step (as numpy's float64 → float16). */
export function numberToHalf(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  if (magnitude < 2 ** -14) return sign | roundHalfEven(magnitude * 2 ** 24); // subnormal (1024 = smallest normal)
  let exponent = Math.floor(Math.log2(magnitude));
  if (2 ** exponent > magnitude) exponent--;
  if (2 ** (exponent + 1) <= magnitude) exponent++;
  let fraction = roundHalfEven((magnitude / 2 ** exponent - 1) * 1024);
  if (fraction === 1024) {
    fraction = 0;
    exponent++;
  }
  if (exponent > 15) return sign | 0x7c00;
  return sign | ((exponent + 15) << 10) | fraction;
}

function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const rest = x - floor;
  if (rest > 0.5) return floor + 1;
  if (rest < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

const scratch = new DataView(new ArrayBuffer(4));

/** bfloat16 → number: the upper half of a float32. */
export function bfloat16ToNumber(bits: number): number {
  scratch.setUint32(0, bits << 16);
  return scratch.getFloat32(0);
}

/** number → bfloat16 by truncating the float32, as tritonclient's serialize_bf16_tensor does. */
export function numberToBfloat16(value: number): number {
  scratch.setFloat32(0, value);
  return scratch.getUint16(0);
}
