/** A tensor input's value in a record: nested, flat or a single value; every refusal says what and where. */
import { describe, expect, it } from 'vitest';
import { recordLayout, type InputInfo } from './record-layout.ts';
import { filledTensor, inputShapeText, nestFlat, readTensor, valueDims } from './record-tensors.ts';
import type { Fail } from './record-values.ts';

const fail: Fail = (message) => {
  throw new Error(message);
};
const slotOf = (info: InputInfo) => recordLayout([info, { name: 'other', type: 'float32', shape: [null, 1] }], null).slots[0]!;
const image = slotOf({ name: 'image', type: 'float32', shape: ['batch', 1, 2, 2] });
const tokens = slotOf({ name: 'tokens', type: 'int64', shape: ['batch', 'seq'], range: [0, 19] });
const sex = slotOf({ name: 'sex', type: 'int64', shape: ['batch', 1], range: [0, 1] });
const read = (value: unknown, slot = image, missing = false) => {
  const cells: (number | string)[] = [];
  const dims = readTensor(value, slot, fail, missing, cells);
  return { cells, dims };
};

describe('readTensor', () => {
  it('takes nested arrays in the input\'s shape, or a flat array of the product', () => {
    expect(read([[[1, 2], [3, 4]]])).toEqual({ cells: [1, 2, 3, 4], dims: [1, 2, 2] });
    expect(read([1, 2, '3', 4])).toEqual({ cells: [1, 2, 3, 4], dims: [1, 2, 2] });
  });

  it('takes a single value or a one-element array for a [batch, 1] input', () => {
    expect(read(1, sex)).toEqual({ cells: [1], dims: [1] });
    expect(read([0], sex)).toEqual({ cells: [0], dims: [1] });
  });

  it('reads a dynamic dimension from the record, at least 1 long', () => {
    expect(read([3, 4, 5], tokens)).toEqual({ cells: [3, 4, 5], dims: [3] });
    expect(read(7, tokens)).toEqual({ cells: [7], dims: [1] });
    expect(() => read([], tokens)).toThrow(
      'field "tokens" must be an array of 1 or more values, got an empty array (input "tokens" takes int64 [seq] per record)'
    );
  });

  it.each<[string, unknown, string]>([
    ['a missing channel dim', [[1, 2], [3, 4]], 'must be nested arrays of shape [1, 2, 2] or a flat array of 4 values, got an array of shape [2, 2]'],
    ['a flat array too short', [1, 2, 3], 'got an array of 3'],
    ['a ragged array', [[[1, 2], [3]]], 'got a ragged array (image[0][1] has 1 values where 2 were expected)'],
    ['a scalar', 5, 'got 5'],
    ['a string', 'pixels', 'got "pixels"'],
    ['an object', { a: 1 }, 'got an object'],
    ['an empty dimension', [[]], 'got an array of shape [1, 0] with an empty dimension']
  ])('refuses %s, naming the input, its type and shape', (_name, value, message) => {
    expect(() => read(value)).toThrow(message);
    expect(() => read(value)).toThrow('(input "image" takes float32 [1, 2, 2] per record)');
  });

  it('names the element at fault', () => {
    expect(() => read([[[1, 2], [3, 'x']]])).toThrow('field "image[0][1][1]" must be a number, got "x" (input "image" takes float32 [1, 2, 2] per record)');
    expect(() => read([[[1, 2], [3, 1e39]]])).toThrow('field "image[0][1][1]" must be within float32\'s range');
    expect(() => read([[[1, null], [3, 4]]])).toThrow('field "image[0][0][1]" is null, but this model does not handle missing values');
    expect(read([[[1, null], [3, 4]]], image, true).cells).toEqual([1, NaN, 3, 4]);
  });

  it('refuses ids outside the table an input indexes, and non-integers', () => {
    expect(() => read([2], sex)).toThrow('field "sex[0]" must be an id from 0 to 1 (the rows of the table this input indexes), got 2');
    expect(() => read(-1, sex)).toThrow('field "sex" must be an id from 0 to 1');
    expect(() => read([1, 20], tokens)).toThrow('field "tokens[1]" must be an id from 0 to 19');
    expect(() => read([1, 2.5], tokens)).toThrow('field "tokens[1]" must be an integer (int64), got 2.5');
  });
});

describe('helpers', () => {
  it('describe, build and measure tensors', () => {
    expect(inputShapeText(tokens)).toBe('int64 [seq]');
    expect(inputShapeText(slotOf({ name: 'x', type: 'float32', shape: [null] }))).toBe('float32 scalar');
    expect(filledTensor(image, 0)).toEqual([[[0, 0], [0, 0]]]);
    expect(filledTensor(tokens, 0)).toEqual([0]);
    expect(nestFlat([1, 2, 3, 4, 5, 6], [2, 3])).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(valueDims([[[1, 2]]])).toEqual([1, 1, 2]);
    expect(valueDims(3)).toEqual([]);
  });
});
