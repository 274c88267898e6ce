import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureSample } from '../../test/fixtures/index.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

const iris = fixtureSample('iris_lr');
const income = fixtureSample('income_lr');

/** v2 tensors for one record of the fixture whose model has these inputs. */
function tensorsFor(inputs: { name: string; datatype: string }[]) {
  if (inputs.length === 1) {
    const row = iris.featureNames!.map((f) => iris.records[0]![f] as number);
    return [{ name: inputs[0]!.name, shape: [1, row.length], datatype: inputs[0]!.datatype, data: row }];
  }
  return inputs.map(({ name, datatype }) => ({ name, shape: [1, 1], datatype, data: [income.records[0]![name]] }));
}

/**
 * During an A/B test between two models with different inputs, a v2 call is decoded with the
 * signature of the arm that runs it: the core chooses once, for metadata and for infer alike.
 */
describe('Open Inference v2 during an A/B test', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ seed: false });
    const a = await server.register('iris_lr', { endpoint: 'mixed', name: 'iris', version: '1', status: 'production', feature_names: JSON.stringify(iris.featureNames) });
    // two models with different inputs on one endpoint: a breaking change, accepted explicitly (issue 12 §1)
    const breaking = { allow_breaking_change: 'true', reason: 'two input shapes on purpose' };
    const b = await server.register('income_lr', { endpoint: 'mixed', name: 'income', version: '2', status: 'testing', ...breaking });
    const test = await server.json('/api/v1/abtests', {
      method: 'POST',
      admin: true,
      json: { title: 'iris vs income', created_by: 'ana', parent_mlalgorithm_1: a.body.id, parent_mlalgorithm_2: b.body.id, allow_breaking_change: true, reason: breaking.reason }
    });
    expect(test.status).toBe(201);
  });
  afterAll(() => server.stop());

  it('a client reads the metadata of the arm its key is routed to, and that arm decodes and answers its tensors', async () => {
    const versions = new Set<string>();
    for (let k = 0; k < 12; k++) {
      const headers = { 'x-client-key': `client-${k}` };
      const meta = await server.json('/v2/models/mixed', { headers });
      expect(meta.status).toBe(200);
      const expected = meta.body.inputs.length === 1 ? '1' : '2';
      const inferred = await server.json('/v2/models/mixed/infer', { method: 'POST', headers, json: { inputs: tensorsFor(meta.body.inputs) } });
      expect(inferred.status).toBe(200);
      expect(inferred.body.model_version).toBe(expected);
      versions.add(expected);
    }
    // both arms served some of the keys
    expect([...versions].sort()).toEqual(['1', '2']);
  });

  it('a versioned path names its version whatever its status, and reads the tensors with its signature', async () => {
    const meta = await server.json('/v2/models/mixed/versions/2');
    expect(meta.body.inputs.length).toBeGreaterThan(1);
    const inferred = await server.json('/v2/models/mixed/versions/2/infer', { method: 'POST', json: { inputs: tensorsFor(meta.body.inputs) } });
    expect(inferred.status).toBe(200);
    expect(inferred.body).toMatchObject({ model_version: '2', parameters: { request_ids: expect.stringMatching(/^\d+$/) } });
    const logged = await server.json(`/api/v1/mlrequests/${inferred.body.parameters.request_ids}`, { admin: true });
    // pinned by version: logged outside the test's traffic
    expect(logged.body.ab_test).toBeNull();
  });
});
