/**
 * End-to-end against real onnxruntime: every fixture record must reproduce scikit-learn's
 * own output, one record per run and all records in one batch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureModel, fixtureNames, fixtureSample, type FixtureName, type FixtureSample } from '../../../test/fixtures/index.ts';
import { OnnxModel, type Prediction } from './index.ts';

function expectMatches(sample: FixtureSample, predictions: Prediction[]): void {
  expect(predictions).toHaveLength(sample.records.length);
  predictions.forEach((p, i) => {
    const want = sample.expected[i]!;
    const context = `record ${i}`;
    if (want.label !== undefined) expect(p.label, context).toEqual(want.label);
    if (want.probabilities) {
      const classes = sample.classes!;
      const tolerance = sample.tolerance.probability_abs!;
      expect(Object.keys(p.probabilities!), context).toEqual(classes.map(String));
      classes.forEach((c, j) => {
        expect(Math.abs(p.probabilities![String(c)]! - want.probabilities![j]!), `${context} class ${c}`).toBeLessThanOrEqual(tolerance);
      });
    }
    if (want.value !== undefined) {
      expect(typeof p.prediction, context).toBe('number');
      expect(Math.abs((p.prediction as number) - want.value), context).toBeLessThanOrEqual(sample.tolerance.value_abs!);
    }
  });
}

describe.each(fixtureNames)('fixture %s', (name: FixtureName) => {
  const sample = fixtureSample(name);
  let model: OnnxModel;

  beforeAll(async () => {
    model = await OnnxModel.load(fixtureModel(name), { featureNames: sample.featureNames ?? null });
  });
  afterAll(() => model.close());

  it('derives the task and classes', () => {
    const task = sample.task.includes('classification') ? 'classification' : 'regression';
    expect(model.signature.task).toBe(task);
    expect(model.signature.classes).toEqual(sample.classes ?? null);
    expect(model.batchable).toBe(true);
  });

  it('matches scikit-learn one record at a time', async () => {
    const predictions: Prediction[] = [];
    for (const record of sample.records) predictions.push(...(await model.predict([record])));
    expectMatches(sample, predictions);
  });

  it('matches scikit-learn as one batch', async () => {
    expectMatches(sample, await model.predict(sample.records));
  });

  it('returns every raw output per record, JSON-safe', async () => {
    const [first] = await model.predict(sample.records.slice(0, 2));
    const declared = (sample as FixtureSample & { outputs: { name: string }[] }).outputs;
    expect(Object.keys(first!.outputs).sort()).toEqual(declared.map((o) => o.name).sort());
    expect(JSON.parse(JSON.stringify(first!.outputs))).toEqual(first!.outputs);
  });
});
