import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tutorialRecord } from '../../test/fixtures/index.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { RouteTable } from './http-conventions.ts';

describe('RouteTable', () => {
  it('answers the methods of a path, with HEAD for GET and OPTIONS, and ignores catch-alls', () => {
    const table = new RouteTable();
    table.add('/api/v1/mlrequests/:id', ['GET']);
    table.add('/api/v1/mlrequests/:id', 'PUT');
    table.add('/*', ['GET', 'HEAD']);
    expect(table.allowed('/api/v1/mlrequests/7')).toEqual(['GET', 'HEAD', 'OPTIONS', 'PUT']);
    expect(table.allowed('/api/v1/mlrequests/')).toEqual([]);
    expect(table.allowed('/anything')).toEqual([]);
  });
});

/** Issue 14, "HTTP": what every client may rely on, on every route. */
describe('HTTP conventions', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('sends JSON as application/json, without a charset, on answers and errors alike', async () => {
    for (const [path, init] of [
      ['/api/v1/endpoints', {}],
      ['/api/v1/income_classifier/predict', { method: 'POST', json: tutorialRecord }],
      ['/api/v1/income_classifier/predict', { method: 'POST', json: {} }],
      ['/api/v1/nope', {}],
      ['/v2/models/income_classifier', {}]
    ] as const) {
      const res = await server.request(path, init);
      expect(res.headers.get('content-type'), path).toBe('application/json');
    }
  });

  it('answers 405 with Allow for a known path and another method, and OPTIONS with Allow', async () => {
    const wrong = await server.request('/api/v1/endpoints', { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    expect((await wrong.json()) as object).toEqual({ status: 'Error', message: 'DELETE is not allowed on /api/v1/endpoints; allowed: GET, HEAD, OPTIONS' });
    const get = await server.request('/api/v1/income_classifier/predict');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('OPTIONS, POST');
    const options = await server.request('/api/v1/mlrequests/3', { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('GET, HEAD, OPTIONS, PATCH, PUT');
    expect((await server.request('/api/v1/nothing-here', { method: 'DELETE' })).status).toBe(404);
  });

  it('says "no route" for an empty id segment', async () => {
    const res = await server.request('/api/v1/endpoints/');
    expect(res.status).toBe(404);
    expect((await res.json()) as object).toEqual({ status: 'Error', message: 'no route GET /api/v1/endpoints/' });
  });

  it('names the refused media type in a 415', async () => {
    const res = await server.request('/api/v1/income_classifier/predict', { method: 'POST', body: 'age=37', headers: { 'content-type': 'text/csv' } });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { message: string }).message).toBe(
      'unsupported media type: Content-Type "text/csv" is not accepted here; send application/json, application/x-www-form-urlencoded'
    );
  });

  it('tells a wrong bearer token from a missing one (RFC 6750)', async () => {
    const missing = await server.request('/api/v1/mlrequests');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await server.request('/api/v1/mlrequests', { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(((await wrong.json()) as { message: string }).message).toMatch(/^wrong admin token or API key/);
  });

  it('echoes X-Request-Id or makes one, and the request log finds the rows by it', async () => {
    const mine = await server.request('/api/v1/income_classifier/predict', { method: 'POST', json: [tutorialRecord, tutorialRecord], headers: { 'x-request-id': 'order-42' } });
    expect(mine.headers.get('x-request-id')).toBe('order-42');
    const made = await server.request('/api/v1/income_classifier/predict', { method: 'POST', json: tutorialRecord });
    const generated = made.headers.get('x-request-id')!;
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    const found = await server.json('/api/v1/mlrequests?client_request_id=order-42', { admin: true });
    expect(found.body.count).toBe(2);
    expect(found.body.results[0].client_request_id).toBe('order-42');
    const byGenerated = await server.json(`/api/v1/mlrequests?client_request_id=${generated}`, { admin: true });
    expect(byGenerated.body.results.map((r: { id: number }) => r.id)).toEqual([((await made.json()) as { request_id: number }).request_id]);
    const tooLong = await server.request('/api/v1/endpoints', { headers: { 'x-request-id': 'x'.repeat(201) } });
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as { field: string }).field).toBe('X-Request-Id');
    expect((await server.request('/healthz')).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
