/** What ModelDesk reads from real graphs beyond their inputs and outputs, and what registration makes of it. */
import { describe, expect, it } from 'vitest';
import { fixtureModel, torchFixtureModel, torchFixtureSample, type TorchFixtureName } from '../../../test/fixtures/index.ts';
import type { ModelDeskError } from '../errors.ts';
import { resolveSettings } from './model-settings.ts';
import { inspectModel, OnnxModel } from './onnx-model.ts';

const torch = (name: TorchFixtureName) => inspectModel(torchFixtureModel(name)).signature;

describe('output kind hint', () => {
  it.each<[TorchFixtureName, string | null, string | null, RegExp | null]>([
    ['wine_softmax', 'probabilities', 'probabilities', /ends in Softmax/],
    ['wine_logits', 'logits', 'logits', /linear layer \(Gemm\)/],
    ['breast_cancer_logit', 'logit', 'logits', /linear layer/],
    ['digits_image', 'probabilities', 'probabilities', /Softmax/],
    ['seq_dynamic', 'probabilities', 'probabilities', /Softmax/],
    ['adult_embedding', 'probabilities', 'probabilities', /Softmax/],
    ['int64_model', 'probabilities', 'probabilities', /classifier output/],
    ['multi_regressor', null, null, null]
  ])('%s: output %s holds %s', (name, output, kind, because) => {
    const hint = torch(name).outputKindHint ?? null;
    if (output === null) return expect(hint).toBeNull();
    expect(hint).toMatchObject({ output, kind });
    expect(hint!.because).toMatch(because!);
  });
});

describe('inputs that index an embedding table', () => {
  it('get the ids the table has; other inputs get none', () => {
    expect(torch('adult_embedding').inputs).toEqual([
      { name: 'numeric', type: 'float32', shape: ['batch', 6] },
      { name: 'sex', type: 'int64', shape: ['batch', 1], range: [0, 1] }
    ]);
    expect(torch('seq_dynamic').inputs[0]).toEqual({ name: 'tokens', type: 'int64', shape: ['batch', 'seq'], range: [0, 19] });
    expect(torch('int64_model').inputs[0]!.range).toBeUndefined();
  });
});

describe('missing values', () => {
  it('a graph with an Imputer handles them; a plain network or linear model does not', () => {
    expect(inspectModel(fixtureModel('income_rf')).signature.imputes).toBe(true);
    expect(inspectModel(fixtureModel('income_lr')).signature.imputes).toBe(true);
    expect(inspectModel(fixtureModel('iris_lr')).signature.imputes).toBe(false);
    expect(torch('wine_softmax').imputes).toBe(false);
  });

  it('a registration may say otherwise', () => {
    const iris = inspectModel(fixtureModel('iris_lr')).signature;
    expect(resolveSettings(iris, {}).handlesMissing).toBe(false);
    expect(resolveSettings(iris, { handlesMissing: true }).handlesMissing).toBe(true);
  });
});

describe('registration settings for tensor classifiers', () => {
  const refusal = (fn: () => unknown): ModelDeskError => {
    try {
      fn();
    } catch (err) {
      return err as ModelDeskError;
    }
    throw new Error('not refused');
  };

  it('classes alone make a tensor model a classifier with the suggested output kind', () => {
    const classes = torchFixtureSample('wine_logits').classes!;
    expect(resolveSettings(torch('wine_logits'), { classes })).toMatchObject({ task: 'classification', outputKind: 'logits', probabilityOutput: 'logits', classes });
    expect(resolveSettings(torch('wine_softmax'), { classes })).toMatchObject({ outputKind: 'probabilities' });
    // without classes or output_kind, a single-output network stays what its graph says
    expect(resolveSettings(torch('wine_logits'), {})).toMatchObject({ task: 'regression', outputKind: null });
  });

  it('output_kind alone makes one with index classes; one logit column takes two classes', () => {
    expect(resolveSettings(torch('wine_logits'), { outputKind: 'scores' })).toMatchObject({ task: 'classification', outputKind: 'scores', classes: null });
    const breast = resolveSettings(torch('breast_cancer_logit'), { classes: ['malignant', 'benign'], positiveClass: 'benign', threshold: 0.5 });
    expect(breast).toMatchObject({ outputKind: 'logits', positiveIndex: 1, threshold: 0.5 });
  });

  it.each<[string, TorchFixtureName, Parameters<typeof resolveSettings>[1], string, RegExp]>([
    ['three classes for one logit', 'breast_cancer_logit', { classes: ['a', 'b', 'c'] }, 'classes', /one score column \(the second class's\), so 2 classes/],
    ['two classes for three logits', 'wine_logits', { classes: ['a', 'b'] }, 'classes', /3 scores per record/],
    ['an unknown output kind', 'wine_logits', { outputKind: 'odds' as never }, 'output_kind', /one of probabilities, logits, scores/],
    ['classes for a two-output regressor', 'multi_regressor', { classes: ['a', 'b'] }, 'classes', /one float output of shape \[N, C\]/],
    ['a threshold on scores', 'breast_cancer_logit', { outputKind: 'scores', threshold: 0.5 }, 'threshold', /binary classifiers with probabilities/]
  ])('refuses %s naming the field', (_name, fixture, options, field, message) => {
    const err = refusal(() => resolveSettings(torch(fixture), options));
    expect(err.field).toBe(field);
    expect(err.message).toMatch(message);
  });

  it('needs output_kind with classes when the graph does not say', () => {
    const gbr = inspectModel(fixtureModel('diabetes_gbr')).signature;
    expect(refusal(() => resolveSettings(gbr, { classes: ['low', 'high'] }))).toMatchObject({
      field: 'output_kind',
      message: 'output_kind is required with classes: say whether output "variable" holds probabilities, logits or scores'
    });
  });

  it('a loaded wine_logits answers the softmax of its logits, as PyTorch computed it', async () => {
    const sample = torchFixtureSample('wine_logits');
    const model = await OnnxModel.load(torchFixtureModel('wine_logits'), { classes: sample.classes!, outputKind: 'logits' });
    const answers = await model.predict(sample.records);
    answers.forEach((answer, i) => {
      const expected = sample.expected[i]!;
      expect(answer.label).toBe(expected.label);
      sample.classes!.forEach((c, j) => expect(Math.abs(answer.probabilities![String(c)]! - expected.probabilities![j]!)).toBeLessThan(1e-5 + 1e-5 * expected.probabilities![j]!));
    });
    expect(model.task).toBe('classification');
    await model.close();
  });
});
