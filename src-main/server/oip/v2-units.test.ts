import { describe, expect, it } from 'vitest';
import type { Algorithm } from '../../core/registry/types.ts';
import { versionNames } from './model-versions.ts';
import { recordsFromTensors } from './tensor-inputs.ts';
import { checkRequestedOutputs, nonFiniteProblem, outputTensors } from './tensor-outputs.ts';

const algorithm = (over: Partial<Algorithm> & { inputs?: Algorithm['signature']['inputs'] }): Algorithm =>
  ({
    id: 1,
    endpointId: 1,
    endpointName: 'm',
    name: 'a',
    version: '1',
    featureNames: null,
    currentStatus: 'production',
    signature: { inputs: over.inputs ?? [], outputs: [], task: 'other', classes: null, zipmap: false, batchable: true },
    ...over
  }) as Algorithm;

describe('v2 version names', () => {
  it('names each live algorithm once: a shared version goes to production, the others get @id', () => {
    const names = versionNames([
      algorithm({ id: 1, version: '0.0.1', currentStatus: 'testing' }),
      algorithm({ id: 2, version: '0.0.1', currentStatus: 'production' }),
      algorithm({ id: 3, version: '2', currentStatus: 'staging' }),
      algorithm({ id: 4, version: '3', currentStatus: 'archived' })
    ]);
    expect(names.map((n) => [n.name, n.algorithm.id])).toEqual([
      ['0.0.1@1', 1],
      ['0.0.1', 2],
      ['2', 3]
    ]);
  });
});

describe('v2 tensors to records', () => {
  const columns = algorithm({
    inputs: [
      { name: 'age', type: 'float32', shape: [null, 1] },
      { name: 'sex', type: 'string', shape: [null, 1] }
    ]
  });
  const vector = algorithm({ inputs: [{ name: 'x', type: 'int64', shape: [null, 2] }] });

  it('gives per-column models an object per row and vector models an array per row, nested data included', () => {
    expect(
      recordsFromTensors(
        [
          { name: 'sex', shape: [2], datatype: 'BYTES', data: ['F', 'M'] },
          { name: 'age', shape: [2, 1], datatype: 'FP32', data: [[37], [52]] }
        ],
        columns,
        'm'
      )
    ).toEqual([
      { sex: 'F', age: 37 },
      { sex: 'M', age: 52 }
    ]);
    expect(recordsFromTensors([{ name: 'x', shape: [2, 2], datatype: 'INT64', data: [[1, 2], [3, 4]] }], vector, 'm')).toEqual([
      [1, 2],
      [3, 4]
    ]);
  });

  it('refuses in tensor terms', () => {
    const one = (data: unknown[], datatype = 'INT64', shape = [1, 2]) => () => recordsFromTensors([{ name: 'x', shape, datatype, data }], vector, 'm');
    expect(one([1, 2.5])).toThrow('input "x": element 1 (2.5) is not an integer');
    expect(one([1, 2], 'FP32')).toThrow('input "x" has datatype FP32 but the model takes INT64');
    expect(one([1, 2, 3, 4], 'INT64', [1, 4])).toThrow('(4 elements per row) but the model takes [-1,2] (2 per row)');
    expect(() => recordsFromTensors([{ name: 'age', shape: [1, 1], datatype: 'FP32', data: [1] }], columns, 'm')).toThrow('missing input "sex"');
    expect(() =>
      recordsFromTensors(
        [
          { name: 'age', shape: [2, 1], datatype: 'FP32', data: [1, 2] },
          { name: 'sex', shape: [1, 1], datatype: 'BYTES', data: ['F'] }
        ],
        columns,
        'm'
      )
    ).toThrow('every input needs the same batch size');
  });
});

describe('v2 outputs', () => {
  const outputs = [
    { name: 'label', datatype: 'INT64', shape: [-1] },
    { name: 'p', datatype: 'FP32', shape: [-1, 2] }
  ];
  it('concatenates records along the batch dimension, in the order asked', () => {
    const tensors = outputTensors([{ label: 1, p: [0.25, 0.75] }, { label: 0, p: [0.5, 0.5] }], outputs, [{ name: 'p' }, { name: 'label' }]);
    expect(tensors).toEqual([
      { name: 'p', shape: [2, 2], datatype: 'FP32', data: [0.25, 0.75, 0.5, 0.5] },
      { name: 'label', shape: [2], datatype: 'INT64', data: [1, 0] }
    ]);
  });
  it('refuses unknown outputs before the model runs, and says where JSON cannot carry a value', () => {
    expect(() => checkRequestedOutputs([{ name: 'q' }], outputs, 'm')).toThrow('unknown output "q": model "m" has outputs "label", "p"');
    expect(nonFiniteProblem({ name: 'p', shape: [1, 2], datatype: 'FP32', data: [1, NaN] })).toMatch(/output "p" holds NaN at element 1/);
    expect(nonFiniteProblem({ name: 'p', shape: [1, 2], datatype: 'FP32', data: [1, 2] })).toBeNull();
  });
});
