import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testToken, type TestServer } from '../../test/helpers/server.ts';
import { tutorialRecord } from '../../test/fixtures/index.ts';

/** Raw request with a chosen Host header (fetch does not let us forge it). */
function rawRequest(port: number, path: string, headers: Record<string, string>, method = 'GET', body?: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let data = '';
      res.on('data', (c) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('security basics (DESIGN §4.4)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('binds loopback only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const res = await rawRequest(server.port, '/api/v1/endpoints', { host: 'evil.example:80' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).message).toMatch(/host/);
    const ok = await rawRequest(server.port, '/api/v1/endpoints', { host: `localhost:${server.port}` });
    expect(ok.status).toBe(200);
  });

  it('refuses cross-origin writes, even form-encoded, and accepts same-origin ones', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const foreign = await server.request('/api/v1/mlrequests/1', {
      method: 'PUT',
      headers: { ...form, origin: 'http://evil.example' },
      body: 'feedback=x'
    });
    expect(foreign.status).toBe(403);
    const predicted = await server.json('/api/v1/income_classifier/predict', {
      method: 'POST',
      json: tutorialRecord,
      headers: { origin: server.url }
    });
    expect(predicted.status).toBe(200);
  });

  it('requires the admin token on admin routes, and not on predict or feedback', async () => {
    expect((await server.request('/api/v1/mlrequests')).status).toBe(401);
    expect((await server.request('/api/v1/mlrequests', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await server.request('/api/v1/mlrequests', { headers: { authorization: `Bearer ${testToken}` } })).status).toBe(200);
    const status = await server.json('/api/v1/mlalgorithmstatuses', {
      method: 'POST',
      json: { status: 'archived', created_by: 'x', parent_mlalgorithm: 2 }
    });
    expect(status.status).toBe(401);
    expect((await server.request('/api/v1/mlalgorithms', { method: 'POST', body: new FormData() })).status).toBe(401);
  });

  it('serves OpenAPI, Swagger UI and a health check', async () => {
    const { status, body } = await server.json('/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toMatch(/^3\./);
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/{endpoint_name}/predict', '/api/v1/mlalgorithms', '/api/v1/mlrequests/{id}'])
    );
    expect((await server.request('/docs/')).status).toBe(200);
    expect((await server.json('/healthz')).body).toMatchObject({ status: 'ok', endpoints: 1, algorithms: 2 });
  });
});
