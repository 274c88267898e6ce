/** Typed arrays for onnxruntime, without onnxruntime. */
import { describe, expect, it } from 'vitest';
import { allocate, fill, toHalf } from './tensor-feeds.ts';

describe('fill', () => {
  it('copies one input\'s cells out of each row, row after row', () => {
    const rows = [{ cells: [1, 'a', 2, 3] }, { cells: [4, 'b', 5, 6] }];
    const data = allocate('int64', 4);
    fill(data, 'bigint', rows, 2, 2);
    expect(data).toEqual(BigInt64Array.of(2n, 3n, 5n, 6n));
    const text = allocate('string', 2);
    fill(text, 'string', rows, 1, 1);
    expect(text).toEqual(['a', 'b']);
  });

  it('stores float16 cells as their binary16 bits', () => {
    const data = allocate('float16', 2);
    fill(data, 'float16', [{ cells: [1] }, { cells: [-2] }], 0, 1);
    expect(data).toEqual(Uint16Array.of(0x3c00, 0xc000));
  });
});

describe('toHalf', () => {
  it.each([
    [0, 0x0000],
    [1, 0x3c00],
    [-2, 0xc000],
    [65504, 0x7bff],
    [1e6, 0x7c00],
    [2 ** -24, 0x0001],
    [0.1, 0x2e66],
    [NaN, 0x7e00]
  ])('%d → %i', (value, bits) => expect(toHalf(value)).toBe(bits));
});
