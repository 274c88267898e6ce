import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { adultRows } from '../../../test/fixtures/index.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { enableIncrementalVacuum, usedBytes } from './vacuum.ts';

const predictPath = '/api/v1/income_classifier/predict';
const rows = adultRows(1000);
const records = rows.map((r) => r.record);

async function seeded(): Promise<TestServer> {
  const server = await startTestServer();
  onTestFinished(() => server.stop());
  return server;
}

const rowCount = (server: TestServer) => server.core.sqlite.prepare('select count(*) from requests').pluck().get() as number;
const ids = (server: TestServer) => server.core.sqlite.prepare('select id from requests order by id').pluck().all() as number[];
/** every row (or those up to `upTo`) as if logged `days` days earlier */
const age = (server: TestServer, days: number, upTo = Number.MAX_SAFE_INTEGER) =>
  server.core.sqlite
    .prepare(`update requests set created_at = strftime('%Y-%m-%dT%H:%M:%fZ', created_at, ?) where id <= ?`)
    .run(`-${days} days`, upTo);
const patchServing = (server: TestServer, json: unknown) => server.json('/api/v1/serving', { method: 'PATCH', admin: true, json });
/**
 * The database file's size once the WAL is moved into it. The server's checkpointer thread runs
 * its own PASSIVE checkpoints; with busy_timeout 0 a TRUNCATE that meets one answers busy and does
 * nothing, so it is tried until it completes.
 */
const fileBytes = async (server: TestServer) => {
  await vi.waitFor(
    () => {
      const [result] = server.core.sqlite.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      expect(result!.busy).toBe(0);
    },
    { timeout: 10_000, interval: 20 }
  );
  return statSync(join(server.dataDir, 'modeldesk.db')).size;
};

/** records with a long note the model does not read: rows of about a kilobyte, so a few calls make megabytes */
const bulky = records.map((r) => ({ ...r, note: 'a note the model ignores, '.repeat(30) }));

async function predictMany(server: TestServer, calls: number): Promise<void> {
  for (let i = 0; i < calls; i++) {
    const res = await server.json(`${predictPath}?status=production`, { method: 'POST', json: bulky });
    expect(res.status).toBe(200);
  }
}

async function predictAndFeedback(server: TestServer, from: number, n: number, feedbackEvery: number): Promise<number[]> {
  const answered: number[] = [];
  for (let i = from; i < from + n; i++) {
    const { status, body } = await server.json(predictPath, { method: 'POST', json: records[i], headers: { 'x-client-key': `c${i}` } });
    expect(status).toBe(200);
    answered.push(body.request_id);
    if ((i - from) % feedbackEvery === 0) {
      const put = await server.json(`/api/v1/mlrequests/${body.request_id}`, { method: 'PUT', json: { feedback: rows[i]!.income } });
      expect(put.status).toBe(200);
    }
  }
  return answered;
}

/** an A/B test's live or stored results without the time they were computed */
async function results(server: TestServer, id: number) {
  const { body } = await server.json(`/api/v1/abtests/${id}`);
  const { computed_at: _at, ...rest } = body.results;
  return rest;
}

describe('request-log retention', () => {
  it('deletes rows older than log_retention_days, keeps the feedback of a running A/B test with its shadow rows and the newest row, and leaves A/B results as they were', async () => {
    const server = await seeded();
    // a finished test: its results are stored with it
    const split = await server.json('/api/v1/abtests', { method: 'POST', admin: true, json: { title: 'split', created_by: 't', parent_mlalgorithm_1: 1, parent_mlalgorithm_2: 2 } });
    await predictAndFeedback(server, 0, 30, 1);
    const stopped = await server.json(`/api/v1/stop_ab_test/${split.body.id}`, { method: 'POST', admin: true, json: { force_winner: 1, reason: 'keep' } });
    expect(stopped.status).toBe(200);
    // a running shadow test: feedback on every third answered request, its shadow row shares it
    const shadow = await server.json('/api/v1/abtests', { method: 'POST', admin: true, json: { title: 'shadow', created_by: 't', mode: 'shadow', arms: [{ algorithm_id: 1 }, { algorithm_id: 2 }] } });
    expect(shadow.status).toBe(201);
    const answered = await predictAndFeedback(server, 30, 30, 3);
    await vi.waitFor(() => expect(rowCount(server)).toBe(30 + 60), { timeout: 10_000, interval: 20 });
    const withFeedback = answered.filter((_, i) => i % 3 === 0);

    const stoppedBefore = await results(server, split.body.id);
    const runningBefore = await results(server, shadow.body.id);
    age(server, 100);
    const newest = Math.max(...ids(server));

    const saved = await patchServing(server, { log_retention_days: 30 });
    expect(saved.status).toBe(200);
    expect(saved.body.log_retention_days).toBe(30);
    const report = await server.core.retention.pruneNow();

    const shadowsOfFeedback = server.core.sqlite
      .prepare(`select id from requests where shadow = 1 and primary_request_id in (${withFeedback.join(',')}) order by id`)
      .pluck()
      .all() as number[];
    expect(shadowsOfFeedback).toHaveLength(withFeedback.length);
    // the rows that carry the running test's feedback and their shadows, and the newest row (never deleted: ids would be reused)
    expect(ids(server)).toEqual([...new Set([...withFeedback, ...shadowsOfFeedback, newest])].sort((a, b) => a - b));
    expect(report).toMatchObject({ deletedRows: 90 - ids(server).length, keptForAbTests: 2 * withFeedback.length, error: null });

    expect(await results(server, split.body.id)).toEqual(stoppedBefore);
    const runningAfter = await results(server, shadow.body.id);
    expect(runningAfter.arms.map((a: any) => [a.algorithm_id, a.feedback, a.metric, a.ci_low, a.ci_high])).toEqual(
      runningBefore.arms.map((a: any) => [a.algorithm_id, a.feedback, a.metric, a.ci_low, a.ci_high])
    );
    expect(runningAfter.verdict).toEqual(runningBefore.verdict);

    // rows within the limit stay, and later requests are logged with new, larger ids
    await predictAndFeedback(server, 60, 3, 10);
    await vi.waitFor(() => expect(ids(server).filter((id) => id > newest)).toHaveLength(6), { timeout: 10_000, interval: 20 });
    await server.core.retention.pruneNow();
    expect(ids(server).filter((id) => id > newest)).toHaveLength(6);
  });

  it('gives the pages of pruned rows back to the disk: the database file shrinks', async () => {
    const server = await seeded();
    await predictMany(server, 4);
    const before = await fileBytes(server);
    age(server, 40, Math.max(...ids(server)) - 500);
    await patchServing(server, { log_retention_days: 7 });
    await server.core.retention.pruneNow();
    expect(rowCount(server)).toBe(500);
    const after = await fileBytes(server);
    expect(after).toBeLessThan(before * 0.3);
    const storage = (await server.json('/api/v1/request-log/storage', { admin: true })).body;
    expect(storage).toMatchObject({ rows: 500, shrinks: true, shrink_note: null, reusable_bytes: 0, retention: { days: 7, mb: 0 } });
    expect(storage.database_bytes).toBe(after);
    expect(storage.last_prune).toMatchObject({ deleted_rows: 3500, kept_for_ab_tests: 0, error: null });
  });

  it('log_retention_mb deletes the oldest rows until the database holds about that much', async () => {
    const server = await seeded();
    await predictMany(server, 5);
    const total = rowCount(server);
    expect(usedBytes(server.core.sqlite)).toBeGreaterThan(3 * 2 ** 20);
    await patchServing(server, { log_retention_mb: 1 });
    await server.core.retention.pruneNow();
    // one more pass finishes what the estimate of bytes per row left over
    await server.core.retention.pruneNow();
    expect(usedBytes(server.core.sqlite)).toBeLessThanOrEqual(2 ** 20 * 1.05);
    const kept = ids(server);
    expect(kept.length).toBeGreaterThan(total / 8);
    expect(kept.length).toBeLessThan(total / 3);
    // the oldest went first: what is left is the newest rows, in one run of ids
    expect(kept.at(-1)! - kept[0]! + 1).toBe(kept.length);
  });

  it('keeps everything by default, and shows the log size and the free space of the disk', async () => {
    const server = await seeded();
    await predictMany(server, 1);
    expect(await server.core.retention.pruneNow()).toBeNull();
    expect(rowCount(server)).toBe(1000);
    expect((await server.json('/api/v1/request-log/storage')).status).toBe(401);
    const { status, body } = await server.json('/api/v1/request-log/storage', { admin: true });
    expect(status).toBe(200);
    expect(body).toMatchObject({ rows: 1000, retention: { days: 0, mb: 0 }, last_prune: null, shrinks: true });
    expect(body.oldest_created_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(body.disk.total_bytes).toBeGreaterThan(body.disk.free_bytes);
    expect(typeof body.disk.nearly_full).toBe('boolean');
  });
});

describe('switching a database to incremental vacuum', () => {
  function oldDatabase(rows: number): { db: Database.Database; done: () => void } {
    const dir = mkdtempSync(join(tmpdir(), 'modeldesk-vacuum-'));
    const db = new Database(join(dir, 'old.db'));
    db.pragma('journal_mode = WAL');
    db.exec('create table requests (id integer primary key, input text)');
    const insert = db.prepare('insert into requests (input) values (?)');
    db.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run('x'.repeat(500));
    })();
    return { db, done: () => (db.close(), rmSync(dir, { recursive: true, force: true })) };
  }

  it('converts a small database written before (auto_vacuum off) at start', () => {
    const { db, done } = oldDatabase(100);
    onTestFinished(done);
    expect(db.pragma('auto_vacuum', { simple: true })).toBe(0);
    expect(enableIncrementalVacuum(db)).toEqual({ shrinks: true, note: null });
    expect(db.pragma('auto_vacuum', { simple: true })).toBe(2);
    expect(db.prepare('select count(*) from requests').pluck().get()).toBe(100);
  });

  it('leaves one too large to copy at start as it is, and says so', () => {
    const { db, done } = oldDatabase(2000);
    onTestFinished(done);
    const state = enableIncrementalVacuum(db, 256 * 1024);
    expect(state.shrinks).toBe(false);
    expect(state.note).toMatch(/space freed by retention is reused/);
    expect(db.pragma('auto_vacuum', { simple: true })).toBe(0);
  });
});
