/** Which fields a model reads: the layout the encoder validates against and the form is built from. */
import { describe, expect, it } from 'vitest';
import { isColumnShape, recordLayout, type InputInfo } from './record-layout.ts';

const input = (name: string, type: string, shape: InputInfo['shape']): InputInfo => ({ name, type, shape });

describe('recordLayout', () => {
  it('one column per field for skl2onnx pipelines, named like the inputs', () => {
    const layout = recordLayout([input('age', 'float32', [null, 1]), input('workclass', 'string', [null, 1])], null);
    expect(layout.mode).toBe('columns');
    expect(layout.slots.map((s) => [s.fields, s.kind, s.width, s.tail])).toEqual([
      [['age'], 'float', 1, [1]],
      [['workclass'], 'string', 1, [1]]
    ]);
  });

  it('one 2-D input with feature names reads those fields in order', () => {
    const names = ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'];
    const layout = recordLayout([input('float_input', 'float32', [null, 4])], names);
    expect(layout).toMatchObject({ mode: 'vector', slots: [{ input: 'float_input', fields: names, width: 4, tail: [4] }] });
  });

  it('one 2-D input without feature names takes arrays: no fields', () => {
    expect(recordLayout([input('x', 'float32', [null, 3])], null)).toMatchObject({ mode: 'vector', slots: [{ fields: null, width: 3 }] });
    expect(recordLayout([input('x', 'float32', [null, 'K'])], null).slots[0]).toMatchObject({ width: null, tail: [null] });
  });

  it('in a multi-input model, a wide input is one field holding an array, a dynamic one a single value', () => {
    const layout = recordLayout([input('id', 'string', [null, 1]), input('vec', 'float64', [null, 3]), input('n', 'int64', [null, 'k'])], null);
    expect(layout.mode).toBe('columns');
    expect(layout.slots.map((s) => [s.input, s.width, s.tail])).toEqual([['id', 1, [1]], ['vec', 3, [3]], ['n', 1, [1]]]);
  });

  it('an input of unknown shape is one column, fed as [N, 1]', () => {
    expect(recordLayout([input('x', 'float32', null)], null).slots[0]).toMatchObject({ fields: ['x'], width: 1, tail: [1] });
  });
});

describe('isColumnShape', () => {
  it.each<[InputInfo['shape'], boolean]>([
    [null, true],
    [[null], true],
    [[null, 1], true],
    [['N', 1], true],
    [[null, 2], false],
    [[null, 'K'], false],
    [[null, 1, 1], false]
  ])('%j → %s', (shape, expected) => expect(isColumnShape(shape)).toBe(expected));
});
