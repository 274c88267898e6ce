/** The records → tensors rules (DESIGN §3), without onnxruntime. */
import { describe, expect, it } from 'vitest';
import { RecordEncoder } from './record-encoder.ts';
import type { TensorInfo } from './signature.ts';

const column = (name: string, type: string, shape: TensorInfo['shape'] = [null, 1]): TensorInfo => ({ name, type, shape });

describe('RecordEncoder, one input per column', () => {
  const encoder = new RecordEncoder(
    [column('age', 'float32'), column('workclass', 'string'), column('count', 'int64'), column('flag', 'bool'), column('small', 'int8')],
    null,
    { handlesMissing: true }
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

  it('passes null and "" for a float as NaN when the model handles missing values', () => {
    const feeds = encoder.toFeeds([encoder.validate({ ...good, age: null }), encoder.validate({ ...good, age: '  ' })]);
    expect(Array.from(feeds.age!.data as Float32Array)).toEqual([NaN, NaN]);
  });

  it('refuses null naming the field when the model does not handle missing values', () => {
    const strict = new RecordEncoder([column('age', 'float32'), column('workclass', 'string')], null);
    expect(() => strict.validate({ age: null, workclass: 'Private' }, 2)).toThrow(
      'record 2: field "age" is null, but this model does not handle missing values (send a number)'
    );
    expect(() => strict.validate({ age: 37, workclass: null })).toThrow('field "workclass" is null');
  });

  it('refuses values a float32 input cannot hold (issue 20 item 10)', () => {
    expect(() => encoder.validate({ ...good, age: 1e39 })).toThrow('field "age" must be within float32\'s range');
    expect(() => encoder.validate({ ...good, age: -1e300 })).toThrow('got -1e+300');
  });

  it('takes a one-element array for a column, and refuses a longer one', () => {
    const feeds = encoder.toFeeds([encoder.validate({ ...good, age: [41], count: ['7'] })]);
    expect(feeds.age!.data).toEqual(Float32Array.of(41));
    expect(feeds.count!.data).toEqual(BigInt64Array.of(7n));
    expect(() => encoder.validate({ ...good, age: [1, 2] })).toThrow(
      'field "age" must be a single value or a one-element array, got an array of 2 (input "age" takes float32 [1] per record)'
    );
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

  it('takes the width from the records when the model leaves it dynamic; widths that differ are different shapes', () => {
    const encoder = new RecordEncoder([column('x', 'float32', [null, 'K'])], null);
    expect(encoder.toFeeds([encoder.validate([1, 2]), encoder.validate([3, 4])]).x!.dims).toEqual([2, 2]);
    const [a, b] = [encoder.validate([1, 2]), encoder.validate({ x: [3] })];
    expect(encoder.shapeOf(a)).not.toBe(encoder.shapeOf(b));
    expect(encoder.toFeeds([b]).x).toEqual({ type: 'float32', data: Float32Array.of(3), dims: [1, 1] });
    // never padded or truncated: records of two shapes cannot share one feed
    expect(() => encoder.toFeeds([a, b])).toThrow('records of one shape');
    expect(() => encoder.validate([])).toThrow('record must have at least 1 values, got 0');
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

describe('RecordEncoder, tensor inputs by name (issue 21)', () => {
  it('reads an image input nested in its shape, flat, or as a bare array record', () => {
    const encoder = new RecordEncoder([column('image', 'float32', ['batch', 1, 2, 2])], null);
    const nested = encoder.validate({ image: [[[0, 0.5], [1, 0.25]]] });
    const flat = encoder.validate({ image: [0, 0.5, 1, 0.25] });
    const bare = encoder.validate([[[0, 0.5], [1, 0.25]]]);
    expect(encoder.toFeeds([nested, flat, bare]).image).toEqual({
      type: 'float32',
      data: Float32Array.of(0, 0.5, 1, 0.25, 0, 0.5, 1, 0.25, 0, 0.5, 1, 0.25),
      dims: [3, 1, 2, 2]
    });
    expect(() => encoder.validate({ image: [[0, 0.5], [1, 0.25]] }, 4)).toThrow(
      'record 4: field "image" must be nested arrays of shape [1, 2, 2] or a flat array of 4 values, got an array of shape [2, 2] (input "image" takes float32 [1, 2, 2] per record)'
    );
    expect(() => encoder.validate({ picture: [] })).toThrow('record must be an array of 4 numbers or {"image": …}; got an object with keys "picture"');
  });

  it('reads a float tensor beside an int64 id, each by its input name', () => {
    const encoder = new RecordEncoder([column('numeric', 'float32', ['batch', 3]), { ...column('sex', 'int64', ['batch', 1]), range: [0, 1] }], null);
    const feeds = encoder.toFeeds([encoder.validate({ numeric: [1, 2, 3], sex: [1] }), encoder.validate({ numeric: [4, 5, 6], sex: 0 })]);
    expect(feeds.numeric).toEqual({ type: 'float32', data: Float32Array.of(1, 2, 3, 4, 5, 6), dims: [2, 3] });
    expect(feeds.sex).toEqual({ type: 'int64', data: BigInt64Array.of(1n, 0n), dims: [2, 1] });
    expect(() => encoder.validate({ numeric: [1, 2, 3], sex: 2 }, 1)).toThrow('record 1: field "sex" must be an id from 0 to 1');
    expect(() => encoder.validate({ numeric: [1, 2, 3], sex: [2.5] })).toThrow('field "sex[0]" must be an integer (int64), got 2.5 (input "sex" takes int64 [1] per record)');
    expect(() => encoder.validate({ numeric: [1, 2, 3] })).toThrow('missing field "sex"');
  });

  it('gives records of different sequence lengths different shapes, equal lengths the same', () => {
    const encoder = new RecordEncoder([column('tokens', 'int64', ['batch', 'seq'])], null);
    const [five, nine, alsoFive] = [[1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9], [5, 4, 3, 2, 1]].map((t) => encoder.validate({ tokens: t }));
    expect(encoder.shapeOf(five!)).toBe(encoder.shapeOf(alsoFive!));
    expect(encoder.shapeOf(five!)).not.toBe(encoder.shapeOf(nine!));
    expect(encoder.toFeeds([five!, alsoFive!]).tokens!.dims).toEqual([2, 5]);
    expect(() => encoder.validate({ tokens: [] })).toThrow('field "tokens" must be an array of 1 or more values, got an empty array (input "tokens" takes int64 [seq] per record)');
  });
});
