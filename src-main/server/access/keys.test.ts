import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keySecretPattern } from '../../contract/access.ts';
import { isWellFormedSecret } from '../../core/access/key-secret.ts';
import { fixtureModel, tutorialRecord } from '../../../test/fixtures/index.ts';
import { rawRequest } from '../../../test/helpers/raw-request.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';

/** API keys over HTTP (issue 17 §2): created once-shown, hashed, scoped, revoked, limited, attributed. */
describe('API keys', () => {
  let server: TestServer;
  const created: { id: number; key: string; name: string }[] = [];

  const createKey = async (body: object) => {
    const res = await server.json('/api/v1/keys', { method: 'POST', admin: true, json: body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    created.push(res.body);
    return res.body as { id: number; key: string; name: string; prefix: string; scope: string };
  };
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
  const predict = (endpoint: string, record: unknown, key?: string) =>
    server.json(`/api/v1/${endpoint}/predict`, { method: 'POST', json: record, ...(key ? { headers: bearer(key) } : {}) });

  beforeAll(async () => {
    server = await startTestServer();
    await server.core.registry.register({ file: fixtureModel('iris_lr'), endpoint: 'iris', name: 'lr', version: '1', status: 'production' });
  });
  afterAll(() => server.stop());

  it('shows a new key\'s secret once, in the mdk_ format, and stores only its SHA-256', async () => {
    const res = await server.request('/api/v1/keys', { method: 'POST', admin: true, json: { name: 'dashboard', scope: 'read' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { id: number; key: string; prefix: string; created_by: string; state: string };
    expect(body.key).toMatch(new RegExp(keySecretPattern));
    expect(isWellFormedSecret(body.key)).toBe(true);
    expect(body.key.startsWith(body.prefix)).toBe(true);
    expect(body).toMatchObject({ created_by: 'owner', state: 'active' });

    const listed = await server.json('/api/v1/keys', { admin: true });
    expect(listed.body.find((k: { id: number }) => k.id === body.id)).not.toHaveProperty('key');
    expect(JSON.stringify(listed.body)).not.toContain(body.key);

    const row = server.core.sqlite.prepare('select secret_hash from api_keys where id = ?').get(body.id) as { secret_hash: string };
    expect(row.secret_hash).toBe(createHash('sha256').update(body.key).digest('hex'));
    // the secret is nowhere in the data directory: not the database, its WAL, the audit log
    server.core.sqlite.pragma('wal_checkpoint(PASSIVE)');
    for (const file of readdirSync(server.dataDir).filter((f) => f.startsWith('modeldesk.db'))) {
      expect(readFileSync(join(server.dataDir, file)).includes(body.key), file).toBe(false);
    }
  });

  it('refuses a bad key request with the field named, and creates nothing', async () => {
    const before = (await server.json('/api/v1/keys', { admin: true })).body.length;
    const cases: [object, number, string][] = [
      [{ scope: 'read' }, 400, 'name'],
      [{ name: '  ', scope: 'read' }, 400, 'name'],
      [{ name: 'owner', scope: 'read' }, 400, 'name'],
      [{ name: 'x', scope: 'root' }, 400, 'scope'],
      [{ name: 'x', scope: 'read', endpoints: ['iris'] }, 400, 'endpoints'],
      [{ name: 'x', scope: 'predict', endpoints: ['no_such_endpoint'] }, 400, 'endpoints'],
      [{ name: 'x', scope: 'predict', expires_at: '2001-01-01T00:00:00Z' }, 400, 'expires_at'],
      [{ name: 'x', scope: 'predict', rate_limit: 0 }, 400, 'rate_limit'],
      [{ name: 'x', scope: 'predict', secret: 'mine' }, 400, 'secret']
    ];
    for (const [json, status, field] of cases) {
      const res = await server.json('/api/v1/keys', { method: 'POST', admin: true, json });
      expect([res.status, res.body.field], JSON.stringify(json)).toEqual([status, field]);
    }
    await createKey({ name: 'twice', scope: 'read' });
    const again = await server.json('/api/v1/keys', { method: 'POST', admin: true, json: { name: 'twice', scope: 'predict' } });
    expect([again.status, again.body.field]).toEqual([409, 'name']);
    expect((await server.json('/api/v1/keys', { admin: true })).body.length).toBe(before + 1);
  });

  it('refuses a revoked key on the next request of an open keep-alive connection', async () => {
    const { id, key } = await createKey({ name: 'revoked on a live connection', scope: 'read' });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const ask = () => rawRequest({ port: server.port, path: '/api/v1/mlrequests?page_size=1', headers: bearer(key), agent });
      expect((await ask()).status).toBe(200);
      expect((await server.json(`/api/v1/keys/${id}`, { method: 'DELETE', admin: true })).body).toMatchObject({ state: 'revoked' });
      const after = await ask();
      expect(after.reusedSocket).toBe(true);
      expect(after.status).toBe(401);
      expect(JSON.parse(after.body).message).toBe('this API key has been revoked');
    } finally {
      agent.destroy();
    }
    // revoking again changes nothing
    const twice = await server.json(`/api/v1/keys/${id}`, { method: 'DELETE', admin: true });
    expect(twice.status).toBe(200);
    expect((await server.json('/api/v1/keys/999999', { method: 'DELETE', admin: true })).status).toBe(404);
  });

  it('answers 429 with Retry-After above a key\'s rate limit, for that key only', async () => {
    const slow = await createKey({ name: 'slow', scope: 'predict', rate_limit: 0.01 });
    const other = await createKey({ name: 'other', scope: 'predict' });
    expect((await predict('income_classifier', tutorialRecord, slow.key)).status).toBe(200);
    const authRefusals = async () => ((await server.json('/api/v1/refusals?endpoint=income_classifier', { admin: true })).body.by_reason.auth ?? 0) as number;
    const refusedBefore = await authRefusals();
    const limited = await server.request('/api/v1/income_classifier/predict', { method: 'POST', json: tutorialRecord, headers: bearer(slow.key) });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await limited.json()) as { message: string }).message).toMatch(/limited to 0.01 requests per second/);
    // a refused prediction like any other: counted, by reason auth (issue 12 §6)
    expect(await authRefusals()).toBe(refusedBefore + 1);
    expect((await predict('income_classifier', tutorialRecord, other.key)).status).toBe(200);
  });

  it('records which key made each prediction: the request log filters by it, /metrics counts by name', async () => {
    const a = await createKey({ name: 'app-a', scope: 'predict' });
    const b = await createKey({ name: 'app-b', scope: 'predict' });
    for (const key of [a.key, a.key, b.key, undefined]) expect((await predict('income_classifier', tutorialRecord, key)).status).toBe(200);
    const v2 = await server.json('/v2/models/iris/infer', {
      method: 'POST',
      headers: bearer(a.key),
      json: { inputs: [{ name: 'float_input', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }] }
    });
    expect(v2.status).toBe(200);

    const ofA = await server.json(`/api/v1/mlrequests?api_key=${a.id}`, { admin: true });
    expect(ofA.body.count).toBe(3);
    expect(ofA.body.results.every((r: { api_key: number }) => r.api_key === a.id)).toBe(true);
    const last = await server.json('/api/v1/mlrequests?order=desc&page_size=2', { admin: true });
    expect(last.body.results.map((r: { api_key: number | null }) => r.api_key)).toEqual([a.id, null]);
    // the request log holds no credential
    expect(JSON.stringify((await server.json('/api/v1/mlrequests?page_size=1000', { admin: true })).body)).not.toContain('mdk_');

    const metrics = await (await server.request('/metrics')).text();
    expect(metrics).toMatch(/^modeldesk_api_key_requests_total\{key="app-a"\} 3$/m);
    expect(metrics).toMatch(/^modeldesk_api_key_requests_total\{key="app-b"\} 1$/m);

    const listed = (await server.json('/api/v1/keys', { admin: true })).body.find((k: { id: number }) => k.id === a.id);
    expect(listed.last_used_at).not.toBeNull();
    expect(listed.last_used_address).toMatch(/127\.0\.0\.1$/);
  });

  it('holds a predict key to its endpoints, feedback included', async () => {
    const iris = await createKey({ name: 'iris only', scope: 'predict', endpoints: ['iris'] });
    const mine = await predict('iris', [[5.1, 3.5, 1.4, 0.2]], iris.key);
    expect(mine.status).toBe(200);
    const theirs = await predict('income_classifier', tutorialRecord);
    const feedback = (id: number) =>
      server.json(`/api/v1/mlrequests/${id}`, { method: 'PUT', headers: bearer(iris.key), json: { feedback: '0' } });
    expect((await feedback(mine.body.predictions[0].request_id)).status).toBe(200);
    const refused = await feedback(theirs.body.request_id);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe('API key "iris only" (predict) may only call "iris", not "income_classifier"');
    expect((await predict('income_classifier', tutorialRecord, iris.key)).status).toBe(403);
  });

  it('strict mode, switched on from the API, closes the open list at once (health stays open)', async () => {
    const strict = await server.json('/api/v1/access', { method: 'PATCH', admin: true, json: { strict: true } });
    expect(strict.body).toMatchObject({ mode: 'strict', strict: { active: true, saved: true } });
    try {
      expect((await predict('income_classifier', tutorialRecord)).status).toBe(401);
      expect((await server.request('/api/v1/endpoints')).status).toBe(401);
      expect((await server.request('/metrics')).status).toBe(401);
      expect((await server.request('/healthz')).status).toBe(200);
      const key = await createKey({ name: 'strict client', scope: 'predict' });
      expect((await predict('income_classifier', tutorialRecord, key.key)).status).toBe(200);
    } finally {
      await server.json('/api/v1/access', { method: 'PATCH', admin: true, json: { strict: false } });
    }
    expect((await predict('income_classifier', tutorialRecord)).status).toBe(200);
    expect(JSON.parse(readFileSync(join(server.dataDir, 'access.json'), 'utf8'))).toEqual({ lan: false, strict: false });
  });
});
