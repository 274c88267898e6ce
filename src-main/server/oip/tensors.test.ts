import { describe, expect, it } from 'vitest';
import { recordsFromTensors, tensorsFromOutputs, oipShape } from './tensors.ts';

describe('Open Inference Protocol tensors', () => {
  const perColumn = [
    { name: 'age', type: 'float32', shape: [null, 1] },
    { name: 'sex', type: 'string', shape: [null, 1] }
  ];

  it('turns per-column tensors into one record per row', () => {
    const records = recordsFromTensors(
      [
        { name: 'age', shape: [2, 1], datatype: 'FP32', data: [37, 52] },
        { name: 'sex', shape: [2, 1], datatype: 'BYTES', data: ['Male', 'Female'] }
      ],
      perColumn
    );
    expect(records).toEqual([
      { age: 37, sex: 'Male' },
      { age: 52, sex: 'Female' }
    ]);
  });

  it('splits one 2-D tensor into array records', () => {
    const records = recordsFromTensors([{ name: 'x', shape: [2, 3], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6] }], [
      { name: 'x', type: 'float32', shape: [null, 3] }
    ]);
    expect(records).toEqual([
      [1, 2, 3],
      [4, 5, 6]
    ]);
  });

  it('refuses an element count that does not match the shape, or a wrong datatype', () => {
    expect(() => recordsFromTensors([{ name: 'age', shape: [2, 1], datatype: 'FP32', data: [1] }], perColumn)).toThrow(
      /1 elements but its shape \[2,1\] needs 2/
    );
    expect(() => recordsFromTensors([{ name: 'age', shape: [1, 1], datatype: 'INT64', data: [1] }], perColumn)).toThrow(/FP32/);
  });

  it('concatenates per-record outputs along the batch dimension', () => {
    const tensors = tensorsFromOutputs(
      [
        { label: 'a', probabilities: [0.9, 0.1] },
        { label: 'b', probabilities: [0.2, 0.8] }
      ],
      [
        { name: 'label', type: 'string', shape: [null] },
        { name: 'probabilities', type: 'float32', shape: [null, 2] }
      ],
      null
    );
    expect(tensors).toEqual([
      { name: 'label', shape: [2], datatype: 'BYTES', data: ['a', 'b'] },
      { name: 'probabilities', shape: [2, 2], datatype: 'FP32', data: [0.9, 0.1, 0.2, 0.8] }
    ]);
    expect(oipShape([null, 'N', 4])).toEqual([-1, -1, 4]);
  });
});
