/**
 * What a record value may be for each input element type (DESIGN §3): numbers or numeric
 * strings such as "37" for numeric inputs, strings for string inputs, `null` (or `""`) as an
 * explicit missing value where the type can carry one. The server's encoder coerces every
 * value through `coerceValue`; the UI uses the same rules to pick its inputs and to check a
 * record before sending it.
 */

/** The tensor element types ModelDesk reads from a graph (ONNX names, lower case). */
export const elementTypeValues = [
  'float32',
  'float64',
  'float16',
  'int8',
  'uint8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'uint64',
  'bool',
  'string'
] as const;
export type ElementType = (typeof elementTypeValues)[number];

/** How values of an element type are read and stored. */
export type ValueKind = 'float' | 'float16' | 'int' | 'bigint' | 'bool' | 'string' | 'unsupported';

/** The input a form shows for a value: a text box for strings, a number box for the rest. */
export type FieldKind = 'string' | 'number';

/** Called with a user-facing message (naming the field) when a value is refused; never returns. */
export type Fail = (message: string, field?: string) => never;

export const intRanges: Readonly<Record<string, readonly [number, number]>> = {
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

/** `type` is a signature's type string: an element type, or e.g. `seq(map(…))` for non-tensors. */
export function valueKindOf(type: string): ValueKind {
  if (type === 'float32' || type === 'float64') return 'float';
  if (type === 'float16') return 'float16';
  if (type === 'int64' || type === 'uint64') return 'bigint';
  if (type in intRanges) return 'int';
  if (type === 'bool' || type === 'string') return type;
  return 'unsupported';
}

export const fieldKindOf = (type: string): FieldKind => (valueKindOf(type) === 'string' ? 'string' : 'number');

// Plain decimal notation only: Number() alone would also accept "0x1F", "0b101" or "Infinity".
const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;

/** True for the strings a numeric input accepts in place of a number ("37", " -1.5e3 "). */
export const isNumericString = (text: string): boolean => NUMERIC.test(text.trim());

/** What a value that was refused looked like, for the message: `"x"`, `true`, `an array of 2`, `an object`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : `an array of ${value.length}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** The largest finite float32: a number beyond it would reach the model as ±Infinity. */
const FLOAT32_MAX = 3.4028234663852886e38;
const FLOAT16_MAX = 65504;

/**
 * One record value → the cell stored for its input: a number (booleans as 0/1, missing floats
 * as NaN) or a string (a missing string as ""). Anything else calls `fail`. `missing` says
 * whether the model handles missing values (it imputes them): only then are `null` (and `""`
 * for a number) passed on as missing; otherwise they are refused, since a model that never
 * saw NaN answers it with garbage.
 */
export function coerceValue(value: unknown, kind: ValueKind, type: string, field: string, fail: Fail, missing: boolean): number | string {
  if (kind === 'string') {
    if (typeof value === 'string') return value;
    if (value === null) {
      if (missing) return '';
      return fail(`field "${field}" is null, but this model does not handle missing values (send a string)`, field);
    }
    return fail(`field "${field}" must be a string, got ${describeValue(value)}`, field);
  }
  if (kind === 'bool') {
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (value === 0 || value === 1) return value;
    const text = typeof value === 'string' ? value.trim().toLowerCase() : null;
    if (text === 'true' || text === '1') return 1;
    if (text === 'false' || text === '0') return 0;
    return fail(`field "${field}" must be true or false, got ${describeValue(value)}`, field);
  }
  if (value === null || (typeof value === 'string' && value.trim() === '')) {
    if (kind !== 'float' && kind !== 'float16') {
      return fail(`field "${field}" is missing a value (${type} inputs cannot take missing values)`, field);
    }
    if (missing) return NaN;
    return fail(`field "${field}" is ${value === null ? 'null' : 'empty'}, but this model does not handle missing values (send a number)`, field);
  }
  let num: number;
  if (typeof value === 'number') num = value;
  else if (typeof value !== 'string') return fail(`field "${field}" must be a number, got ${describeValue(value)}`, field);
  else if (isNumericString(value)) num = Number(value.trim());
  else if (NON_FINITE.test(value.trim())) return fail(`field "${field}" must be a finite number, got ${describeValue(value)}`, field);
  else return fail(`field "${field}" must be a number, got ${describeValue(value)}`, field);
  if (!Number.isFinite(num)) return fail(`field "${field}" must be a finite number, got ${describeValue(value)}`, field);
  if (kind === 'int' || kind === 'bigint') {
    const [min, max] = intRanges[type]!;
    if (!Number.isInteger(num)) return fail(`field "${field}" must be an integer (${type}), got ${num}`, field);
    if (num < min || num > max) return fail(`field "${field}" must be between ${min} and ${max} (${type}), got ${num}`, field);
  } else if (type === 'float32' && !Number.isFinite(Math.fround(num))) {
    // Math.fround rounds as a Float32Array store would: exactly the values that become ±Infinity
    return fail(`field "${field}" must be within float32's range (±${FLOAT32_MAX.toPrecision(8)}), got ${num}`, field);
  } else if (kind === 'float16' && Math.abs(num) > FLOAT16_MAX) {
    return fail(`field "${field}" must be within float16's range (±${FLOAT16_MAX}), got ${num}`, field);
  }
  return num;
}
