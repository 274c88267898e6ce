/** onnxruntime results → predictions, with hand-made tensors shaped like onnxruntime-node's. */
import { describe, expect, it } from 'vitest';
import { decodePredictions, fromHalf, type DecodeConfig, type RawOutput } from './output-decoder.ts';

const tensor = (type: string, data: ArrayLike<unknown>, dims: number[]): RawOutput => ({ type, data, dims });

const binary: DecodeConfig = {
  task: 'classification',
  classes: ['no', 'yes'],
  labelOutput: 'label',
  probabilityOutput: 'probabilities',
  predictionOutput: null,
  positiveIndex: 1,
  threshold: null
};
const binaryResults = {
  label: tensor('string', ['no', 'yes'], [2]),
  probabilities: tensor('float32', Float32Array.of(0.7, 0.3, 0.2, 0.8), [2, 2])
};

describe('decodePredictions, classification', () => {
  it('reports the positive class probability for binary models', () => {
    const [a, b] = decodePredictions(binaryResults, 2, binary);
    expect(a).toEqual({
      label: 'no',
      probability: Math.fround(0.3),
      probabilities: { no: Math.fround(0.7), yes: Math.fround(0.3) },
      outputs: { label: 'no', probabilities: [Math.fround(0.7), Math.fround(0.3)] }
    });
    expect(Object.keys(a!)).toEqual(['label', 'probability', 'probabilities', 'outputs']);
    expect(b!.label).toBe('yes');
  });

  it('takes the label from the threshold when one is set', () => {
    const [a, b] = decodePredictions(binaryResults, 2, { ...binary, threshold: 0.25 });
    expect([a!.label, b!.label]).toEqual(['yes', 'yes']);
    const [c] = decodePredictions(binaryResults, 2, { ...binary, threshold: 0.9 });
    expect(c!.label).toBe('no');
    // threshold applies to the configured positive class, here 'no'
    const [d, e] = decodePredictions(binaryResults, 2, { ...binary, positiveIndex: 0, threshold: 0.5 });
    expect([d!.label, e!.label, d!.probability]).toEqual(['no', 'yes', Math.fround(0.7)]);
  });

  it('turns int64 labels into numbers and reports the predicted label\'s probability for multiclass', () => {
    const results = {
      label: tensor('int64', BigInt64Array.of(2n), [1]),
      probabilities: tensor('float32', Float32Array.of(0.1, 0.2, 0.7), [1, 3])
    };
    const [p] = decodePredictions(results, 1, { ...binary, classes: [0, 1, 2], positiveIndex: null });
    expect(p).toMatchObject({ label: 2, probability: Math.fround(0.7), probabilities: { 0: Math.fround(0.1) } });
    expect(p!.outputs.label).toBe(2);
  });

  it('falls back to the argmax and positional classes without a label output or class list', () => {
    const results = { scores: tensor('float32', Float32Array.of(0.1, 0.6, 0.3), [1, 3]) };
    const config: DecodeConfig = { ...binary, classes: null, labelOutput: null, probabilityOutput: 'scores', positiveIndex: null };
    expect(decodePredictions(results, 1, config)[0]).toMatchObject({ label: 1, probability: Math.fround(0.6), probabilities: { 1: Math.fround(0.6) } });
  });
});

describe('decodePredictions, regression and other', () => {
  const regression: DecodeConfig = { ...binary, task: 'regression', classes: null, labelOutput: null, probabilityOutput: null, positiveIndex: null, predictionOutput: 'y' };

  it('returns a number for one column and an array for several', () => {
    expect(decodePredictions({ y: tensor('float32', Float32Array.of(1.5, 2.5), [2, 1]) }, 2, regression).map((p) => p.prediction)).toEqual([1.5, 2.5]);
    expect(decodePredictions({ y: tensor('float64', Float64Array.of(1, 2, 3, 4), [2, 2]) }, 2, regression).map((p) => p.prediction)).toEqual([[1, 2], [3, 4]]);
    expect(decodePredictions({ y: tensor('float32', Float32Array.of(9), [1]) }, 1, regression)[0]!.prediction).toBe(9);
  });

  it('slices every raw output per record, JSON-safe, nesting higher ranks', () => {
    const results = {
      cube: tensor('int64', BigInt64Array.of(1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n), [2, 2, 2]),
      flags: tensor('bool', Uint8Array.of(1, 0), [2]),
      half: tensor('float16', Uint16Array.of(0x3c00, 0xc000), [2]),
      shared: tensor('float32', Float32Array.of(42), [1])
    };
    const config: DecodeConfig = { ...regression, task: 'other', predictionOutput: null };
    const [a, b] = decodePredictions(results, 2, config);
    expect(a).toEqual({ outputs: { cube: [[1, 2], [3, 4]], flags: true, half: 1, shared: [42] } });
    expect(b!.outputs).toEqual({ cube: [[5, 6], [7, 8]], flags: false, half: -2, shared: [42] });
  });
});

describe('fromHalf', () => {
  it.each([
    [0x3c00, 1],
    [0x0001, 2 ** -24],
    [0x7bff, 65504],
    [0xfc00, -Infinity],
    [0x2e66, Math.fround(0.0999755859375)]
  ])('%i → %d', (bits, value) => expect(fromHalf(bits)).toBe(value));
});

describe('decodePredictions, a tensor classifier\'s output kind (issue 12 §2)', () => {
  const scores: DecodeConfig = {
    task: 'classification',
    classes: ['a', 'b', 'c'],
    labelOutput: null,
    probabilityOutput: 'logits',
    predictionOutput: null,
    positiveIndex: null,
    threshold: null
  };
  const logits = { logits: tensor('float32', Float32Array.of(2, 1, 0, -1, 0, 3), [2, 3]) };
  const softmax = (row: number[]) => {
    const e = row.map((v) => Math.exp(v - Math.max(...row)));
    return e.map((v) => v / e.reduce((x, y) => x + y, 0));
  };

  it('logits: softmax gives the probabilities, the argmax the label; the raw logits stay in outputs', () => {
    const [a, b] = decodePredictions(logits, 2, { ...scores, outputKind: 'logits' });
    const p = softmax([2, 1, 0]);
    expect(a).toEqual({ label: 'a', probability: p[0], probabilities: { a: p[0], b: p[1], c: p[2] }, outputs: { logits: [2, 1, 0] } });
    expect(b!.label).toBe('c');
    expect(Object.values(b!.probabilities!).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
  });

  it('one logit column: sigmoid gives the second class\'s probability; threshold and positive class apply', () => {
    const binary = { ...scores, classes: ['malignant', 'benign'], probabilityOutput: 'logit', positiveIndex: 1, outputKind: 'logits' as const };
    const results = { logit: tensor('float32', Float32Array.of(-10, 0.5, 800), [3, 1]) };
    const [a, b, c] = decodePredictions(results, 3, binary);
    const sig = 1 / (1 + Math.exp(-0.5));
    expect(a!.label).toBe('malignant');
    expect(a!.probability).toBeCloseTo(1 / (1 + Math.exp(10)), 15);
    expect(b).toMatchObject({ label: 'benign', probability: sig, probabilities: { malignant: 1 - sig, benign: sig } });
    expect(c!.probability).toBe(1);
    const [strict] = decodePredictions({ logit: tensor('float32', Float32Array.of(0.5), [1, 1]) }, 1, { ...binary, threshold: 0.7 });
    expect(strict!.label).toBe('malignant');
  });

  it('scores: a label (argmax, or the sign of one column) and no probabilities', () => {
    const [a] = decodePredictions(logits, 2, { ...scores, outputKind: 'scores' });
    expect(a).toEqual({ label: 'a', outputs: { logits: [2, 1, 0] } });
    const one = { ...scores, classes: ['no', 'yes'], probabilityOutput: 'score', outputKind: 'scores' as const };
    const answers = decodePredictions({ score: tensor('float32', Float32Array.of(-0.2, 0.3), [2]) }, 2, one);
    expect(answers.map((x) => x.label)).toEqual(['no', 'yes']);
  });

  it('probabilities in one column: P of the second class', () => {
    const one = { ...scores, classes: [0, 1], probabilityOutput: 'p', positiveIndex: 1, outputKind: 'probabilities' as const };
    const [a] = decodePredictions({ p: tensor('float64', Float64Array.of(0.75), [1, 1]) }, 1, one);
    expect(a).toMatchObject({ label: 1, probability: 0.75, probabilities: { '0': 0.25, '1': 0.75 } });
  });
});
