import Database from 'better-sqlite3';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adultRows, tutorialRecord } from '../../test/fixtures/index.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

/**
 * Another connection holds the database's write lock (issue 20, item 7). The server used to
 * wait for it inside SQLite (busy_timeout, 5 s), which blocked the event loop: health checks and
 * every other request stalled behind one write. Now a write waits without blocking, for a short
 * bound, then is refused with 503 and Retry-After; reads and health answer meanwhile.
 */
describe('a database locked by another connection', () => {
  let server: TestServer;
  let other: Database.Database;
  beforeEach(async () => {
    server = await startTestServer();
    other = new Database(join(server.dataDir, 'modeldesk.db'));
    expect((await predict(tutorialRecord)).status).toBe(200); // the model is loaded
  });
  afterEach(async () => {
    if (other.inTransaction) other.exec('ROLLBACK');
    other.close();
    await server.stop();
  });

  const predict = (body: unknown) => server.request('/api/v1/income_classifier/predict', { method: 'POST', json: body });

  it('keeps health and reads answering while a write waits, then refuses the write with 503 and Retry-After', async () => {
    other.exec('BEGIN IMMEDIATE');
    const answered: string[] = [];
    const waiting = predict(tutorialRecord).then(async (res) => (answered.push('predict'), { res, body: (await res.json()) as { message: string } }));
    // by now the prediction has run and its log row waits for the lock
    await sleep(300);
    const health = await server.json('/healthz');
    answered.push('healthz');
    const reads = await server.json('/api/v1/mlalgorithms');
    answered.push('read');
    expect(health.status).toBe(200);
    expect(reads.status).toBe(200);

    const { res, body } = await waiting;
    expect(answered).toEqual(['healthz', 'read', 'predict']);
    expect(other.inTransaction).toBe(true);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(body.message).toBe(
      `the database ${join(server.dataDir, 'modeldesk.db')} is locked by another connection: the request log could not be written; retry in 1 s`
    );

    const promoted = await server.request('/api/v1/mlalgorithmstatuses', {
      method: 'POST',
      admin: true,
      json: { status: 'production', created_by: 'ana', parent_mlalgorithm: 2 }
    });
    expect(promoted.status).toBe(503);
    expect(promoted.headers.get('retry-after')).toBe('1');
    // still locked: writes are refused for now, the server is degraded, not failing
    expect((await server.json('/healthz')).body).toMatchObject({ status: 'degraded', problems: [expect.objectContaining({ area: 'database', kind: 'busy' })] });
    expect((await server.json('/v2/health/ready')).status).toBe(200);

    other.exec('ROLLBACK');
    await expect.poll(async () => (await server.json('/healthz')).body.status, { timeout: 5000 }).toBe('ok');
    expect((await predict(tutorialRecord)).status).toBe(200);
    expect((await server.json(`/api/v1/mlalgorithms/2`)).body.current_status).toBe('testing');
  });

  it('a lock released within the wait costs the write nothing but the wait', async () => {
    other.exec('BEGIN IMMEDIATE');
    const pending = Promise.all([
      predict(adultRows(50).map((r) => r.record)),
      server.request('/api/v1/mlalgorithmstatuses', { method: 'POST', admin: true, json: { status: 'production', created_by: 'ana', parent_mlalgorithm: 2 } })
    ]);
    await sleep(200);
    other.exec('ROLLBACK');
    const [predicted, promoted] = await pending;
    expect(predicted.status).toBe(200);
    expect(promoted.status).toBe(201);
  });
});
