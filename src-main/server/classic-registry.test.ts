import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { tutorialRecord } from '../../test/fixtures/index.ts';

describe('classic registry routes: endpoints, algorithms, statuses', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('shows one endpoint and one algorithm by id, 404 for unknown or non-integer ids', async () => {
    expect((await server.json('/api/v1/endpoints/1')).body).toMatchObject({ id: 1, name: 'income_classifier' });
    const { body } = await server.json('/api/v1/mlalgorithms/1');
    expect(body.signature).toMatchObject({ zipmap: true, classes: ['<=50K', '>50K'], task: 'classification' });
    expect(body.signature.inputs).toHaveLength(14);
    expect((await server.json('/api/v1/endpoints/7')).status).toBe(404);
    expect((await server.json('/api/v1/mlalgorithms/abc')).status).toBe(404);
    expect((await server.json('/api/v1/mlalgorithms/')).status).toBe(404);
  });

  it('keeps at most one production per endpoint: promoting B moves A to staging in one step', async () => {
    const { status, body } = await server.json('/api/v1/mlalgorithmstatuses', {
      method: 'POST',
      admin: true,
      json: { status: 'production', created_by: 'ana', parent_mlalgorithm: 2, reason: 'better calibration' }
    });
    expect(status).toBe(201);
    expect(Object.keys(body).slice(0, 6)).toEqual(['id', 'active', 'status', 'created_by', 'created_at', 'parent_mlalgorithm']);
    expect(body).toMatchObject({ active: true, status: 'production', created_by: 'ana', parent_mlalgorithm: 2, reason: 'better calibration' });

    const { body: algorithms } = await server.json('/api/v1/mlalgorithms');
    expect(algorithms.map((a: any) => a.current_status)).toEqual(['staging', 'production']);

    const { body: history } = await server.json('/api/v1/mlalgorithmstatuses?algorithm=1');
    expect(history.map((s: any) => [s.status, s.active])).toEqual([
      ['production', false],
      ['staging', true]
    ]);

    const predicted = await server.json('/api/v1/income_classifier/predict', { method: 'POST', json: tutorialRecord });
    expect(predicted.body).toMatchObject({ algorithm_id: 2, label: '<=50K' });
    const pinned = await server.json('/api/v1/income_classifier/predict?status=staging', { method: 'POST', json: tutorialRecord });
    expect(pinned.body.algorithm_id).toBe(1);
    const byId = await server.json('/api/v1/income_classifier/predict?algorithm_id=1', { method: 'POST', json: tutorialRecord });
    expect(byId.body.algorithm_id).toBe(1);
  });

  it('says "ambiguous" when a status matches several algorithms, and a version disambiguates', async () => {
    const form = new FormData();
    const { fixtureModel } = await import('../../test/fixtures/index.ts');
    form.set('file', new Blob([fixtureModel('income_lr')]), 'lr.onnx');
    for (const [k, v] of Object.entries({ endpoint: 'income_classifier', name: 'logistic regression', version: '0.0.2', status: 'staging' })) {
      form.set(k, v);
    }
    expect((await server.request('/api/v1/mlalgorithms', { method: 'POST', body: form, admin: true })).status).toBe(201);
    const ambiguous = await server.json('/api/v1/income_classifier/predict?status=staging', { method: 'POST', json: tutorialRecord });
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.body.message).toBe('ML algorithm selection is ambiguous. Please specify algorithm version.');
    const chosen = await server.json('/api/v1/income_classifier/predict?status=staging&version=0.0.2', {
      method: 'POST',
      json: tutorialRecord
    });
    expect(chosen.body.version).toBe('0.0.2');
  });

  it('archiving the production algorithm on purpose (stop_serving) leaves the endpoint without one, said clearly', async () => {
    const archived = await server.json('/api/v1/mlalgorithmstatuses', {
      method: 'POST',
      admin: true,
      json: { status: 'archived', created_by: 'ana', parent_mlalgorithm: 2, stop_serving: true, reason: 'retiring the endpoint' }
    });
    expect(archived.status).toBe(201);
    const res = await server.json('/api/v1/income_classifier/predict', { method: 'POST', json: tutorialRecord });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^ML algorithm is not available/);
  });
});

describe('inspecting a model before registering it', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ seed: false });
  });
  afterAll(() => server.stop());

  it('returns the signature read from the file and registers nothing', async () => {
    const { fixtureModel } = await import('../../test/fixtures/index.ts');
    const form = new FormData();
    form.set('file', new Blob([fixtureModel('iris_lr')]), 'iris.onnx');
    const res = await server.request('/api/v1/mlalgorithms/inspect', { method: 'POST', body: form, admin: true });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.signature.inputs).toEqual([expect.objectContaining({ name: 'float_input', type: 'float32', shape: [null, 4] })]);
    expect(body.classes).toEqual([0, 1, 2]);
    expect((await server.json('/api/v1/mlalgorithms')).body).toEqual([]);
  });
});
