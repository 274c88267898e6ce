import { Compile } from 'typebox/compile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchPredictionResponse, PredictionResponse } from '../contract/classic.ts';
import { fixtureNames, fixtureSample, type FixtureName } from '../../test/fixtures/index.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

/**
 * The classic predict's answer is declared once (contract/classic.ts) and the core builds it as
 * that type; this checks real answers of every fixture model against the schema, so a field the
 * core adds, renames or types differently fails here.
 */
const single = Compile(PredictionResponse);
const batch = Compile(BatchPredictionResponse);

function expectShape(validator: typeof single | typeof batch, body: unknown): void {
  expect(validator.Errors(body).map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);
  expect(validator.Check(body)).toBe(true);
}

describe('classic predict answers match the declared schema', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ seed: false });
    for (const name of fixtureNames) {
      const sample = fixtureSample(name);
      const perColumn = name === 'income_rf' || name === 'income_lr';
      const registered = await server.register(name, {
        endpoint: name,
        name,
        version: '1',
        status: 'production',
        ...(sample.featureNames && !perColumn ? { feature_names: JSON.stringify(sample.featureNames) } : {})
      });
      expect(registered.status).toBe(201);
    }
  });
  afterAll(() => server.stop());

  const predict = (name: FixtureName, body: unknown) =>
    server.request(`/api/v1/${name}/predict`, { method: 'POST', json: body });

  it.each(fixtureNames)('%s: one record, as JSON with its content type', async (name) => {
    const res = await predict(name, fixtureSample(name).records[0]);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body: any = await res.json();
    expectShape(single, body);
    expect(body).toMatchObject({ status: 'OK', request_id: expect.any(Number), version: '1', ab_test_id: null });
  });

  it.each(fixtureNames)('%s: an array of records', async (name) => {
    const records = fixtureSample(name).records.slice(0, 5);
    const res = await predict(name, records);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body: any = await res.json();
    expectShape(batch, body);
    expect(body.predictions).toHaveLength(records.length);
  });

  it('a refused call answers JSON too', async () => {
    const res = await predict('iris_lr', { nope: 1 });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toMatchObject({ status: 'Error' });
  });
});
