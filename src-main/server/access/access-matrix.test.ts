import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys } from '../../../db/schema.ts';
import { accessModeValues, type AccessMode } from '../../contract/access.ts';
import { newSecret } from '../../core/access/key-secret.ts';
import { fixtureModel, tutorialRecord } from '../../../test/fixtures/index.ts';
import { expected, expectedProtection, expectedScope, registeredRoutes, routeKeyOf, uiFolder } from '../../../test/helpers/access-policy.ts';
import { rawRequest } from '../../../test/helpers/raw-request.ts';
import { startTestServer, testToken, type TestServer } from '../../../test/helpers/server.ts';

/**
 * Every route × every kind of credential × every mode, over a real server (issue 17 "Done
 * means"). The expected status comes from the policy as the issue states it
 * (test/helpers/access-policy.ts), not from the server's table. "passes" means the access
 * check let the request through: the route then answers what it answers (200, or 400/404 for
 * the deliberately empty bodies and unknown ids used here, which change nothing).
 */
const credentialKinds = ['none', 'owner', 'admin', 'read', 'predict', 'predict for iris only', 'revoked', 'expired', 'bad checksum', 'never issued', 'wrong token'] as const;
type CredentialKind = (typeof credentialKinds)[number];
type Outcome = 'passes' | 401 | 403;

function expectedOutcome(route: string, mode: AccessMode, kind: CredentialKind): Outcome {
  if (expected.public.includes(route)) return 'passes';
  if (kind === 'none') return expectedProtection(route, mode) === 'none' ? 'passes' : 401;
  if (['revoked', 'expired', 'bad checksum', 'never issued', 'wrong token'].includes(kind)) return 401;
  if (kind === 'owner' || kind === 'admin') return 'passes';
  const scope = expectedScope(route);
  if (kind === 'read') return scope === 'read' ? 'passes' : 403;
  if (scope !== 'predict') return 403;
  // the iris-only key on a route about income_classifier (the id-addressed feedback names no known request here)
  return kind === 'predict for iris only' && /:endpoint_name|:name/.test(route) ? 403 : 'passes';
}

/** a concrete request for a route: known names, unknown ids (so a write finds nothing to change) */
function requestFor(route: string): { method: string; path: string; body?: string } {
  const [method, url] = route.split(' ') as [string, string];
  const path = url
    .replace(':endpoint_name', 'income_classifier')
    .replace(':name', 'income_classifier')
    .replace(':version', '0.0.1')
    .replace(':id', '999999')
    .replace('/*', '/index.html');
  if (method === 'GET' || method === 'DELETE') return { method, path };
  return { method, path, body: JSON.stringify(url.endsWith('/predict') ? tutorialRecord : {}) };
}

const outcomeOf = (status: number): Outcome => (status === 401 || status === 403 ? status : 'passes');

describe.each(accessModeValues)('%s mode: every route, every credential', (mode) => {
  let server: TestServer;
  let dir: string;
  let routes: string[];
  const secrets = new Map<CredentialKind, string | null>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modeldesk-matrix-'));
    server = await startTestServer({ lan: mode === 'lan', strict: mode === 'strict', uiDir: uiFolder(dir) });
    await server.core.registry.register({ file: fixtureModel('iris_lr'), endpoint: 'iris', name: 'lr', version: '1', status: 'production' });
    const create = async (name: string, body: object) => {
      const res = await ask(server, { method: 'POST', path: '/api/v1/keys', body: JSON.stringify({ name, ...body }), authorization: testToken });
      expect(res.status, res.body).toBe(201);
      return JSON.parse(res.body) as { id: number; key: string };
    };
    secrets.set('none', null);
    secrets.set('owner', testToken);
    secrets.set('admin', (await create('admin key', { scope: 'admin' })).key);
    secrets.set('read', (await create('read key', { scope: 'read' })).key);
    secrets.set('predict', (await create('predict key', { scope: 'predict' })).key);
    secrets.set('predict for iris only', (await create('iris key', { scope: 'predict', endpoints: ['iris'] })).key);
    const revoked = await create('revoked key', { scope: 'admin' });
    expect((await ask(server, { method: 'DELETE', path: `/api/v1/keys/${revoked.id}`, authorization: testToken })).status).toBe(200);
    secrets.set('revoked', revoked.key);
    const expired = await create('expired key', { scope: 'admin', expires_at: new Date(Date.now() + 3_600_000).toISOString() });
    // its hour has passed
    server.core.db.update(apiKeys).set({ expiresAt: new Date(Date.now() - 1000).toISOString() }).where(eq(apiKeys.id, expired.id)).run();
    secrets.set('expired', expired.key);
    const admin = secrets.get('admin')!;
    secrets.set('bad checksum', admin.slice(0, -1) + (admin.endsWith('A') ? 'B' : 'A'));
    secrets.set('never issued', newSecret().secret);
    secrets.set('wrong token', 'not-the-admin-token');
    routes = [...new Set((await registeredRoutes()).map(routeKeyOf))].sort();
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers each route as the policy says, for each credential', async () => {
    const mismatches: string[] = [];
    for (const route of routes) {
      const request = requestFor(route);
      await Promise.all(
        credentialKinds.map(async (kind) => {
          const secret = secrets.get(kind) ?? null;
          const res = await ask(server, { ...request, ...(secret === null ? {} : { authorization: secret }) });
          const want = expectedOutcome(route, mode, kind);
          if (outcomeOf(res.status) !== want) mismatches.push(`${route} with ${kind}: ${res.status} (expected ${want}) ${res.body.slice(0, 120)}`);
        })
      );
    }
    expect(mismatches).toEqual([]);
    expect(routes.length).toBeGreaterThan(50);
  });

  it('says what is missing: 401 names the credential, 403 the scope', async () => {
    const none = await ask(server, { method: 'GET', path: '/api/v1/mlrequests' });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect(JSON.parse(none.body).message).toMatch(/Authorization: Bearer/);
    const revoked = await ask(server, { method: 'GET', path: '/api/v1/mlrequests', authorization: secrets.get('revoked')! });
    expect(JSON.parse(revoked.body).message).toBe('this API key has been revoked');
    const expiredKey = await ask(server, { method: 'GET', path: '/api/v1/mlrequests', authorization: secrets.get('expired')! });
    expect(JSON.parse(expiredKey.body).message).toBe('this API key has expired');
    const scope = await ask(server, { method: 'GET', path: '/api/v1/mlrequests', authorization: secrets.get('predict')! });
    expect(JSON.parse(scope.body).message).toBe('API key "predict key" (predict) may not do this: it needs the read scope (or admin)');
    const endpoint = await ask(server, { method: 'POST', path: '/v2/models/income_classifier/infer', body: '{}', authorization: secrets.get('predict for iris only')! });
    // /v2 refuses in its own error shape
    expect(JSON.parse(endpoint.body)).toEqual({ error: 'API key "iris key" (predict) may only call "iris", not "income_classifier"' });
  });
});

/** one request to the server, over HTTPS with its CA when it serves the LAN */
function ask(server: TestServer, r: { method: string; path: string; body?: string; authorization?: string }) {
  const headers: Record<string, string> = {};
  if (r.body !== undefined) headers['content-type'] = 'application/json';
  if (r.authorization !== undefined) headers.authorization = `Bearer ${r.authorization}`;
  return rawRequest({
    port: server.port,
    path: r.path,
    method: r.method,
    headers,
    ...(r.body === undefined ? {} : { body: r.body }),
    ...(server.tls?.ca ? { ca: server.tls.ca.pem } : {})
  });
}
