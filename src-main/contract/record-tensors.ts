/**
 * A record's value for a tensor input (issue 21): the example's tensor without the batch
 * dimension, as nested arrays in the input's shape, or as a flat array of the product of its
 * dims when every dim is fixed; a single value where the tensor holds one (`[batch, 1]`,
 * `[batch]`). Dynamic dims (a sequence length, an image size) take the record's own length,
 * at least 1. Declared once: the server's encoder reads records with it, and the Playground
 * checks its editors with it before sending.
 */
import type { InputSlot } from './record-layout.ts';
import { coerceValue, describeValue, type Fail } from './record-values.ts';

/** What a tensor reader needs of an input (InputSlot fits). */
export type TensorSlot = Pick<InputSlot, 'input' | 'type' | 'kind' | 'dims' | 'shape' | 'range'>;

const product = (dims: readonly number[]): number => dims.reduce((a, d) => a * d, 1);

const dimText = (d: number | string | null): string => (d === null ? '?' : String(d));

/** The input as a message names it: `float32 [1, 8, 8]`, `int64 [seq]`, `int64 scalar`. */
export function inputShapeText(slot: Pick<InputSlot, 'type' | 'shape'>): string {
  return slot.shape.length === 0 ? `${slot.type} scalar` : `${slot.type} [${slot.shape.map(dimText).join(', ')}]`;
}

/** True when one value stands for the whole tensor (every dim is 1, or dynamic and read as 1). */
export const takesScalar = (slot: Pick<InputSlot, 'dims'>): boolean => slot.dims.every((d) => d === 1 || d === null);

/** The dims of a nested array, following first elements; [] for a scalar, [0] for []. */
export function valueDims(value: unknown): number[] {
  const dims: number[] = [];
  let cursor = value;
  while (Array.isArray(cursor)) {
    dims.push(cursor.length);
    if (cursor.length === 0) break;
    cursor = cursor[0];
  }
  return dims;
}

/** What the input takes, in words, for a message. */
export function expectedValue(slot: Pick<InputSlot, 'dims' | 'shape'>): string {
  const { dims } = slot;
  if (dims.every((d) => d === 1)) return 'a single value or a one-element array';
  const fixed = dims.every((d): d is number => d !== null);
  if (dims.length === 1) return fixed ? `an array of ${dims[0]} values` : 'an array of 1 or more values';
  const shape = `[${slot.shape.map(dimText).join(', ')}]`;
  return fixed
    ? `nested arrays of shape ${shape} or a flat array of ${product(dims)} values`
    : `nested arrays of shape ${shape}, each dimension at least 1`;
}

function receivedShape(value: unknown, dims: number[]): string {
  if (!Array.isArray(value)) return describeValue(value);
  if (dims.includes(0)) return dims.length === 1 ? 'an empty array' : `an array of shape [${dims.join(', ')}] with an empty dimension`;
  return dims.length === 1 ? `an array of ${dims[0]}` : `an array of shape [${dims.join(', ')}]`;
}

/** The id check of an input that indexes a table: an id past the table fails the whole model run. */
export function checkRange(cell: number | string, slot: TensorSlot, field: string, fail: Fail): void {
  if (!slot.range || typeof cell !== 'number') return;
  const [min, max] = slot.range;
  if (cell < min || cell > max) {
    fail(`field "${field}" must be an id from ${min} to ${max} (the rows of the table this input indexes), got ${cell}`, field);
  }
}

/**
 * Reads one record's value for `slot` into `cells` (row-major) and returns the dims it has (the
 * slot's, with each dynamic dim resolved). Refuses, through `fail`, a value of another shape
 * or an element of another type; every message names the input, its type and shape, and what
 * was received. `missing`: the model handles missing values (record-values.ts).
 */
export function readTensor(value: unknown, slot: TensorSlot, fail: Fail, missing: boolean, cells: (number | string)[]): number[] {
  const { dims } = slot;
  const rank = dims.length;
  const takes = ` (input "${slot.input}" takes ${inputShapeText(slot)} per record)`;
  const elementFail: Fail = (message) => fail(message + takes, slot.input);
  const shapeFail = (received: string): never =>
    fail(`field "${slot.input}" must be ${expectedValue(slot)}, got ${received}${takes}`, slot.input);
  const float32 = slot.type === 'float32';
  const plainFloat = slot.kind === 'float' && !slot.range;
  const push = (item: unknown, field: () => string): void => {
    // the common case (a finite number for a float input) without building the element's name
    if (plainFloat && typeof item === 'number' && (float32 ? Number.isFinite(Math.fround(item)) : Number.isFinite(item))) {
      cells.push(item);
      return;
    }
    const name = field();
    const cell = coerceValue(item, slot.kind, slot.type, name, elementFail, missing);
    checkRange(cell, slot, name, elementFail);
    cells.push(cell);
  };

  if (!Array.isArray(value)) {
    if (!takesScalar(slot)) shapeFail(describeValue(value));
    push(value, () => slot.input);
    return dims.map(() => 1);
  }
  const got = valueDims(value);
  if (got.includes(0)) shapeFail(receivedShape(value, got));
  // flat: the product of fixed dims in one list (one-element arrays for a single value included)
  if (got.length === 1 && rank !== 1 && dims.every((d) => d !== null) && value.length === product(dims as number[])) {
    for (let j = 0; j < value.length; j++) push(value[j], () => `${slot.input}[${j}]`);
    return dims as number[];
  }
  if (got.length !== rank || dims.some((d, i) => d !== null && d !== got[i])) shapeFail(receivedShape(value, got));
  const walk = (item: unknown, depth: number, path: () => string): void => {
    if (depth === rank) return push(item, path);
    if (!Array.isArray(item) || item.length !== got[depth]) {
      const found = Array.isArray(item) ? `${item.length} values` : describeValue(item);
      shapeFail(`a ragged array (${path()} has ${found} where ${got[depth]} were expected)`);
    }
    const items = item as unknown[];
    for (let j = 0; j < items.length; j++) walk(items[j], depth + 1, () => `${path()}[${j}]`);
  };
  walk(value, 0, () => slot.input);
  return got;
}

/** A tensor of one value in the slot's shape, nested (dynamic dims as 1): the Playground's starting point. */
export function filledTensor(slot: Pick<InputSlot, 'dims'>, value: number | string): unknown {
  return nestFlat(new Array<number | string>(product(slot.dims.map((d) => d ?? 1))).fill(value), slot.dims.map((d) => d ?? 1));
}

/** Flat row-major values → nested arrays of `dims` (a scalar for no dims). */
export function nestFlat<T>(data: readonly T[], dims: readonly number[], start = 0): unknown {
  if (dims.length === 0) return data[start];
  const [head, ...rest] = dims;
  const step = product(rest);
  return Array.from({ length: head! }, (_, j) => nestFlat(data, rest, start + j * step));
}
