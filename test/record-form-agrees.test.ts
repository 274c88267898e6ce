/**
 * The Playground's form and the server read record keys by the same rule (contract/record-keys,
 * contract/record-layout): what the form fills from an example is what the server predicts on.
 * The form code is the renderer's own (src-renderer/src/lib/record-form.ts), run here in Node
 * against a real server; before the rule was shared, the form normalised "sepal length (cm)" to
 * "sepal_length__cm_" and the server to "sepal_length_cm_", so such keys were left unfilled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseKey } from '../src-main/contract/record-keys.ts';
import { algorithmExample, buildRecord, exampleValues, formSpecOf } from '../src-renderer/src/lib/record-form.ts';
import type { Algorithm } from '../src-renderer/src/api/types.ts';
import { fixtureSample, tutorialRecord } from './fixtures/index.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

describe('the Playground form and the server agree on record keys', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ seed: true });
  });
  afterAll(() => server.stop());

  const predict = async (endpoint: string, algorithmId: number, record: unknown) =>
    (await server.json(`/api/v1/${endpoint}/predict?algorithm_id=${algorithmId}`, { method: 'POST', json: record })).body;

  it('"education-num" fills the income models\' education_num input, and the server reads it there', async () => {
    const { body: algorithms } = await server.json<Algorithm[]>('/api/v1/mlalgorithms?endpoint=income_classifier');
    expect(algorithms.length).toBeGreaterThanOrEqual(2);
    for (const algorithm of algorithms) {
      const spec = formSpecOf(algorithm);
      expect(spec).toMatchObject({ kind: 'fields', source: 'columns' });
      // the seeded versions carry the tutorial's record as their input example (models/manifest.json)
      expect(algorithm.input_example).toEqual(tutorialRecord);
      const { keys, values } = exampleValues(spec, algorithmExample(algorithm));
      expect(keys.education_num).toBe('education-num');
      expect(values.education_num).toBe(9);
      const fromForm = await predict('income_classifier', algorithm.id, buildRecord(spec, keys, values));
      const direct = await predict('income_classifier', algorithm.id, tutorialRecord);
      expect(fromForm.status).toBe('OK');
      expect(fromForm.probabilities).toEqual(direct.probabilities);
    }
  });

  it('"sepal length (cm)" in any case and separators fills the feature and predicts as scikit-learn did', async () => {
    const sample = fixtureSample('iris_lr');
    const names = sample.featureNames!;
    const { status, body: algorithm } = await server.register('iris_lr', {
      endpoint: 'iris',
      name: 'lr',
      version: '1',
      status: 'production',
      feature_names: JSON.stringify(names)
    });
    expect(status).toBe(201);
    const spec = formSpecOf(algorithm as Algorithm);
    expect(spec).toMatchObject({ kind: 'fields', source: 'feature_names', fields: names.map((key) => ({ key, kind: 'number' })) });

    // an example written with other spellings of the same keys, as a client (or issue 12's stored example) might
    const spellings = [(k: string) => k.toUpperCase(), normaliseKey, (k: string) => k.replaceAll(' ', '-'), (k: string) => `${k}  `];
    for (const [i, record] of sample.records.slice(0, 5).entries()) {
      const example = Object.fromEntries(names.map((name, j) => [spellings[j]!(name), record[name] as number]));
      const { keys, values } = exampleValues(spec, example);
      // every field found: the form sends the example's own keys with the example's values
      expect(names.map((name) => keys[name])).toEqual(Object.keys(example));
      expect(names.map((name) => values[name])).toEqual(names.map((name) => record[name]));
      const answer = await predict('iris', algorithm.id, buildRecord(spec, keys, values));
      expect(answer.label).toEqual(sample.expected[i]!.label);
    }
  });
});
