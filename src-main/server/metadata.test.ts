import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { download, upload } from '../../test/helpers/bundles.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { fixtureSample, tutorialRecord, type FixtureName } from '../../test/fixtures/index.ts';
import type { CoreEventMap } from '../core/index.ts';

/** Issue 12 §5: metadata a registry needs, edited with history, and deleting a typo upload. */

async function seeded(seed = true): Promise<TestServer> {
  const server = await startTestServer({ seed });
  onTestFinished(() => server.stop());
  return server;
}

const patch = (server: TestServer, path: string, json: object, admin = true) => server.json(path, { method: 'PATCH', admin, json });
const history = async (server: TestServer, query: string) => (await server.json(`/api/v1/metadatahistory?${query}`, { admin: true })).body as any[];

const register = (server: TestServer, fields: Record<string, string>, fixture: FixtureName = 'income_lr') =>
  server.register(fixture, { endpoint: 'income_classifier', name: 'logistic regression', version: '2.0.0', ...fields });

describe('editing metadata', () => {
  it('edits an endpoint\'s description, owner, notes and tags, kept in a history with who and why', async () => {
    const server = await seeded();
    const events: CoreEventMap['metadata.changed'][] = [];
    server.core.events.on('metadata.changed', (e) => events.push(e));
    const { status, body } = await patch(server, '/api/v1/endpoints/1', {
      description: 'Predicts whether income exceeds $50K',
      owner: 'data team',
      notes: 'Retrained monthly.',
      tags: ['census', ' tabular ', 'Census'],
      created_by: 'ana',
      reason: 'onboarding docs'
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ description: 'Predicts whether income exceeds $50K', owner: 'data team', notes: 'Retrained monthly.', tags: ['census', 'tabular'] });
    expect(body.contract.algorithm_id).toBe(1);
    expect((await server.json('/api/v1/endpoints')).body[0]).toMatchObject({ owner: 'data team', tags: ['census', 'tabular'], allow_free_text_feedback: false });
    await patch(server, '/api/v1/endpoints/1', { notes: 'Retrained weekly.', created_by: 'bo' });
    const rows = await history(server, 'endpoint=1');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ endpoint: 1, algorithm: null, created_by: 'ana', reason: 'onboarding docs' });
    expect(rows[0].changes.owner).toEqual({ before: 'Piotr', after: 'data team' });
    expect(rows[1].changes).toEqual({ notes: { before: 'Retrained monthly.', after: 'Retrained weekly.' } });
    expect(events.map((e) => e.change.createdBy)).toEqual(['ana', 'bo']);
  });

  it('edits an algorithm\'s metrics and input example; the example is a record the model accepts', async () => {
    const server = await seeded();
    const { status, body } = await patch(server, '/api/v1/mlalgorithms/2', {
      metrics: { accuracy: 0.8635, auc: 0.91 },
      input_example: tutorialRecord,
      tags: ['baseline'],
      created_by: 'ana'
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ metrics: { accuracy: 0.8635, auc: 0.91 }, input_example: tutorialRecord, tags: ['baseline'] });
    expect((await server.json('/api/v1/mlalgorithms/2')).body.metrics).toEqual({ accuracy: 0.8635, auc: 0.91 });
    const [row] = await history(server, 'algorithm=2');
    // (the seeded version already has the tutorial's record as its example: unchanged, so not in the history)
    expect(Object.keys(row.changes).sort()).toEqual(['metrics', 'tags']);
    expect(row.changes.metrics).toEqual({ before: { accuracy: 0.8555 }, after: { accuracy: 0.8635, auc: 0.91 } });
    // an edit that changes nothing writes nothing
    await patch(server, '/api/v1/mlalgorithms/2', { tags: ['baseline'], created_by: 'ana' });
    expect(await history(server, 'algorithm=2')).toHaveLength(1);
    // null removes the example
    expect((await patch(server, '/api/v1/mlalgorithms/2', { input_example: null, created_by: 'ana' })).body.input_example).toBeNull();
  });

  it('reports every bad field at once, and writes nothing', async () => {
    const server = await seeded();
    const { status, body } = await patch(server, '/api/v1/mlalgorithms/2', {
      metrics: { accuracy: 'high' },
      input_example: { age: 37 },
      tags: ['x'.repeat(65)],
      notes: 'n'.repeat(10001),
      created_by: 'ana'
    });
    expect(status).toBe(400);
    expect(body.errors.map((e: any) => e.field).sort()).toEqual(['input_example', 'metrics', 'notes', 'tags']);
    expect(body.errors.find((e: any) => e.field === 'input_example').message).toMatch(/not a record this model accepts: missing field "workclass"/);
    expect(body.field).toBe('notes');
    expect(await history(server, '')).toEqual([]);
    expect((await server.json('/api/v1/mlalgorithms/2')).body).toMatchObject({ metrics: { accuracy: 0.8555 }, tags: [], notes: '' });
  });

  it('refuses bad edits by field name: unknown fields, no author, wrong types, unknown ids, no token', async () => {
    const server = await seeded();
    const cases: [string, object, number, string | undefined][] = [
      ['/api/v1/endpoints/1', { name: 'renamed', created_by: 'ana' }, 400, 'name'],
      ['/api/v1/endpoints/1', { notes: 'x' }, 400, 'created_by'],
      ['/api/v1/endpoints/1', { notes: 'x', created_by: '  ' }, 400, 'created_by'],
      ['/api/v1/endpoints/1', { tags: 'census', created_by: 'ana' }, 400, 'tags'],
      ['/api/v1/endpoints/1', { allow_free_text_feedback: 'sometimes', created_by: 'ana' }, 400, 'allow_free_text_feedback'],
      ['/api/v1/mlalgorithms/2', { metrics: [1, 2], created_by: 'ana' }, 400, 'metrics'],
      ['/api/v1/mlalgorithms/2', { signature: {}, created_by: 'ana' }, 400, 'signature'],
      ['/api/v1/mlalgorithms/9', { notes: 'x', created_by: 'ana' }, 404, undefined],
      ['/api/v1/endpoints/x', { notes: 'x', created_by: 'ana' }, 404, undefined]
    ];
    for (const [path, json, status, field] of cases) {
      const res = await patch(server, path, json);
      expect([path, JSON.stringify(json), res.status, res.body.field]).toEqual([path, JSON.stringify(json), status, field]);
    }
    expect((await patch(server, '/api/v1/endpoints/1', { notes: 'x', created_by: 'ana' }, false)).status).toBe(401);
    expect(await history(server, '')).toEqual([]);
  });

  it('takes metrics, notes, tags and an input example at registration, and reports every bad field of it at once', async () => {
    const server = await seeded();
    const ok = await register(server, { metrics: '{"accuracy": 0.851}', tags: '["candidate"]', notes: 'C=0.5', input_example: JSON.stringify(tutorialRecord) });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ metrics: { accuracy: 0.851 }, tags: ['candidate'], notes: 'C=0.5', input_example: tutorialRecord });
    const bad = await register(server, { version: '', endpoint: 'Bad Name', metrics: '{"auc": "x"}', threshold: '7', input_example: '{"age": 1}', feature_names: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.field).sort()).toEqual(['endpoint', 'feature_names', 'input_example', 'metrics', 'threshold', 'version']);
    expect((await server.json('/api/v1/mlalgorithms')).body).toHaveLength(3);
    // the model's own options are all reported too (an input example is checked once the model loads)
    const options = await register(server, { version: '3', positive_class: 'rich', threshold: '0.5', input_example: '{"age": 1}' }, 'iris_lr');
    expect(options.body.errors.map((e: any) => e.field).sort()).toEqual(['positive_class', 'threshold']);
  });
});

describe('deleting an algorithm version', () => {
  it('removes one that never served, with its statuses, metadata and model file', async () => {
    const server = await seeded();
    const typo = (await register(server, { endpoint: 'scratch', version: '2.0.0-typo', metrics: '{"accuracy": 0.1}' }, 'iris_lr')).body;
    await patch(server, `/api/v1/mlalgorithms/${typo.id}`, { notes: 'wrong file', created_by: 'ana' });
    const file = join(server.dataDir, 'artifacts', `${typo.artifact_sha256}.onnx`);
    expect(existsSync(file)).toBe(true);
    const { status, body } = await server.json(`/api/v1/mlalgorithms/${typo.id}`, { method: 'DELETE', admin: true });
    expect(status).toBe(200);
    expect(body).toMatchObject({ deleted: typo.id, artifact_removed: true });
    expect((await server.json(`/api/v1/mlalgorithms/${typo.id}`)).status).toBe(404);
    expect((await server.json(`/api/v1/mlalgorithmstatuses?algorithm=${typo.id}`)).body).toEqual([]);
    expect(await history(server, `algorithm=${typo.id}`)).toEqual([]);
    expect(existsSync(file)).toBe(false);
  });

  it('keeps a model file another version still uses', async () => {
    const server = await seeded();
    const copy = (await register(server, { version: '0.0.2' })).body;
    expect(copy.artifact_sha256).toBe((await server.json('/api/v1/mlalgorithms/2')).body.artifact_sha256);
    const { body } = await server.json(`/api/v1/mlalgorithms/${copy.id}`, { method: 'DELETE', admin: true });
    expect(body.artifact_removed).toBe(false);
    expect(existsSync(join(server.dataDir, 'artifacts', `${copy.artifact_sha256}.onnx`))).toBe(true);
    expect((await server.json('/api/v1/income_classifier/predict?algorithm_id=2', { method: 'POST', json: tutorialRecord })).status).toBe(200);
  });

  it('refuses one that served, one in an A/B test, and production: archive instead', async () => {
    const server = await seeded();
    await server.json('/api/v1/income_classifier/predict?algorithm_id=2', { method: 'POST', json: tutorialRecord });
    const served = await server.json('/api/v1/mlalgorithms/2', { method: 'DELETE', admin: true });
    expect(served.status).toBe(409);
    expect(served.body.message).toMatch(/has served 1 request.*archive it instead/);
    const production = await server.json('/api/v1/mlalgorithms/1', { method: 'DELETE', admin: true });
    expect(production.status).toBe(409);
    expect(production.body.message).toMatch(/production algorithm/);
    const armed = (await register(server, { version: '5' })).body;
    await server.json('/api/v1/abtests', { method: 'POST', admin: true, json: { title: 't', created_by: 'a', parent_mlalgorithm_1: 1, parent_mlalgorithm_2: armed.id } });
    expect((await server.json(`/api/v1/mlalgorithms/${armed.id}`, { method: 'DELETE', admin: true })).body.message).toMatch(/arm of A\/B test 1/);
    expect((await server.json('/api/v1/mlalgorithms')).body).toHaveLength(3);
    expect((await server.json('/api/v1/mlalgorithms/3', { method: 'DELETE' })).status).toBe(401);
    expect((await server.json('/api/v1/mlalgorithms/99', { method: 'DELETE', admin: true })).status).toBe(404);
  });
});

describe('metadata in bundles', () => {
  it('travels with the endpoints and algorithms it describes, history included', async () => {
    const source = await seeded(false);
    const iris = fixtureSample('iris_lr');
    const added = await register(source, { endpoint: 'iris', name: 'lr', version: '1', status: 'production', metrics: '{"accuracy": 0.97}', feature_names: JSON.stringify(iris.featureNames) }, 'iris_lr');
    await patch(source, `/api/v1/mlalgorithms/${added.body.id}`, { input_example: iris.records[0], notes: 'from the lab', created_by: 'ana' });
    await patch(source, '/api/v1/endpoints/1', { tags: ['flowers'], allow_free_text_feedback: true, created_by: 'ana', reason: 'labels come from field notes' });
    const target = await seeded();
    const imported = await upload(target, await download(source));
    expect(imported.status).toBe(200);
    const endpoint = (await target.json('/api/v1/endpoints')).body.find((e: any) => e.name === 'iris');
    expect(endpoint).toMatchObject({ tags: ['flowers'], allow_free_text_feedback: true });
    const algorithm = (await target.json('/api/v1/mlalgorithms?endpoint=iris')).body[0];
    expect(algorithm).toMatchObject({ metrics: { accuracy: 0.97 }, notes: 'from the lab', input_example: iris.records[0] });
    const rows = await history(target, `endpoint=${endpoint.id}`);
    expect(rows.map((r) => [r.algorithm === null, r.created_by, Object.keys(r.changes).sort().join(',')])).toEqual([
      [false, 'ana', 'input_example,notes'],
      [true, 'ana', 'allow_free_text_feedback,tags']
    ]);
    // a second import changes nothing
    expect((await upload(target, await download(source))).body.applied).toBe(false);
    expect(await history(target, `endpoint=${endpoint.id}`)).toHaveLength(2);
  });
});
