/**
 * Every fixture model registered on one test server, and predictions for their sample records,
 * one record at a time and as an array: what tests of the request log's storage replay
 * (row-codec.test.ts, and test/fixtures/make-request-rows.ts for the stored rows it checks).
 */
import { fixtureSample, torchFixtureNames, torchFixtureSample } from '../fixtures/index.ts';
import type { TestServer } from './server.ts';
import { registerTorch } from './torch-models.ts';

export interface FixtureCall {
  endpoint: string;
  /** the body sent: one record or an array of them */
  body: unknown;
  status: number;
  /** the answer's text as the server sent it */
  text: string;
}

/** Registers iris_lr, diabetes_gbr and every PyTorch fixture beside the seeded income models; returns each endpoint's records. */
export async function registerEveryFixture(server: TestServer): Promise<Map<string, unknown[]>> {
  const records = new Map<string, unknown[]>();
  const income = fixtureSample('income_rf');
  records.set('income_classifier', income.records);
  for (const [name, endpoint] of [['iris_lr', 'iris'], ['diabetes_gbr', 'diabetes']] as const) {
    const sample = fixtureSample(name);
    const registered = await server.register(name, {
      endpoint,
      name,
      version: '1',
      status: 'production',
      ...(sample.featureNames ? { feature_names: JSON.stringify(sample.featureNames) } : {})
    });
    if (registered.status !== 201) throw new Error(`${name}: ${JSON.stringify(registered.body)}`);
    records.set(endpoint, sample.records);
  }
  for (const name of torchFixtureNames) {
    const registered = await registerTorch(server, name);
    if (registered.status !== 201) throw new Error(`${name}: ${JSON.stringify(registered.body)}`);
    records.set(name, torchFixtureSample(name).records);
  }
  return records;
}

/** `perEndpoint` records of each endpoint sent one by one, then the same records as one array. */
export async function predictEveryFixture(server: TestServer, records: Map<string, unknown[]>, perEndpoint: number): Promise<FixtureCall[]> {
  const calls: FixtureCall[] = [];
  const send = async (endpoint: string, body: unknown) => {
    const res = await server.request(`/api/v1/${endpoint}/predict?status=production`, { method: 'POST', json: body });
    calls.push({ endpoint, body, status: res.status, text: await res.text() });
  };
  for (const [endpoint, list] of records) {
    const some = list.slice(0, perEndpoint);
    for (const record of some) await send(endpoint, record);
    await send(endpoint, some);
  }
  return calls;
}
