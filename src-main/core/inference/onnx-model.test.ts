/** OnnxModel against real onnxruntime and the shared fixtures: inspection, options, records, errors. */
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fixtureModel, fixtureSample, tutorialRecord } from '../../../test/fixtures/index.ts';
import { ModelDeskError } from '../errors.ts';
import { inspectModel, OnnxModel, type ModelOptions } from './index.ts';

const income = fixtureSample('income_rf').records;
const iris = fixtureSample('iris_lr');

/** The session class is only typed as a factory, but run() lives on its prototype. */
const spyOnSessionRun = () =>
  vi.spyOn((ort.InferenceSession as unknown as { prototype: ort.InferenceSession }).prototype, 'run');

/** Resolves with the thrown ModelDeskError so tests can check kind, field and message together. */
async function failure(action: () => unknown): Promise<ModelDeskError> {
  try {
    await action();
  } catch (err) {
    expect(err).toBeInstanceOf(ModelDeskError);
    return err as ModelDeskError;
  }
  throw new Error('expected a ModelDeskError');
}

describe('inspectModel', () => {
  it('rewrites the ZipMap of income_rf and keeps its original output type in the signature', async () => {
    const bytes = fixtureModel('income_rf');
    const { signature, runnable } = inspectModel(bytes);
    expect(signature.zipmap).toBe(true);
    expect(signature.task).toBe('classification');
    expect(signature.classes).toEqual(['<=50K', '>50K']);
    expect(signature.inputs).toHaveLength(14);
    expect(signature.inputs[4]).toEqual({ name: 'education_num', type: 'float32', shape: [null, 1] });
    expect(signature.inputs[1]).toEqual({ name: 'workclass', type: 'string', shape: [null, 1] });
    expect(signature.outputs).toEqual([
      { name: 'output_label', type: 'string', shape: [null] },
      { name: 'output_probability', type: 'seq(map(string,tensor(float)))', shape: null }
    ]);
    expect(signature.labelOutput).toBe('output_label');
    expect(signature.probabilityOutput).toBe('output_probability');
    expect(signature.batchable).toBe(true);
    expect(signature.producer).toBe('skl2onnx 1.14.0');
    expect(signature.irVersion).toBe(8);
    expect(signature.opsets).toEqual([
      { domain: 'ai.onnx.ml', version: 2 },
      { domain: '', version: 15 }
    ]);
    expect(runnable).not.toBe(bytes);
    const session = await ort.InferenceSession.create(runnable);
    expect(session.outputMetadata.map((m) => m.isTensor)).toEqual([true, true]);
    await session.release();
  });

  it('returns models without ZipMap byte-for-byte', () => {
    for (const name of ['income_lr', 'iris_lr', 'diabetes_gbr'] as const) {
      const bytes = fixtureModel(name);
      const { signature, runnable } = inspectModel(bytes);
      expect(runnable).toBe(bytes);
      expect(signature.zipmap).toBe(false);
    }
  });

  it('reads classes from non-ZipMap classifiers and recognises regression', () => {
    const lr = inspectModel(fixtureModel('income_lr')).signature;
    expect(lr).toMatchObject({ task: 'classification', classes: ['<=50K', '>50K'], labelOutput: 'label', probabilityOutput: 'probabilities' });
    const irisSig = inspectModel(fixtureModel('iris_lr')).signature;
    expect(irisSig).toMatchObject({ task: 'classification', classes: [0, 1, 2], labelOutput: 'label' });
    expect(irisSig.inputs).toEqual([{ name: 'float_input', type: 'float32', shape: [null, 4] }]);
    const gbr = inspectModel(fixtureModel('diabetes_gbr')).signature;
    expect(gbr).toMatchObject({ task: 'regression', classes: null, labelOutput: null, probabilityOutput: null });
  });

  it.each([
    ['text', Buffer.from('definitely not an onnx model')],
    ['empty', new Uint8Array(0)],
    ['JSON', Buffer.from(JSON.stringify({ graph: { node: [] } }))],
    ['truncated income_rf', fixtureModel('income_rf').subarray(0, 1_837_572)],
    ['truncated iris', fixtureModel('iris_lr').subarray(0, 270)]
  ])('rejects %s bytes as invalid_input on field "file"', async (_name, bytes) => {
    const err = await failure(() => OnnxModel.load(bytes));
    expect(err.kind).toBe('invalid_input');
    expect(err.field).toBe('file');
  });
});

describe('OnnxModel.load', () => {
  it('rejects a well-formed file that onnxruntime cannot load, with onnxruntime\'s message', async () => {
    const proto = onnxProto.onnx.ModelProto.decode(fixtureModel('iris_lr'));
    proto.graph!.node![0]!.opType = 'NoSuchClassifier';
    const err = await failure(() => OnnxModel.load(onnxProto.onnx.ModelProto.encode(proto).finish()));
    expect(err.field).toBe('file');
    expect(err.message).toMatch(/^model file could not be loaded by onnxruntime: .*NoSuchClassifier/);
  });

  it('says a cut-off file is truncated', async () => {
    const bytes = fixtureModel('income_rf');
    const err = await failure(() => inspectModel(bytes.subarray(0, bytes.length >> 1)));
    expect(err.message).toMatch(/^file is truncated or not an ONNX model/);
  });
});

describe('OnnxModel with income_rf', () => {
  let model: OnnxModel;
  beforeAll(async () => (model = await OnnxModel.load(fixtureModel('income_rf'))));
  afterAll(() => model.close());

  it('predicts the tutorial record with classic hyphenated keys', async () => {
    const [p] = await model.predict([tutorialRecord]);
    expect(p!.label).toBe('<=50K');
    expect(p!.probability).toBeCloseTo(p!.probabilities!['>50K']!, 10);
    expect(p!.probabilities!['<=50K']! + p!.probabilities!['>50K']!).toBeCloseTo(1, 5);
  });

  it('accepts numeric strings and form-encoded records with the same answer', async () => {
    const asStrings = Object.fromEntries(Object.entries(tutorialRecord).map(([k, v]) => [k, ` ${v} `.trim()]));
    const padded = { ...tutorialRecord, age: ' 37 ', fnlwgt: '34146.0', 'hours-per-week': '6.8e1' };
    const [a, b, c] = await model.predict([tutorialRecord, asStrings, padded]);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it('treats null and "" as explicit missing values and ignores unknown keys', async () => {
    const base = income[0]!;
    const [blank, nulls, extra] = await model.predict([
      { ...base, workclass: '', age: '' },
      { ...base, workclass: null, age: null },
      { ...base, unknown_key: 'ignored', another: [1, 2] }
    ]);
    expect(nulls).toEqual(blank);
    expect(extra!.label).toBe(fixtureSample('income_rf').expected[0]!.label);
  });

  it('prefers an exact key over a normalised one', async () => {
    const [exact] = await model.predict([{ ...income[1]!, age: 30 }]);
    const [both] = await model.predict([{ ...income[1]!, age: 30, AGE: 90 }]);
    expect(both).toEqual(exact);
  });

  it.each<[string, unknown, string, string | undefined]>([
    ['a missing field', (() => { const { workclass: _w, ...rest } = tutorialRecord; return rest; })(), 'missing field "workclass"', 'workclass'],
    ['a non-numeric string', { ...tutorialRecord, age: 'thirty' }, 'field "age" must be a number', 'age'],
    ['a number for a string', { ...tutorialRecord, workclass: 3 }, 'field "workclass" must be a string', 'workclass'],
    ['a boolean for a string', { ...tutorialRecord, sex: true }, 'field "sex" must be a string', 'sex'],
    ['an object for a string', { ...tutorialRecord, race: { a: 1 } }, 'field "race" must be a string', 'race'],
    ['a boolean for a number', { ...tutorialRecord, age: true }, 'field "age" must be a number', 'age'],
    // a one-element array is the column's tensor (issue 21); two values are not
    ['two values for a number', { ...tutorialRecord, age: [37, 38] }, 'field "age" must be a single value or a one-element array', 'age'],
    ['NaN', { ...tutorialRecord, age: NaN }, 'field "age" must be a finite number', 'age'],
    ['Infinity', { ...tutorialRecord, 'capital-gain': Infinity }, 'field "capital_gain" must be a finite number', 'capital_gain'],
    ['"NaN"', { ...tutorialRecord, age: 'NaN' }, 'field "age" must be a finite number', 'age'],
    ['"-Infinity"', { ...tutorialRecord, age: '-Infinity' }, 'field "age" must be a finite number', 'age'],
    ['an overflowing number', { ...tutorialRecord, age: '1e400' }, 'field "age" must be a finite number', 'age'],
    ['hex', { ...tutorialRecord, age: '0x25' }, 'field "age" must be a number', 'age'],
    ['a string record', 'age=37', 'record must be a JSON object', undefined],
    ['a null record', null, 'record must be a JSON object', undefined],
    ['an array record', [37, 'Private'], 'record must be a JSON object', undefined]
  ])('rejects %s naming the field', (_name, record, message, field) => {
    expect(() => model.validate(record)).toThrow(message);
    try {
      model.validate(record, 3);
    } catch (err) {
      expect((err as ModelDeskError).kind).toBe('invalid_input');
      expect((err as ModelDeskError).field).toBe(field);
      expect((err as Error).message.startsWith(`record 3: ${message}`)).toBe(true);
    }
  });

  it('refuses a whole batch naming the first bad record, without running', async () => {
    const run = vi.spyOn(model, 'run');
    const err = await failure(() => model.predict([income[0], income[1], { ...income[2]!, age: 'old' }, { nope: 1 }]));
    expect(err.message).toBe('record 2: field "age" must be a number, got "old"');
    expect(run).not.toHaveBeenCalled();
    run.mockRestore();
  });

  it('runs a batchable model in one session.run', async () => {
    const run = spyOnSessionRun();
    await model.predict(income.slice(0, 10));
    expect(run).toHaveBeenCalledTimes(1);
    run.mockRestore();
  });
});

describe('OnnxModel options', () => {
  const lr = fixtureModel('income_lr');
  const record = income.find((_, i) => {
    const p = fixtureSample('income_lr').expected[i]!.probabilities![1]!;
    return p > 0.25 && p < 0.45;
  })!;

  it('threshold changes the label of a binary model', async () => {
    const plain = await OnnxModel.load(lr);
    const low = await OnnxModel.load(lr, { threshold: 0.2 });
    const [a] = await plain.predict([record]);
    const [b] = await low.predict([record]);
    expect(a!.label).toBe('<=50K');
    expect(b!.label).toBe('>50K');
    expect(b!.probability).toBe(a!.probability);
    await Promise.all([plain.close(), low.close()]);
  });

  it('positiveClass picks the class whose probability is reported', async () => {
    const model = await OnnxModel.load(lr, { positiveClass: '<=50K', threshold: 0.9 });
    const [p] = await model.predict([record]);
    expect(p!.probability).toBe(p!.probabilities!['<=50K']);
    expect(p!.label).toBe('>50K'); // p(<=50K) is below 0.9
    await model.close();
  });

  it.each<[string, string, ModelOptions, string]>([
    ['feature_names not an array', 'iris_lr', { featureNames: 'a,b,c,d' as unknown as string[] }, 'feature_names'],
    ['feature_names with an empty name', 'iris_lr', { featureNames: ['a', 'b', '', 'd'] }, 'feature_names'],
    ['feature_names duplicated', 'iris_lr', { featureNames: ['a', 'b', 'a', 'd'] }, 'feature_names'],
    ['feature_names of the wrong length', 'iris_lr', { featureNames: ['a', 'b', 'c'] }, 'feature_names'],
    ['feature_names on a multi-input model', 'income_lr', { featureNames: ['age'] }, 'feature_names'],
    ['an unknown positive class', 'income_lr', { positiveClass: '>60K' }, 'positive_class'],
    ['a positive class on a regressor', 'diabetes_gbr', { positiveClass: 1 }, 'positive_class'],
    ['a threshold above 1', 'income_lr', { threshold: 1.5 }, 'threshold'],
    ['a negative threshold', 'income_lr', { threshold: -0.1 }, 'threshold'],
    ['a NaN threshold', 'income_lr', { threshold: NaN }, 'threshold'],
    ['a threshold on a 3-class model', 'iris_lr', { threshold: 0.5 }, 'threshold'],
    ['a threshold on a regressor', 'diabetes_gbr', { threshold: 0.5 }, 'threshold']
  ])('rejects %s', async (_name, fixture, options, field) => {
    const err = await failure(() => OnnxModel.load(fixtureModel(fixture as 'iris_lr'), options));
    expect(err.kind).toBe('invalid_input');
    expect(err.field).toBe(field);
  });
});

describe('OnnxModel with a single 2-D input (iris)', () => {
  let named: OnnxModel;
  let bare: OnnxModel;
  beforeAll(async () => {
    named = await OnnxModel.load(fixtureModel('iris_lr'), { featureNames: iris.featureNames! });
    bare = await OnnxModel.load(fixtureModel('iris_lr'));
  });
  afterAll(() => Promise.all([named.close(), bare.close()]));

  it('accepts an array of K numbers as the record, with or without feature names', async () => {
    const values = iris.featureNames!.map((f) => iris.records[1]![f]);
    const [fromObject] = await named.predict([iris.records[1]]);
    const [fromArray] = await named.predict([values]);
    const [fromBare] = await bare.predict([values.map(String)]);
    expect(fromArray).toEqual(fromObject);
    expect(fromBare).toEqual(fromObject);
    expect(fromObject!.label).toBe(2);
    expect(fromObject!.probability).toBe(fromObject!.probabilities!['2']);
  });

  it('matches feature names after normalising them', async () => {
    const record = { SEPAL_LENGTH_CM_: 4.4, 'sepal-width (cm)': 3, 'petal length (cm)': 1.3, 'Petal Width (cm)': 0.2 };
    const [p] = await named.predict([record]);
    expect(p!.label).toBe(0);
  });

  it('names the bad record and field', async () => {
    expect(() => named.validate([1, 2, 3], 4)).toThrow('record 4: record must have 4 values, got 3');
    expect(() => named.validate([1, 2, 'x', 4])).toThrow('field "petal length (cm)" must be a number');
    expect(() => bare.validate({ a: 1 })).toThrow('record must be an array of 4 numbers');
    expect(() => named.validate({ 'sepal length (cm)': 1 })).toThrow('missing field "sepal width (cm)"');
    expect(() => named.validate(5)).toThrow('record must be a JSON object or an array of numbers');
  });

  it('returns int64 labels as numbers', async () => {
    const [p] = await named.predict([iris.records[0]]);
    expect(p!.outputs.label).toBe(0);
    expect(p!.outputs.probabilities).toHaveLength(3);
  });
});

describe('OnnxModel with a fixed batch dimension', () => {
  it('is not batchable and runs one record per session.run', async () => {
    const proto = onnxProto.onnx.ModelProto.decode(fixtureModel('iris_lr'));
    for (const value of [...proto.graph!.input!, ...proto.graph!.output!]) {
      const dim = value.type!.tensorType!.shape!.dim![0]!;
      dim.dimValue = 1;
    }
    const model = await OnnxModel.load(onnxProto.onnx.ModelProto.encode(proto).finish(), { featureNames: iris.featureNames! });
    expect(model.batchable).toBe(false);
    const run = spyOnSessionRun();
    const predictions = await model.predict(iris.records.slice(0, 3));
    expect(run).toHaveBeenCalledTimes(3);
    run.mockRestore();
    expect(predictions.map((p) => p.label)).toEqual(iris.expected.slice(0, 3).map((e) => e.label));
    await model.close();
    await expect(model.predict(iris.records.slice(0, 1))).rejects.toThrow('closed');
  });
});
