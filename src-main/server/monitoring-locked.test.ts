import Database from 'better-sqlite3';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adultRows } from '../../test/fixtures/index.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

/**
 * Monitoring's writes (the aggregator's commits, feedback outcomes, reference profiles) go through
 * the core's write gate like every write on the serving connection (issue 20): while another
 * connection holds the write lock they wait without blocking the event loop, and a write refused
 * after the wait is tried again later, counting every row once.
 */
describe('monitoring while another connection holds the write lock', { timeout: 60_000 }, () => {
  let server: TestServer;
  let other: Database.Database;
  const records = adultRows(40).map((r) => r.record);
  const predict = (body: unknown, query = '') => server.json(`/api/v1/income_classifier/predict${query}`, { method: 'POST', json: body });
  const totals = async (query = '') => (await server.json(`/api/v1/monitoring/series?endpoint=income_classifier&window=1h${query}`, { admin: true })).body.totals;

  beforeEach(async () => {
    server = await startTestServer({ lockWaitMs: 1500, monitoring: { flushIntervalMs: 600_000 } });
    other = new Database(join(server.dataDir, 'modeldesk.db'));
  });
  afterEach(async () => {
    if (other.inTransaction) other.exec('ROLLBACK');
    other.close();
    await server.stop();
  });

  it('a pass waits for the lock without blocking serving, then commits what it counted', async () => {
    expect((await predict(records.slice(0, 20))).status).toBe(200);
    other.exec('BEGIN IMMEDIATE');
    const order: string[] = [];
    const pass = server.core.monitoring.flush().then(() => order.push('pass'));
    const profile = server.core.monitoring.references.fromRequests(1, { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 1).toISOString() });
    await sleep(300);
    // reads and health answer meanwhile: nothing waits inside SQLite on the serving thread
    expect((await server.json('/healthz')).status).toBe(200);
    expect((await totals()).requests).toBe(0);
    order.push('read');
    other.exec('ROLLBACK');
    await pass;
    expect(order).toEqual(['read', 'pass']);
    expect((await profile).active).toBe(true);
    expect((await totals()).requests).toBe(20);
  });

  it('a pass refused after the wait is tried again, and counts each row once', async () => {
    expect((await predict(records.slice(0, 20))).status).toBe(200);
    other.exec('BEGIN IMMEDIATE');
    await server.core.monitoring.flush(); // refused after 1.5 s: logged, retried at the next pass
    expect((await totals()).requests).toBe(0);
    other.exec('ROLLBACK');
    expect((await predict(records.slice(20, 30))).status).toBe(200);
    await server.core.monitoring.flush();
    await server.core.monitoring.flush();
    expect((await totals()).requests).toBe(30);
  });

  it('feedback given while the lock is held reaches quality once it is released', async () => {
    const answer = (await predict(records[0], '?algorithm_id=2')).body;
    await server.core.monitoring.flush();
    other.exec('BEGIN IMMEDIATE');
    // the feedback itself waits for the lock too: given right after the lock is released
    const given = server.json(`/api/v1/mlrequests/${answer.request_id}`, { method: 'PUT', json: { feedback: answer.label } });
    await sleep(200);
    other.exec('ROLLBACK');
    expect((await given).status).toBe(200);
    await server.core.monitoring.flush();
    expect((await totals('&algorithm=2')).quality).toMatchObject({ feedback: 1, accuracy: { value: 1 } });
  });
});
