import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { fixtureNames, fixtureSample, type FixtureName } from '../../test/fixtures/index.ts';

/** Every shared skl2onnx fixture, registered through the API, answers as scikit-learn did. */
describe('every fixture registered over HTTP predicts exactly', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ seed: false });
  });
  afterAll(() => server.stop());

  const registration = (name: FixtureName): Record<string, string> => {
    const sample = fixtureSample(name);
    return {
      endpoint: name,
      name: `${name} model`,
      version: '1.0.0',
      owner: 'tests',
      status: 'production',
      ...(sample.featureNames && name !== 'income_rf' && name !== 'income_lr'
        ? { feature_names: JSON.stringify(sample.featureNames) }
        : {})
    };
  };

  it.each(fixtureNames)('%s: registration shows its signature', async (name) => {
    const { status, body } = await server.register(name, registration(name));
    expect(status).toBe(201);
    expect(body).toMatchObject({ endpoint: name, version: '1.0.0', current_status: 'production' });
    expect(body.signature.inputs.length).toBeGreaterThan(0);
    expect(body.artifact_sha256).toMatch(/^[0-9a-f]{64}$/);
    const { body: again } = await server.json(`/api/v1/mlalgorithms/${body.id}`);
    expect(again.signature).toEqual(body.signature);
    expect(again.task).toBe(name === 'diabetes_gbr' ? 'regression' : 'classification');
  });

  it.each(fixtureNames)('%s: every sample record, one by one and as one array', async (name) => {
    const sample = fixtureSample(name);
    const { body: batch } = await server.json(`/api/v1/${name}/predict`, { method: 'POST', json: sample.records });
    expect(batch.predictions).toHaveLength(sample.records.length);
    const singles = [];
    for (const record of sample.records.slice(0, 10)) {
      singles.push((await server.json(`/api/v1/${name}/predict`, { method: 'POST', json: record })).body);
    }
    const check = (answer: any, i: number) => {
      const expected = sample.expected[i]!;
      expect(answer.status).toBe('OK');
      if (expected.value !== undefined) {
        const value = Array.isArray(answer.prediction) ? answer.prediction[0] : answer.prediction;
        expect(Math.abs(value - expected.value)).toBeLessThanOrEqual(sample.tolerance.value_abs!);
        return;
      }
      expect(answer.label).toEqual(expected.label);
      const classes = sample.classes!;
      expected.probabilities!.forEach((p, c) => {
        expect(Math.abs(answer.probabilities[String(classes[c])] - p)).toBeLessThanOrEqual(sample.tolerance.probability_abs!);
      });
    };
    batch.predictions.forEach(check);
    singles.forEach(check);
  });
});
