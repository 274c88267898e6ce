import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adultRows } from '../../test/fixtures/index.ts';
import { unzip } from '../../test/helpers/bundles.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

/**
 * Issue 19 §1–2 over the admin API: POST /api/v1/registry/export/platforms writes the Triton
 * repository and the manifests under <data>/exports/<name>/, GET …/platforms/{name} streams them
 * as a ZIP (a one-time link), and a parity mismatch is a 409 listing every differing answer.
 */
describe('POST /api/v1/registry/export/platforms', () => {
  let server: TestServer;
  const exportsDir = () => join(server.dataDir, 'exports');
  const exportsNow = () => (existsSync(exportsDir()) ? readdirSync(exportsDir()).filter((n) => !n.startsWith('.')) : []);

  beforeAll(async () => {
    server = await startTestServer();
    const res = await server.json('/api/v1/income_classifier/predict', { method: 'POST', json: adultRows(8).map((r) => r.record) });
    expect(res.status).toBe(200);
  });
  afterAll(() => server?.stop());

  it('writes the export into the data directory and answers with its models, manifests and parity', async () => {
    const { status, body } = await server.json('/api/v1/registry/export/platforms', {
      method: 'POST',
      admin: true,
      json: { storage_uri: 's3://team/models', namespace: 'ml', endpoint: 'income_classifier' }
    });
    expect(status, JSON.stringify(body)).toBe(201);
    expect(body.name).toMatch(/^platforms-\d{8}-\d{6}-[0-9a-f]{6}$/);
    expect(body.out_dir).toBe(join(exportsDir(), body.name));
    expect(body.triton_repository).toBe(join(body.out_dir, 'triton'));
    expect(body.models.map((m: any) => [m.name, m.status, m.max_batch_size, m.labels, m.zipmap_rewritten])).toEqual([
      ['income_classifier__random_forest__0.0.1', 'production', 64, true, true],
      ['income_classifier__logistic_regression__0.0.1', 'testing', 64, true, false]
    ]);
    expect(body.manifests).toEqual(['kubernetes/kserve/income_classifier.yaml', 'kubernetes/seldon/income_classifier.yaml']);
    expect(body.parity).toContainEqual({ model: 'income_classifier__random_forest__0.0.1', algorithm_id: 1, input_example: true, requests: 8, largest_difference: 0 });
    expect(readdirSync(join(body.out_dir, 'triton')).sort()).toEqual(body.models.map((m: any) => m.name).sort());

    // the folder as a ZIP, through the one-time link (no Authorization header), once
    const zipped = await server.request(body.download.url);
    expect(zipped.status).toBe(200);
    expect(zipped.headers.get('content-disposition')).toBe(`attachment; filename="${body.name}.zip"`);
    const names = (await unzip(Buffer.from(await zipped.arrayBuffer()))).map((e) => e.name);
    expect(names).toContain(`${body.name}/triton/income_classifier__random_forest__0.0.1/config.pbtxt`);
    expect(names).toContain(`${body.name}/kubernetes/kserve/income_classifier.yaml`);
    expect(names).toContain(`${body.name}/README.md`);
    // every body is read to its end: an unread streaming answer would hold its connection open
    const statusOf = async (res: Response) => {
      await res.arrayBuffer();
      return res.status;
    };
    expect(await statusOf(await server.request(body.download.url))).toBe(401);
    expect(await statusOf(await server.request(`/api/v1/registry/export/platforms/${body.name}`, { admin: true }))).toBe(200);
    // a fresh link for the same export, later
    const fresh = await server.json(`/api/v1/registry/export/platforms/${body.name}/tickets`, { method: 'POST', admin: true });
    expect(fresh.status).toBe(201);
    expect(await statusOf(await server.request(fresh.body.url))).toBe(200);
  });

  it('is admin only, and bad input is a 4xx naming the field, with nothing written', async () => {
    const before = exportsNow();
    const post = (json: unknown, admin = true) => server.json('/api/v1/registry/export/platforms', { method: 'POST', admin, json });
    expect((await post({}, false)).status).toBe(401);
    expect(await post({ storage_uri: 'bucket/models' })).toMatchObject({ status: 400, body: { field: 'storage_uri' } });
    expect(await post({ endpoint: 'nope' })).toMatchObject({ status: 404, body: { field: 'endpoint', message: 'endpoint "nope" not found' } });
    expect(await post({ parity_requests: 5000 })).toMatchObject({ status: 400, body: { field: 'parity_requests' } });
    expect(await post({ storage: 's3://x' })).toMatchObject({ status: 400, body: { field: 'storage' } });
    expect(await post({ namespace: 'Not A Namespace' })).toMatchObject({ status: 400, body: { field: 'namespace' } });
    expect(exportsNow()).toEqual(before);
    expect((await server.json('/api/v1/registry/export/platforms/platforms-20240101-000000-abcdef', { admin: true })).status).toBe(404);
    expect((await server.json('/api/v1/registry/export/platforms/nope/tickets', { method: 'POST', admin: true })).body).toMatchObject({ field: 'name' });
    expect((await server.json('/api/v1/registry/export/platforms/..%2F..%2Fmodeldesk.db', { admin: true })).status).toBe(404);
  });

  it('a parity mismatch is a 409 listing the differing answers, and nothing is written', async () => {
    const row = server.core.requests.list({ order: 'desc' }, 1, 1).results[0]!;
    const answer = JSON.parse(row.response);
    const forged = { ...answer, probability: answer.probability + 0.25 };
    server.core.sqlite.prepare('update requests set response = ? where id = ?').run(JSON.stringify(forged), row.id);
    const before = exportsNow();
    try {
      const { status, body } = await server.json('/api/v1/registry/export/platforms', { method: 'POST', admin: true, json: {} });
      expect(status).toBe(409);
      expect(body).toMatchObject({ status: 'Error', field: 'parity', message: expect.stringMatching(/^export stopped: the exported models answer 1 field\(s\) differently/) });
      expect(body.mismatches).toEqual([
        {
          model: 'income_classifier__random_forest__0.0.1',
          algorithm_id: row.algorithmId,
          source: 'request',
          request_id: row.id,
          field: 'probability',
          expected: forged.probability,
          actual: answer.probability
        }
      ]);
      expect(exportsNow()).toEqual(before);
    } finally {
      server.core.sqlite.prepare('update requests set response = ? where id = ?').run(row.response, row.id);
    }
  });
});
