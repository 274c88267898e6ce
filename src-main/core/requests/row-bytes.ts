/**
 * The bytes of a lean request-log row (row-codec.ts): unsigned varints, UTF-8 strings and one
 * record's model output as a typed tensor. Outputs are what `outputs` holds in an answer: per
 * output, the record's value in its own shape, nested arrays of numbers (from float or integer
 * tensors), strings or booleans. A number array whose values are all float32 values (every
 * float tensor: onnxruntime returns float32, float16 widens exactly) is stored as float32, any
 * other as float64, so each value reads back as the very same JavaScript number.
 */

export class ByteWriter {
  private buffer = Buffer.allocUnsafe(256);
  private at = 0;

  private room(n: number): void {
    if (this.at + n <= this.buffer.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.at + n));
    this.buffer.copy(next, 0, 0, this.at);
    this.buffer = next;
  }

  reset(): this {
    this.at = 0;
    return this;
  }

  byte(value: number): this {
    this.room(1);
    this.buffer[this.at++] = value;
    return this;
  }

  varint(value: number): this {
    this.room(10);
    let v = value;
    while (v >= 0x80) {
      this.buffer[this.at++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buffer[this.at++] = v;
    return this;
  }

  /** UTF-8, without a length (the rest of the row) */
  text(value: string): this {
    this.room(Buffer.byteLength(value));
    this.at += this.buffer.write(value, this.at, 'utf8');
    return this;
  }

  /** UTF-8 with its byte length first */
  string(value: string): this {
    const n = Buffer.byteLength(value);
    this.varint(n);
    this.room(n);
    this.at += this.buffer.write(value, this.at, 'utf8');
    return this;
  }

  float32(value: number): this {
    this.room(4);
    this.at = this.buffer.writeFloatLE(value, this.at);
    return this;
  }

  float64(value: number): this {
    this.room(8);
    this.at = this.buffer.writeDoubleLE(value, this.at);
    return this;
  }

  /** a copy of what was written (the writer's buffer is reused) */
  bytes(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.at));
  }
}

export class ByteReader {
  private at = 0;

  constructor(private readonly buffer: Uint8Array) {}

  get done(): boolean {
    return this.at >= this.buffer.length;
  }

  byte(): number {
    if (this.at >= this.buffer.length) throw new Error('request-log row ends early');
    return this.buffer[this.at++]!;
  }

  varint(): number {
    let value = 0;
    for (let scale = 1; ; scale *= 0x80) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
    }
  }

  text(): string {
    const value = Buffer.from(this.buffer.buffer, this.buffer.byteOffset + this.at, this.buffer.length - this.at).toString('utf8');
    this.at = this.buffer.length;
    return value;
  }

  string(): string {
    const n = this.varint();
    const value = Buffer.from(this.buffer.buffer, this.buffer.byteOffset + this.at, n).toString('utf8');
    this.at += n;
    return value;
  }

  float32(): number {
    const value = Buffer.from(this.buffer.buffer, this.buffer.byteOffset, this.buffer.length).readFloatLE(this.at);
    this.at += 4;
    return value;
  }

  float64(): number {
    const value = Buffer.from(this.buffer.buffer, this.buffer.byteOffset, this.buffer.length).readDoubleLE(this.at);
    this.at += 8;
    return value;
  }
}

/** element kinds of a stored output */
const enum Kind {
  Float32 = 1,
  Float64 = 2,
  String = 3,
  Bool = 4
}

/** One record's output as onnxruntime-shaped data: what output-decoder reads back with a batch of one. */
export interface StoredTensor {
  type: 'float32' | 'float64' | 'string' | 'bool';
  data: Float32Array | Float64Array | string[] | Uint8Array;
  /** the record's own dims (no batch dim) */
  dims: number[];
}

/**
 * Writes a record's output value (nested arrays of one scalar type, rectangular), or returns
 * false, writing nothing, when the value is not one (an imported row's odd JSON):
 * the caller then stores the row as text.
 */
export function writeTensor(out: ByteWriter, value: unknown): boolean {
  const dims: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]) {
    dims.push(v.length);
    if (v.length === 0) break;
  }
  const flat: unknown[] = [];
  if (!flatten(value, 0, dims, flat)) return false;
  const first = flat[0];
  let kind: Kind;
  if (flat.length === 0 || typeof first === 'number') {
    if (!flat.every((v) => typeof v === 'number')) return false;
    kind = (flat as number[]).every((v) => Math.fround(v) === v || Number.isNaN(v)) ? Kind.Float32 : Kind.Float64;
  } else if (typeof first === 'string') {
    if (!flat.every((v) => typeof v === 'string')) return false;
    kind = Kind.String;
  } else if (typeof first === 'boolean') {
    if (!flat.every((v) => typeof v === 'boolean')) return false;
    kind = Kind.Bool;
  } else return false;
  out.byte(kind).varint(dims.length);
  for (const d of dims) out.varint(d);
  for (const v of flat) {
    if (kind === Kind.Float32) out.float32(v as number);
    else if (kind === Kind.Float64) out.float64(v as number);
    else if (kind === Kind.String) out.string(v as string);
    else out.byte(v ? 1 : 0);
  }
  return true;
}

/** depth-first scalars of `value`, if it is an array of exactly `dims` (rectangular) holding scalars at the last depth */
function flatten(value: unknown, depth: number, dims: readonly number[], flat: unknown[]): boolean {
  if (depth === dims.length) {
    if (Array.isArray(value) || value === null || typeof value === 'object') return false;
    flat.push(value);
    return true;
  }
  if (!Array.isArray(value) || value.length !== dims[depth]) return false;
  for (const item of value) if (!flatten(item, depth + 1, dims, flat)) return false;
  return true;
}

export function readTensor(reader: ByteReader): StoredTensor {
  const kind = reader.byte() as Kind;
  const dims = Array.from({ length: reader.varint() }, () => reader.varint());
  const n = dims.reduce((a, d) => a * d, 1);
  switch (kind) {
    case Kind.Float32:
      return { type: 'float32', dims, data: Float32Array.from({ length: n }, () => reader.float32()) };
    case Kind.Float64:
      return { type: 'float64', dims, data: Float64Array.from({ length: n }, () => reader.float64()) };
    case Kind.String:
      return { type: 'string', dims, data: Array.from({ length: n }, () => reader.string()) };
    case Kind.Bool:
      return { type: 'bool', dims, data: Uint8Array.from({ length: n }, () => reader.byte()) };
    default:
      throw new Error(`request-log row holds an unknown element kind ${String(kind)}`);
  }
}
