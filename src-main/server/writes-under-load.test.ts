import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adultRows } from '../../test/fixtures/index.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

/**
 * Admin writes while the request-log worker commits large batches on its own connection
 * (--worker-threads, issue 20, item 5). Transactions that began DEFERRED read first and then
 * needed the write lock; when the worker had committed meanwhile, SQLite refused the upgrade at
 * once (SQLITE_BUSY, whatever the busy timeout) and the user got a bare 500: 3 of 34 control
 * operations in the report. Every write now starts IMMEDIATE and waits for the lock without
 * blocking.
 */
describe('admin writes while large batches are logged on the worker thread', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ serving: { worker_threads: true } });
  });
  afterEach(() => server.stop());

  it('every promotion, feedback and A/B start or stop succeeds', async () => {
    // 300 records: the call's 300 log rows commit on the log worker (largeCommitRows = 256)
    const batch = adultRows(300).map((r) => r.record);
    const predict = () => server.json('/api/v1/income_classifier/predict', { method: 'POST', json: batch });
    const first = await predict();
    expect(first.status).toBe(200);
    const requestId: number = first.body.predictions[0].request_id;

    let loading = true;
    const failedPredictions: unknown[] = [];
    const load = async () => {
      while (loading) {
        const res = await predict();
        if (res.status !== 200) failedPredictions.push(res.body);
      }
    };
    const loads = [load(), load()];

    const outcomes: { op: string; status: number; body: unknown }[] = [];
    const admin = async (op: string, path: string, json: unknown, method = 'POST') => {
      const res = await server.json(path, { method, admin: true, json });
      outcomes.push({ op, status: res.status, body: res.body });
      return res;
    };
    try {
      for (let round = 0; round < 12; round++) {
        await admin('promote', '/api/v1/mlalgorithmstatuses', { status: 'production', created_by: 'ana', parent_mlalgorithm: round % 2 ? 1 : 2 });
        await admin('feedback', `/api/v1/mlrequests/${requestId}`, { feedback: round % 2 ? '>50K' : '<=50K' }, 'PUT');
        const test = await admin('start', '/api/v1/abtests', { title: `round ${round}`, created_by: 'ana', parent_mlalgorithm_1: 1, parent_mlalgorithm_2: 2 });
        await admin('stop', `/api/v1/stop_ab_test/${(test.body as { id: number }).id}`, { created_by: 'ana', force_winner: 1 + (round % 2), reason: 'load test' });
      }
    } finally {
      loading = false;
      await Promise.all(loads);
    }
    expect(outcomes.filter((o) => o.status >= 300)).toEqual([]);
    expect(outcomes).toHaveLength(48);
    expect(failedPredictions).toEqual([]);
  });
});
