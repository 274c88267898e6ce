/** The records → tensors rules (DESIGN §3), without onnxruntime. */
import { describe, expect, it } from 'vitest';
import { RecordEncoder } from './record-encoder.ts';
import type { TensorInfo } from './signature.ts';

const column = (name: string, type: string, shape: TensorInfo['shape'] = [null, 1]): TensorInfo => ({ name, type, shape });

describe('RecordEncoder, one input per column', () => {
  const encoder = new RecordEncoder(
    [column('age', 'float32'), column('workclass', 'string'), column('count', 'int64'), column('flag', 'bool'), column('small', 'int8')],
    null
  );
  const good = { age: 37, workclass: 'Private', count: 3, flag: true, small: -2 };

  it('builds one [N,1] tensor per input, records in order', () => {
    const rows = [good, { age: '40.5', workclass: null, count: '12', flag: 'false', small: '7' }].map((r) => encoder.validate(r));
    const feeds = encoder.toFeeds(rows);
    expect(feeds.age).toEqual({ type: 'float32', data: Float32Array.of(37, 40.5), dims: [2, 1] });
    expect(feeds.workclass).toEqual({ type: 'string', data: ['Private', ''], dims: [2, 1] });
    expect(feeds.count).toEqual({ type: 'int64', data: BigInt64Array.of(3n, 12n), dims: [2, 1] });
    expect(feeds.flag).toEqual({ type: 'bool', data: Uint8Array.of(1, 0), dims: [2, 1] });
    expect(feeds.small).toEqual({ type: 'int8', data: Int8Array.of(-2, 7), dims: [2, 1] });
  });

  it('passes null and "" for a float as NaN', () => {
    const feeds = encoder.toFeeds([encoder.validate({ ...good, age: null }), encoder.validate({ ...good, age: '  ' })]);
    expect(Array.from(feeds.age!.data as Float32Array)).toEqual([NaN, NaN]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a fractional int64', { count: 1.5 }, 'field "count" must be an integer'],
    ['a fractional int64 string', { count: '2.5' }, 'field "count" must be an integer'],
    ['a missing int64', { count: null }, 'field "count" is missing a value (int64 inputs cannot take missing values)'],
    ['an unsafe int64', { count: 2 ** 60 }, 'field "count" must be between'],
    ['an out-of-range int8', { small: 200 }, 'field "small" must be between -128 and 127'],
    ['a non-boolean', { flag: 'maybe' }, 'field "flag" must be true or false'],
    ['a numeric string with junk', { age: '37 years' }, 'field "age" must be a number, got "37 years"'],
    ['"Infinity"', { age: 'Infinity' }, 'field "age" must be a finite number'],
    ['"inf"', { age: '-inf' }, 'field "age" must be a finite number']
  ])('rejects %s', (_name, patch, message) => {
    expect(() => encoder.validate({ ...good, ...patch })).toThrow(message);
  });

  it('names the missing field with the model\'s name for it', () => {
    const { workclass: _w, ...rest } = good;
    expect(() => encoder.validate(rest, 0)).toThrow('record 0: missing field "workclass"');
  });

  it('only accepts rows validated by the same encoder', () => {
    const other = new RecordEncoder([column('age', 'float32')], null);
    expect(() => encoder.toFeeds([other.validate({ age: 1 })])).toThrow(/validate/);
    expect(() => encoder.toFeeds([{ age: 1 } as never])).toThrow(/validate/);
  });

  it('feeds a multi-column input of a multi-input model from an array field', () => {
    const multi = new RecordEncoder([column('id', 'string'), column('vec', 'float64', [null, 3])], null);
    const feeds = multi.toFeeds([multi.validate({ id: 'a', vec: [1, 2, 3] })]);
    expect(feeds.vec).toEqual({ type: 'float64', data: Float64Array.of(1, 2, 3), dims: [1, 3] });
    expect(() => multi.validate({ id: 'a', vec: [1, 2] })).toThrow('field "vec" must be an array of 3 values');
  });

  it('feeds a lone [N] input from the field of its name', () => {
    const lone = new RecordEncoder([column('x', 'float32', [null])], null);
    expect(lone.toFeeds([lone.validate({ X: 2 })]).x!.dims).toEqual([1]);
  });
});

describe('RecordEncoder, one 2-D input', () => {
  const input = column('float_input', 'float32', [null, 3]);

  it('reads fields in feature-name order, or takes an array', () => {
    const encoder = new RecordEncoder([input], ['c', 'a', 'b']);
    const rows = [encoder.validate({ a: 1, b: 2, c: 3, z: 9 }), encoder.validate([7, 8, '9'])];
    expect(encoder.toFeeds(rows).float_input).toEqual({ type: 'float32', data: Float32Array.of(3, 1, 2, 7, 8, 9), dims: [2, 3] });
  });

  it('requires an array without feature names', () => {
    const encoder = new RecordEncoder([input], null);
    expect(() => encoder.validate({ a: 1 })).toThrow('record must be an array of 3 numbers');
    expect(() => encoder.validate([1, 2])).toThrow('record must have 3 values, got 2');
    expect(() => encoder.validate('1,2,3')).toThrow('record must be a JSON object or an array of numbers');
  });

  it('takes the width from the records when the model leaves it dynamic', () => {
    const encoder = new RecordEncoder([column('x', 'float32', [null, 'K'])], null);
    expect(encoder.toFeeds([encoder.validate([1, 2]), encoder.validate([3, 4])]).x!.dims).toEqual([2, 2]);
    expect(() => encoder.toFeeds([encoder.validate([1, 2]), encoder.validate([3])])).toThrow('record 1: has 1 values but record 0 has 2');
  });

  it('flattens a fixed higher-rank input from one array', () => {
    const encoder = new RecordEncoder([column('img', 'uint8', [null, 2, 2])], null);
    expect(encoder.toFeeds([encoder.validate([1, 2, 3, 4])]).img).toEqual({ type: 'uint8', data: Uint8Array.of(1, 2, 3, 4), dims: [1, 2, 2] });
  });

  it('refuses inputs it cannot encode when a record arrives', () => {
    const encoder = new RecordEncoder([column('z', 'complex64', [null, 2])], null);
    expect(() => encoder.validate([1, 2])).toThrow('input "z" has type complex64, which ModelDesk cannot encode');
  });
});
