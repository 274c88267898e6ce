import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abTestArms, abTests, requests } from '../../db/schema.ts';
import { fixtureSample, tutorialRecord, type FixtureName } from '../../test/fixtures/index.ts';
import { abTestListing, download, filesOf, openBundle, registryListing, requestListing, requestOrigins, upload } from '../../test/helpers/bundles.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { applyStatusChange } from '../core/registry/status-transitions.ts';

/**
 * Issue #5: export a registry from one ModelDesk and import it into another with its own data
 * directory; the same records must predict the same answers, and a second import changes nothing.
 */
describe('registry bundle round trip between two servers', () => {
  let a: TestServer;
  let b: TestServer;
  let bundle: Buffer;
  const fixtureOf: Record<string, FixtureName> = { income_classifier: 'income_rf', iris: 'iris_lr', diabetes: 'diabetes_gbr' };

  beforeAll(async () => {
    a = await startTestServer(); // seeded: income_classifier with random forest (production) and logistic regression
    b = await startTestServer({ seed: false });
    const iris = { feature_names: JSON.stringify(fixtureSample('iris_lr').featureNames), owner: 'ana' };
    const reg = async (fixture: FixtureName, fields: Record<string, string>) => {
      const res = await a.register(fixture, fields);
      expect(res.status).toBe(201);
      return res.body;
    };
    const iris1 = await reg('iris_lr', { endpoint: 'iris', name: 'iris lr', version: '1.0.0', status: 'production', ...iris });
    // same model file under a second version: one artifact in the bundle, two algorithms
    const iris2 = await reg('iris_lr', { endpoint: 'iris', name: 'iris lr', version: '1.1.0', status: 'testing', ...iris });
    await reg('diabetes_gbr', {
      endpoint: 'diabetes',
      name: 'gbr',
      version: '2024.1',
      status: 'production',
      feature_names: JSON.stringify(fixtureSample('diabetes_gbr').featureNames)
    });
    const [rf, lr] = (await a.json('/api/v1/mlalgorithms?endpoint=income_classifier')).body;
    const setStatus = (id: number, status: string, reason: string) =>
      a.json('/api/v1/mlalgorithmstatuses', { method: 'POST', admin: true, json: { status, created_by: 'ana', parent_mlalgorithm: id, reason } });
    expect((await setStatus(lr.id, 'production', 'won the A/B test')).status).toBe(201);

    // requests with feedback, on every endpoint
    for (let i = 0; i < 3; i++) {
      const { body } = await a.json('/api/v1/income_classifier/predict', { method: 'POST', json: tutorialRecord });
      await a.json(`/api/v1/mlrequests/${body.request_id}`, { method: 'PUT', json: { feedback: '>50K' } });
    }
    await a.json('/api/v1/iris/predict', { method: 'POST', json: fixtureSample('iris_lr').records.slice(0, 5) });

    // A/B history, written straight into the tables (as the experiments engine does)
    const db = a.core.db;
    const endpointId = rf.parent_endpoint;
    const stopped = db.insert(abTests).values({
      title: 'forest vs regression', endpointId, mode: 'split', metric: 'accuracy', createdBy: 'ana',
      createdAt: '2024-03-01T10:00:00.000Z', endedAt: '2024-03-08T10:00:00.000Z', state: 'stopped',
      summary: 'Algorithm #2 accuracy: 0.86', result: JSON.stringify({ winner: lr.id, verdict: 'B is better', p_value: 0.01 })
    }).returning().get();
    db.insert(abTestArms).values([
      { abTestId: stopped.id, position: 0, algorithmId: rf.id, weight: 1 },
      { abTestId: stopped.id, position: 1, algorithmId: lr.id, weight: 3 }
    ]).run();
    const running = db.insert(abTests).values({
      title: 'iris 1.1', endpointId: iris1.parent_endpoint, mode: 'shadow', metric: 'accuracy', createdBy: 'ana',
      createdAt: '2024-04-01T10:00:00.000Z', state: 'running'
    }).returning().get();
    db.insert(abTestArms).values([
      { abTestId: running.id, position: 0, algorithmId: iris1.id, weight: 1 },
      { abTestId: running.id, position: 1, algorithmId: iris2.id, weight: 1 }
    ]).run();
    // only the A/B engine sets ab_testing (issue 20, item 4), as it would for this test
    applyStatusChange(db, { algorithmId: iris2.id, endpointId: iris1.parent_endpoint, status: 'ab_testing', createdBy: 'ana', reason: 'testing against 1.0.0', by: 'experiment' });
    db.insert(requests).values({
      endpointId, algorithmId: lr.id, abTestId: stopped.id, shadow: false, input: '{"age":40}', response: '{"label":">50K"}',
      label: '>50K', status: 'OK', latencyUs: 1200, clientKey: 'user-7', feedback: '>50K', feedbackAt: '2024-03-02T00:00:00.000Z',
      createdAt: '2024-03-02T00:00:00.000Z'
    }).run();

    bundle = await download(a, '?include_requests=true');
  });

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  });

  it('downloads a .modeldesk attachment holding the manifest, the request log and each model file once', async () => {
    const res = await a.request('/api/v1/registry/export', { admin: true });
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="registry-\d{4}-\d{2}-\d{2}\.modeldesk"$/);
    await res.arrayBuffer();
    const { manifest, entries } = await openBundle(bundle);
    // the download's progress estimate: the model bytes it carries
    const modelBytes = [...new Map(manifest.algorithms.map((x: any) => [x.artifact_sha256, x.artifact_bytes])).values()] as number[];
    expect(Number(res.headers.get('x-modeldesk-artifact-bytes'))).toBe(modelBytes.reduce((sum, n) => sum + n, 0));
    expect(manifest).toMatchObject({ format_version: 2, app_version: expect.any(String), registry_id: a.core.bundles.registryId });
    expect(manifest.endpoints.map((e: any) => e.name).sort()).toEqual(['diabetes', 'income_classifier', 'iris']);
    expect(manifest.algorithms).toHaveLength(5);
    expect(entries.filter((e) => e.name.startsWith('artifacts/'))).toHaveLength(4);
    expect(manifest.requests.count).toBe(9);
    expect(JSON.stringify(manifest)).not.toMatch(/"(id|endpoint_id|algorithm_id)"/);
  });

  it('deflates model files that shrink (tree ensembles) unless told otherwise', async () => {
    const forest = (await a.json('/api/v1/mlalgorithms?endpoint=income_classifier')).body.find((x: any) => x.name === 'random forest');
    const entryOf = async (query: string) =>
      (await openBundle(await download(a, query))).entries.find((e) => e.name === `artifacts/${forest.artifact_sha256}.onnx`)!;
    expect((await entryOf('')).compressedSize).toBeLessThan(forest.artifact_bytes / 5);
    expect((await entryOf('?compress=false')).compressedSize).toBe(forest.artifact_bytes);
  });

  it('is admin only', async () => {
    expect((await a.request('/api/v1/registry/export')).status).toBe(401);
    expect((await b.request('/api/v1/registry/import', { method: 'POST', body: bundle, headers: { 'content-type': 'application/zip' } })).status).toBe(401);
  });

  it('exports chosen endpoints only, and names an unknown one', async () => {
    const { manifest } = await openBundle(await download(a, '?endpoint=iris&endpoint=diabetes'));
    expect(manifest.endpoints.map((e: any) => e.name).sort()).toEqual(['diabetes', 'iris']);
    expect(manifest.algorithms.every((x: any) => x.endpoint !== 'income_classifier')).toBe(true);
    expect(manifest.requests).toBeNull();
    const res = await a.json('/api/v1/registry/export?endpoint=nope', { admin: true });
    expect(res.status).toBe(404);
    expect(res.body.message).toMatch(/"nope" not found/);
  });

  it('a dry run shows the plan and changes nothing', async () => {
    const before = await registryListing(b);
    const { status, body } = await upload(b, bundle, '?dry_run=true');
    expect(status).toBe(200);
    expect(body).toMatchObject({ dry_run: true, applied: false, registry_id: a.core.bundles.registryId });
    expect(body.counts).toEqual({
      endpoints: { added: 3, identical: 0, skipped: 0, renamed: 0 },
      algorithms: { added: 5, identical: 0, skipped: 0, renamed: 0 },
      statuses: { added: 8, identical: 0, skipped: 0, renamed: 0 },
      ab_tests: { added: 2, identical: 0, skipped: 0, renamed: 0 },
      requests: { added: 9, identical: 0, skipped: 0, renamed: 0 },
      reference_profiles: { added: 0, identical: 0, skipped: 0, renamed: 0 }
    });
    expect(body.endpoints.added.map((e: any) => e.name).sort()).toEqual(['diabetes', 'income_classifier', 'iris']);
    expect(body.requests.added).toContainEqual(
      expect.objectContaining({ endpoint: 'iris', name: 'iris lr', version: '1.0.0', rows: 5, reason: 'they come with their new algorithm' })
    );
    expect(body.artifacts).toMatchObject({ new: 4 });
    expect(await registryListing(b)).toEqual(before);
    expect(filesOf(b).artifacts).toEqual([]);
  });

  it('imports (multipart upload) into an identical registry: listings, status history, A/B tests and requests', async () => {
    const form = new FormData();
    form.set('file', new Blob([bundle]), 'registry.modeldesk');
    const res = await b.request('/api/v1/registry/import', { method: 'POST', admin: true, body: form });
    const body = await res.json();
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ applied: true, counts: { requests: { added: 9 } } });
    const [left, right] = [await registryListing(a), await registryListing(b)];
    expect(right.endpoints).toEqual(left.endpoints);
    expect(right.algorithms).toEqual(left.algorithms);
    expect(right.history).toEqual(left.history);
    expect(right.abTests).toEqual(left.abTests);
    expect(requestListing(b)).toEqual(requestListing(a));
    // each imported row remembers where it was first logged
    expect(requestOrigins(b)).toEqual(requestOrigins(a));
    expect(filesOf(b).artifacts).toEqual(filesOf(a).artifacts.filter((f) => f.endsWith('.onnx')));
  });

  it('predicts the same answers for every fixture record with every imported algorithm', async () => {
    const idsOf = async (server: TestServer) =>
      new Map<string, number>((await server.json('/api/v1/mlalgorithms')).body.map((x: any) => [`${x.endpoint}/${x.name}/${x.version}`, x.id]));
    const [idsA, idsB] = [await idsOf(a), await idsOf(b)];
    const comparable = (p: any) => {
      const { request_id: _r, algorithm_id: _a, ...rest } = p;
      return rest;
    };
    for (const [key, idA] of idsA) {
      const endpoint = key.split('/')[0]!;
      const records = fixtureSample(fixtureOf[endpoint]!).records;
      const predict = (server: TestServer, id: number) =>
        server.json(`/api/v1/${endpoint}/predict?algorithm_id=${id}`, { method: 'POST', json: records });
      const [left, right] = [await predict(a, idA), await predict(b, idsB.get(key)!)];
      expect(left.status, key).toBe(200);
      expect(right.status, key).toBe(200);
      expect(right.body.predictions.map(comparable), key).toEqual(left.body.predictions.map(comparable));
    }
  });

  it('importing the same bundle again changes nothing', async () => {
    const before = { listing: await registryListing(b), requests: requestListing(b), files: filesOf(b) };
    const { status, body } = await upload(b, bundle);
    expect(status).toBe(200);
    expect(body).toMatchObject({ applied: false, artifacts: { new: 0, bytes: 0 } });
    expect(body.counts).toEqual({
      endpoints: { added: 0, identical: 3, skipped: 0, renamed: 0 },
      algorithms: { added: 0, identical: 5, skipped: 0, renamed: 0 },
      statuses: { added: 0, identical: 8, skipped: 0, renamed: 0 },
      ab_tests: { added: 0, identical: 2, skipped: 0, renamed: 0 },
      requests: { added: 0, identical: 9, skipped: 0, renamed: 0 },
      reference_profiles: { added: 0, identical: 0, skipped: 0, renamed: 0 }
    });
    expect({ listing: await registryListing(b), requests: requestListing(b), files: filesOf(b) }).toEqual(before);
    expect(abTestListing(b)).toEqual(abTestListing(a));
  });
});
