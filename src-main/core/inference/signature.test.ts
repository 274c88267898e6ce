/** Signature derivation on hand-made graphs, covering what the fixtures do not. */
import { describe, expect, it } from 'vitest';
import { deriveSignature, type GraphFacts, type NodeFacts, type TensorInfo } from './signature.ts';

const node = (opType: string, inputs: string[], outputs: string[], classLabels: NodeFacts['classLabels'] = null, domain = 'ai.onnx.ml'): NodeFacts => ({
  opType,
  domain,
  inputs,
  outputs,
  classLabels
});
const facts = (outputs: TensorInfo[], nodes: NodeFacts[], inputs: TensorInfo[] = [{ name: 'x', type: 'float32', shape: [null, 4] }]): GraphFacts => ({
  inputs,
  outputs,
  nodes,
  opsets: [],
  producer: 'test',
  irVersion: 8
});

describe('deriveSignature', () => {
  it('traces the classifier outputs through pass-through ops', () => {
    const sig = deriveSignature(
      facts(
        [
          { name: 'y', type: 'int64', shape: [null] },
          { name: 'p', type: 'float32', shape: [null, 2] }
        ],
        [node('SVMClassifier', ['x'], ['l', 'raw'], [3, 7]), node('Identity', ['l'], ['y'], null, ''), node('Normalizer', ['raw'], ['p'])]
      ),
      false
    );
    expect(sig).toMatchObject({ task: 'classification', classes: [3, 7], labelOutput: 'y', probabilityOutput: 'p', batchable: true });
  });

  it('recognises a classifier without class labels by its label and probability outputs', () => {
    const sig = deriveSignature(
      facts(
        [
          { name: 'output_label', type: 'int64', shape: [null] },
          { name: 'output_probability', type: 'float32', shape: [null, 3] }
        ],
        [node('MatMul', ['x'], ['output_probability'], null, '')]
      ),
      false
    );
    expect(sig).toMatchObject({ task: 'classification', classes: null, labelOutput: 'output_label', probabilityOutput: 'output_probability' });
  });

  it('calls a model with several float outputs "other", and a fixed batch dim not batchable', () => {
    const sig = deriveSignature(
      facts(
        [
          { name: 'a', type: 'float32', shape: [1, 2] },
          { name: 'b', type: 'float32', shape: [1, 2] }
        ],
        [node('Add', ['x', 'x'], ['a'], null, '')],
        [{ name: 'x', type: 'float32', shape: [1, 2] }]
      ),
      false
    );
    expect(sig).toMatchObject({ task: 'other', classes: null, labelOutput: null, probabilityOutput: null, batchable: false });
  });

  it('treats a single float output as regression', () => {
    const sig = deriveSignature(facts([{ name: 'y', type: 'float64', shape: [null] }], [node('LinearRegressor', ['x'], ['y'])]), false);
    expect(sig.task).toBe('regression');
  });
});
