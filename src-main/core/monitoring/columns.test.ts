import { describe, expect, it } from 'vitest';
import type { ModelSignature, TensorInfo } from '../inference/index.ts';
import type { Algorithm } from '../registry/types.ts';
import { isTruncatedInput, loggedPredictionValues, monitoredColumns, TENSOR_ONLY_MESSAGE } from './columns.ts';

function algorithm(inputs: TensorInfo[], extra: Partial<ModelSignature> = {}, featureNames: string[] | null = null, registered: Partial<Algorithm> = {}): Algorithm {
  const signature: ModelSignature = {
    inputs,
    outputs: [{ name: 'label', type: 'string', shape: [null] }],
    opsets: [],
    producer: 'test',
    irVersion: 8,
    task: 'classification',
    classes: ['<=50K', '>50K'],
    labelOutput: 'label',
    probabilityOutput: 'probabilities',
    zipmap: false,
    batchable: true,
    ...extra
  };
  return {
    id: 1, endpointId: 1, endpointName: 'e', name: 'n', version: '1', description: '', owner: '', code: '',
    artifactSha256: '', artifactBytes: 1, signature, task: signature.task, classes: null, positiveClass: null, threshold: null,
    featureNames, outputKind: null, handlesMissing: null, createdAt: '', currentStatus: 'production',
    notes: '', tags: [], metrics: {}, inputExample: null, ...registered
  };
}

describe('the columns drift is measured on', () => {
  it('one input per column (skl2onnx pipelines): each scalar input is a feature, strings categorical, read by the encoder\'s key rules', () => {
    const a = algorithm([
      { name: 'age', type: 'float32', shape: [null, 1] },
      { name: 'education_num', type: 'int64', shape: [null, 1] },
      { name: 'workclass', type: 'string', shape: [null, 1] }
    ]);
    const c = monitoredColumns(a);
    expect(c.features).toEqual([
      { name: 'age', kind: 'numeric' },
      { name: 'education_num', kind: 'numeric' },
      { name: 'workclass', kind: 'categorical' }
    ]);
    expect(c.predictions).toEqual([{ name: 'label', kind: 'categorical' }, { name: 'probability', kind: 'numeric' }]);
    expect(c.noFeatures).toBeNull();
    // the tutorial's hyphenated keys feed the underscored inputs, as in predict
    expect(c.readRecord({ age: 39, 'education-num': 13, Workclass: 'Private', extra: 1 })).toEqual({ age: 39, education_num: 13, workclass: 'Private' });
  });

  it('one 2-D input with feature_names: the names are the features, from objects, arrays or a v2 tensor row', () => {
    const names = ['sepal length (cm)', 'sepal width (cm)'];
    const c = monitoredColumns(algorithm([{ name: 'float_input', type: 'float32', shape: [null, 2] }], { classes: ['a', 'b', 'c'] }, names));
    expect(c.features.map((f) => f.name)).toEqual(names);
    expect(c.predictions).toEqual([{ name: 'label', kind: 'categorical' }]);
    const want = { 'sepal length (cm)': 5.1, 'sepal width (cm)': 3.5 };
    expect(c.readRecord([5.1, 3.5])).toEqual(want);
    expect(c.readRecord({ sepal_length_cm_: 5.1, 'sepal width (cm)': 3.5 })).toEqual(want);
    expect(c.readRecord({ float_input: [5.1, 3.5] })).toEqual(want);
  });

  it('tensor inputs without feature names: no features, said plainly; predictions still monitored', () => {
    const c = monitoredColumns(algorithm([{ name: 'image', type: 'float32', shape: [null, 1, 8, 8] }], { classes: [0, 1, 2] }));
    expect(c.features).toEqual([]);
    expect(c.noFeatures).toBe(TENSOR_ONLY_MESSAGE);
    expect(c.noFeatures).toMatch(/drift needs named features/);
    expect(c.predictions).toEqual([{ name: 'label', kind: 'categorical' }]);
  });

  it('records keyed by input name (issue 21): a column as its one-element tensor, a vector model\'s input nested or flat', () => {
    const cols = monitoredColumns(algorithm([{ name: 'age', type: 'float32', shape: [null, 1] }, { name: 'sex', type: 'int64', shape: [null, 1] }]));
    expect(cols.readRecord({ age: [37], sex: [[1]] })).toEqual({ age: 37, sex: 1 });
    const names = ['a', 'b', 'c', 'd'];
    const vec = monitoredColumns(algorithm([{ name: 'input', type: 'float32', shape: [null, 2, 2] }], {}, names));
    expect(vec.readRecord({ input: [[1, 2], [3, 4]] })).toEqual({ a: 1, b: 2, c: 3, d: 4 });
    expect(vec.readRecord({ input: [1, 2, 3, 4] })).toEqual({ a: 1, b: 2, c: 3, d: 4 });
  });

  it('a tensor model registered as a classifier (output_kind logits, classes) has label and probability columns; without, none', () => {
    const logits = { outputs: [{ name: 'logit', type: 'float32', shape: [null, 1] }], task: 'regression' as const, classes: null, labelOutput: null, probabilityOutput: null };
    const input = [{ name: 'input', type: 'float32', shape: [null, 30] }];
    const asClassifier = algorithm(input, logits, null, { task: 'classification', classes: ['malignant', 'benign'], outputKind: 'logits' });
    const c = monitoredColumns(asClassifier);
    expect(c.noFeatures).toBe(TENSOR_ONLY_MESSAGE);
    expect(c.predictions).toEqual([{ name: 'label', kind: 'categorical' }, { name: 'probability', kind: 'numeric' }]);
    const multi = algorithm(input, { ...logits, outputs: [{ name: 'logits', type: 'float32', shape: [null, 3] }] }, null, { task: 'classification', classes: ['a', 'b', 'c'], outputKind: 'logits' });
    expect(monitoredColumns(multi).predictions).toEqual([{ name: 'label', kind: 'categorical' }]);
    const scores = algorithm(input, logits, null, { task: 'classification', classes: ['malignant', 'benign'], outputKind: 'scores' });
    expect(monitoredColumns(scores).predictions).toEqual([{ name: 'label', kind: 'categorical' }]);
  });

  it('tells a record logged as a too-large marker from a record, without parsing it', () => {
    expect(isTruncatedInput('{"$truncated":{"bytes":2000000,"limit":1048576,"sha256":"ab","preview":"{"}}')).toBe(true);
    expect(isTruncatedInput('{"age":37}')).toBe(false);
  });

  it('a regressor\'s prediction column; outputs that are neither give none', () => {
    const reg = algorithm([{ name: 'x', type: 'float32', shape: [null, 3] }], { task: 'regression', outputs: [{ name: 'variable', type: 'float32', shape: [null, 1] }] }, ['a', 'b', 'c'], { task: 'regression' });
    expect(monitoredColumns(reg).predictions).toEqual([{ name: 'prediction', kind: 'numeric' }]);
    const wide = algorithm([{ name: 'x', type: 'float32', shape: [null, 3] }], { task: 'regression', outputs: [{ name: 'y', type: 'float32', shape: [null, 2] }] }, ['a', 'b', 'c'], { task: 'regression' });
    expect(monitoredColumns(wide).predictions).toEqual([]);
    expect(monitoredColumns(algorithm([{ name: 'x', type: 'float32', shape: [null, 4] }], { task: 'other' }, null, { task: 'other' })).predictions).toEqual([]);
  });

  it('read a logged answer\'s number from the front of its JSON, as the answer writes it', () => {
    expect(loggedPredictionValues('>50K', '{"probability":0.318,"label":">50K","status":"OK"}')).toEqual({ label: '>50K', probability: 0.318, prediction: undefined });
    expect(loggedPredictionValues('1', '{"probability":null,"label":1}').probability).toBeUndefined();
    expect(loggedPredictionValues('151.2', '{"prediction":151.2,"status":"OK"}').prediction).toBe(151.2);
    expect(loggedPredictionValues('[3]', '{"prediction":[3],"status":"OK"}').prediction).toBe(3);
    expect(loggedPredictionValues('[3,4]', '{"prediction":[3,4],"status":"OK"}').prediction).toBeUndefined();
    expect(loggedPredictionValues('', '{"status":"OK","outputs":{}}')).toEqual({ label: '', probability: undefined, prediction: undefined });
  });
});
