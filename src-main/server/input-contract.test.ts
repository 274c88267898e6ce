import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { download, upload } from '../../test/helpers/bundles.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { fixtureModel, torchFixtureModel, tutorialRecord } from '../../test/fixtures/index.ts';

/**
 * Issue 12 §1: the wine-under-income repro. A user registers the 13-float wine model on
 * `income_classifier` (the Register dialog pre-fills the selected endpoint); every tutorial client
 * would then be refused. Registering, promoting, A/B testing and importing it are refused with the
 * differences, and accepted only with allow_breaking_change and a reason kept in the history.
 */

async function seeded(): Promise<TestServer> {
  const server = await startTestServer();
  onTestFinished(() => server.stop());
  return server;
}

function registerWine(server: TestServer, fields: Record<string, string> = {}, model: Buffer = torchFixtureModel('wine_softmax')) {
  const form = new FormData();
  form.set('file', new Blob([model]), 'wine.onnx');
  for (const [k, v] of Object.entries({ endpoint: 'income_classifier', name: 'wine knn', version: '1.0.0', ...fields })) form.set(k, v);
  return server.request('/api/v1/mlalgorithms', { method: 'POST', body: form, admin: true }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
}

const algorithmCount = async (server: TestServer) => ((await server.json('/api/v1/mlalgorithms')).body as unknown[]).length;
const artifactCount = (server: TestServer) => readdirSync(join(server.dataDir, 'artifacts')).filter((f) => f.endsWith('.onnx')).length;
const reasonsOf = async (server: TestServer, algorithm: number) =>
  ((await server.json(`/api/v1/mlalgorithmstatuses?algorithm=${algorithm}`)).body as any[]).map((s) => s.reason);

describe('an endpoint\'s input contract', () => {
  it('is shown on the endpoint: the production algorithm\'s fields, their types and the classes clients read', async () => {
    const server = await seeded();
    const { body } = await server.json('/api/v1/endpoints/1');
    expect(body.contract).toMatchObject({ algorithm_id: 1, source: 'production', array: null, outputs: { task: 'classification', label_type: 'string', classes: ['<=50K', '>50K'] } });
    expect(body.contract.fields).toHaveLength(14);
    expect(body.contract.fields[4]).toEqual({ name: 'education_num', key: 'education_num', type: 'float32', shape: [] });
    expect(body.contract.inputs[0]).toEqual({ name: 'age', type: 'float32', shape: [null, 1] });
  });

  it('refuses to register the wine model on income_classifier with 409 and the differences, writing nothing', async () => {
    const server = await seeded();
    const before = { algorithms: await algorithmCount(server), artifacts: artifactCount(server) };
    const { status, body } = await registerWine(server);
    expect(status).toBe(409);
    expect(body.field).toBe('allow_breaking_change');
    expect(body.message).toMatch(/registering "wine knn" version "1.0.0" would break the input contract of endpoint "income_classifier"/);
    expect(body.differences.filter((d: any) => d.severity === 'breaking')).toEqual([
      expect.objectContaining({ kind: 'record_format', before: 'JSON object with 14 fields', after: 'array of 13 numbers' })
    ]);
    expect({ algorithms: await algorithmCount(server), artifacts: artifactCount(server) }).toEqual(before);
    // the tutorial's clients are still served as before
    expect((await server.json('/api/v1/income_classifier/predict', { method: 'POST', json: tutorialRecord })).status).toBe(200);
  });

  it('needs a reason with allow_breaking_change, and keeps it in the status history', async () => {
    const server = await seeded();
    const noReason = await registerWine(server, { allow_breaking_change: 'true' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.field).toBe('reason');
    expect(await algorithmCount(server)).toBe(2);
    const accepted = await registerWine(server, { allow_breaking_change: 'true', reason: 'new wine clients only; income clients move to v2' });
    expect(accepted.status).toBe(201);
    expect(await reasonsOf(server, accepted.body.id)).toEqual([
      'registered; breaking change accepted (record format): new wine clients only; income clients move to v2'
    ]);
  });

  it('checks a promotion to production the same way, and says what clients would see', async () => {
    const server = await seeded();
    const wine = (await registerWine(server, { allow_breaking_change: 'true', reason: 'try it' })).body;
    const compatibility = await server.json(`/api/v1/endpoints/1/compatibility?algorithm=${wine.id}`, { admin: true });
    expect(compatibility.body).toMatchObject({ endpoint: 'income_classifier', compatible: false, contract: { algorithm_id: 1 } });
    expect(compatibility.body.summary).toMatch(/^Existing clients would break/);
    const promote = (json: object) => server.json('/api/v1/mlalgorithmstatuses', { method: 'POST', admin: true, json: { status: 'production', created_by: 'ana', parent_mlalgorithm: wine.id, ...json } });
    const refused = await promote({ reason: 'go' });
    expect(refused.status).toBe(409);
    expect(refused.body.differences[0].kind).toBe('record_format');
    expect((await server.json('/api/v1/mlalgorithms/1')).body.current_status).toBe('production');
    const forced = await promote({ reason: 'wine only from now on', allow_breaking_change: true });
    expect(forced.status).toBe(201);
    expect(forced.body.reason).toBe('breaking change accepted (record format): wine only from now on');
    // the contract follows production
    expect((await server.json('/api/v1/endpoints/1')).body.contract).toMatchObject({ algorithm_id: wine.id, fields: null, array: { length: 13 } });
    // staging and testing moves are not promotions: never checked
    expect((await server.json('/api/v1/mlalgorithmstatuses', { method: 'POST', admin: true, json: { status: 'staging', created_by: 'ana', parent_mlalgorithm: 2 } })).status).toBe(201);
  });

  it('checks every arm of an A/B test, split or shadow', async () => {
    const server = await seeded();
    // iris: a classifier (so accuracy can compare it with the forest) of 4 numbers
    const wine = (await registerWine(server, { name: 'iris', allow_breaking_change: 'true', reason: 'try it' }, fixtureModel('iris_lr'))).body;
    for (const mode of ['split', 'shadow']) {
      const refused = await server.json('/api/v1/abtests', { method: 'POST', admin: true, json: { title: 'wine', created_by: 'ana', parent_mlalgorithm_1: 1, parent_mlalgorithm_2: wine.id, mode } });
      expect(refused.status).toBe(409);
      expect(refused.body.differences.some((d: any) => d.kind === 'record_format')).toBe(true);
    }
    expect((await server.json('/api/v1/abtests')).body).toEqual([]);
    const started = await server.json('/api/v1/abtests', { method: 'POST', admin: true, json: { title: 'wine', created_by: 'ana', parent_mlalgorithm_1: 1, parent_mlalgorithm_2: wine.id, allow_breaking_change: true, reason: 'measure the damage' } });
    expect(started.status).toBe(201);
    expect((await reasonsOf(server, wine.id)).at(-1)).toBe('arm 2 of A/B test 1; breaking change accepted (record format): measure the damage');
    // the compatible arm's history says nothing of it
    expect((await reasonsOf(server, 1)).at(-1)).toBe('arm 1 of A/B test 1');
  });

  it('compares an uploaded file with an endpoint\'s contract before it is registered (the Register dialog\'s diff)', async () => {
    const server = await seeded();
    const form = new FormData();
    form.set('file', new Blob([torchFixtureModel('wine_softmax')]), 'wine.onnx');
    form.set('endpoint', 'income_classifier');
    const { body } = await server.request('/api/v1/mlalgorithms/inspect', { method: 'POST', body: form, admin: true }).then(async (r) => ({ body: (await r.json()) as any }));
    expect(body.compatibility).toMatchObject({ compatible: false, contract: { algorithm_id: 1 } });
    const fresh = new FormData();
    fresh.set('file', new Blob([torchFixtureModel('wine_softmax')]), 'wine.onnx');
    fresh.set('endpoint', 'wine');
    const unknown = await server.request('/api/v1/mlalgorithms/inspect', { method: 'POST', body: fresh, admin: true }).then(async (r) => (await r.json()) as any);
    expect(unknown.compatibility).toBeUndefined();
  });

  it('lets a new endpoint take any model: its first algorithm defines the contract', async () => {
    const server = await seeded();
    const { status } = await registerWine(server, { endpoint: 'wine' });
    expect(status).toBe(201);
    expect((await server.json('/api/v1/endpoints/2')).body.contract).toMatchObject({ source: 'first_registered', fields: null, array: { type: 'float32', length: 13 } });
  });

  it('refuses bad compatibility queries by name', async () => {
    const server = await seeded();
    await registerWine(server, { endpoint: 'wine' });
    const other = await server.json('/api/v1/endpoints/1/compatibility?algorithm=3', { admin: true });
    expect(other.status).toBe(400);
    expect(other.body.field).toBe('algorithm');
    expect((await server.json('/api/v1/endpoints/1/compatibility', { admin: true })).status).toBe(400);
    expect((await server.json('/api/v1/endpoints/9/compatibility?algorithm=1', { admin: true })).status).toBe(404);
  });

  it('checks an import: a bundle whose new algorithm breaks an endpoint here is refused whole, unless accepted with a reason', async () => {
    const source = await seeded();
    await registerWine(source, { allow_breaking_change: 'true', reason: 'wine clients' });
    const bundle = await download(source);
    const target = await seeded();
    const plan = await upload(target, bundle, '?dry_run=true');
    expect(plan.status).toBe(200);
    expect(plan.body.breaking_changes).toEqual([
      expect.objectContaining({ endpoint: 'income_classifier', name: 'wine knn', version: '1.0.0', differences: expect.arrayContaining([expect.objectContaining({ kind: 'record_format' })]) })
    ]);
    const refused = await upload(target, bundle);
    expect(refused.status).toBe(409);
    expect(refused.body.field).toBe('allow_breaking_change');
    expect(await algorithmCount(target)).toBe(2);
    expect((await upload(target, bundle, '?allow_breaking_change=true')).body.field).toBe('reason');
    const accepted = await upload(target, bundle, '?allow_breaking_change=true&reason=same%20registry%20as%20the%20lab');
    expect(accepted.status).toBe(200);
    expect(accepted.body.applied).toBe(true);
    expect((await reasonsOf(target, 3)).at(-1)).toBe('imported; breaking change accepted (record format): same registry as the lab');
    // importing again changes nothing: the algorithm is identical now
    expect((await upload(target, bundle)).body).toMatchObject({ applied: false, breaking_changes: [] });
  });
});
