import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adultRows } from '../../test/fixtures/index.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

/**
 * Serving health over time through the real server: traffic as batch and single predict calls,
 * aggregated off the predict path, read back as series; history survives a restart; refused
 * requests come from the `refusals` table the server counts them in.
 */
const records = adultRows(400).map((r) => r.record);
const endpoint = '/api/v1/income_classifier/predict';

describe('serving health over time', { timeout: 60_000 }, () => {
  let dataDir: string;
  let server: TestServer;

  const series = async (query: string) => {
    const res = await server.json(`/api/v1/monitoring/series?${query}`, { admin: true });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  const busy = (body: any) => body.points.filter((p: any) => p.requests > 0 || p.errors.refused_total > 0);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'modeldesk-health-'));
    // a long interval: the test decides when the aggregator counts (flush), as a busy server's timer would
    server = await startTestServer({ dataDir, monitoring: { flushIntervalMs: 60_000 } });
    expect((await server.json(endpoint, { method: 'POST', json: records.slice(0, 300) })).status).toBe(200);
    for (const record of records.slice(300, 320)) await server.json(endpoint, { method: 'POST', json: record });
    // 30 single records to the logistic regression, pinned
    for (const record of records.slice(320, 350)) await server.json(`${endpoint}?algorithm_id=2`, { method: 'POST', json: record });
    await server.core.monitoring.flush();
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts every logged prediction per version, with its latency percentiles and batch sizes', async () => {
    const body = await series('endpoint=income_classifier&window=1h');
    expect(body.bucket_seconds).toBe(60);
    expect(body.points).toHaveLength(60);
    expect(body.totals.requests).toBe(350);
    const points = busy(body);
    const byVersion: Record<string, number> = {};
    for (const p of points) for (const [id, n] of Object.entries(p.requests_by_version as Record<string, number>)) byVersion[id] = (byVersion[id] ?? 0) + n;
    expect(byVersion).toEqual({ 1: 320, 2: 30 });
    const latency = body.totals.latency_ms;
    expect(latency.p50).toBeGreaterThan(0);
    expect(latency.p50).toBeLessThanOrEqual(latency.p95);
    expect(latency.p95).toBeLessThanOrEqual(latency.p99);
    // the 300-record call ran as one onnxruntime run (or a few): the largest batch shows it
    expect(Math.max(...points.map((p: any) => p.batch?.max_size ?? 0))).toBeGreaterThanOrEqual(100);
    expect(points.every((p: any) => p.errors.model_failures === 0 && p.requests_per_second > 0)).toBe(true);
  });

  it('one version alone, and windows of a day, a week and a month with their own buckets', async () => {
    const lr = await series('endpoint=income_classifier&algorithm=2&window=24h');
    expect(lr.algorithm).toMatchObject({ id: 2, name: 'logistic regression' });
    expect(lr.totals.requests).toBe(30);
    expect(lr.bucket_seconds).toBe(900);
    for (const [window, bucket, points] of [['7d', 3600, 168], ['30d', 21_600, 120]] as const) {
      const b = await series(`endpoint=income_classifier&window=${window}`);
      expect([b.bucket_seconds, b.points.length, b.totals.requests]).toEqual([bucket, points, 350]);
    }
  });

  it('splits errors by cause: model failures from the log, refused requests by reason as the server counted them', async () => {
    const before = await series('endpoint=income_classifier&window=1h');
    expect(before.totals.refused).toBe(0);
    // A run that failed after validation is logged with status Error (serving/answers.ts). Here one
    // is written as the request writer writes it, since the shipped models do not fail.
    server.core.sqlite
      .prepare(
        `insert into requests (endpoint_id, algorithm_id, shadow, input, response, label, status, latency_us, feedback, created_at)
         values (1, 1, 0, '{}', '{"status":"Error","message":"the model failed: out of memory"}', 'error', 'Error', 900, '', ?)`
      )
      .run(new Date().toISOString());
    // Real refusals (issue 12 §6, counted into the refusals table by the server): bad records are
    // refused once the production version was chosen (validation), a status no version has is
    // refused before any was (no_algorithm), an unknown endpoint belongs to no endpoint's series.
    for (let i = 0; i < 3; i++) expect((await server.json(endpoint, { method: 'POST', json: { ...records[i], age: 'old' } })).status).toBe(400);
    for (let i = 0; i < 2; i++) expect((await server.json(`${endpoint}?status=staging`, { method: 'POST', json: records[i] })).status).toBeGreaterThanOrEqual(400);
    expect((await server.json('/api/v1/nope/predict', { method: 'POST', json: records[0] })).status).toBe(400);
    await server.core.monitoring.flush();

    const after = await series('endpoint=income_classifier&window=1h');
    expect(after.totals).toMatchObject({ requests: 351, model_failures: 1, refused: 5 });
    expect(after.totals.error_rate).toBeCloseTo(6 / 356, 10);
    const refused: Record<string, number> = {};
    for (const p of busy(after)) for (const [reason, n] of Object.entries(p.errors.refused as Record<string, number>)) refused[reason] = (refused[reason] ?? 0) + n;
    expect(refused).toEqual({ validation: 3, no_algorithm: 2 });
    // a version's view: only what was refused once that version was chosen
    const rf = await series('endpoint=income_classifier&algorithm=1&window=1h');
    expect(rf.totals).toMatchObject({ model_failures: 1, refused: 3 });
    const lr = await series('endpoint=income_classifier&algorithm=2&window=1h');
    expect(lr.totals.refused).toBe(0);
    // the unknown endpoint's refusal is counted, under no endpoint
    const all = (await server.json('/api/v1/refusals', { admin: true })).body;
    expect(JSON.stringify(all)).toContain('unknown_endpoint');
  });

  it('marks version changes: a promotion, then a rollback', async () => {
    const promote = (id: number, reason: string) =>
      server.json('/api/v1/mlalgorithmstatuses', { method: 'POST', admin: true, json: { status: 'production', created_by: 'ana', parent_mlalgorithm: id, reason } });
    expect((await promote(2, 'better calibrated')).status).toBe(201);
    expect((await promote(1, 'roll back: calibration was not the problem')).status).toBe(201);
    const body = await series('endpoint=income_classifier&window=1h');
    const changes = body.markers.filter((m: any) => m.status === 'production').map((m: any) => [m.algorithm_id, m.kind, m.created_by]);
    // the seeded forest's first production is a promotion too (at seed time, inside the window)
    expect(changes.slice(-2)).toEqual([[2, 'promotion', 'ana'], [1, 'rollback', 'ana']]);
  });

  it('counts feedback once however often it is edited, and forgets it when cleared', async () => {
    const quality = async () => (await series('endpoint=income_classifier&algorithm=2&window=1h')).totals.quality;
    const id = (await server.json('/api/v1/mlrequests?algorithm=2&page_size=1', { admin: true })).body.results[0].id;
    // the classic API calls the predicted label `response`
    const label = (await server.json(`/api/v1/mlrequests/${id}`, { admin: true })).body.response;
    const wrong = label === '>50K' ? '<=50K' : '>50K';
    await server.json(`/api/v1/mlrequests/${id}`, { method: 'PUT', json: { feedback: label } });
    expect(await quality()).toMatchObject({ feedback: 1, accuracy: { value: 1 } });
    await server.json(`/api/v1/mlrequests/${id}`, { method: 'PUT', json: { feedback: wrong } });
    expect(await quality()).toMatchObject({ feedback: 1, accuracy: { value: 0 } });
    await server.json(`/api/v1/mlrequests/${id}`, { method: 'PUT', json: { feedback: '' } });
    expect(await quality()).toMatchObject({ feedback: 0, accuracy: null, coverage: { value: 0 } });
  });

  it('keeps its history across a restart, and counts nothing twice', async () => {
    const before = await series('endpoint=income_classifier&window=24h');
    // rows logged and not yet counted when the server stops are counted at the next start
    await server.json(endpoint, { method: 'POST', json: records.slice(350, 360) });
    await server.stop();
    server = await startTestServer({ dataDir, monitoring: { flushIntervalMs: 60_000 } });
    await server.core.monitoring.flush();
    const after = await series('endpoint=income_classifier&window=24h');
    expect(after.totals.requests).toBe(before.totals.requests + 10);
    expect(after.totals.latency_ms).toEqual(expect.objectContaining({ p50: expect.any(Number) }));
    await server.core.monitoring.flush();
    expect((await series('endpoint=income_classifier&window=24h')).totals.requests).toBe(after.totals.requests);
  });

  it('answers a bad query with a 4xx naming the field', async () => {
    const bad = async (query: string) => (await server.json(`/api/v1/monitoring/series?${query}`, { admin: true }));
    expect(await bad('window=24h')).toMatchObject({ status: 400, body: { field: 'endpoint' } });
    expect(await bad('endpoint=nope')).toMatchObject({ status: 404, body: { message: 'endpoint "nope" not found' } });
    expect(await bad('endpoint=income_classifier&window=1y')).toMatchObject({ status: 400, body: { field: 'window' } });
    expect(await bad('endpoint=income_classifier&algorithm=999')).toMatchObject({ status: 404, body: { field: 'algorithm' } });
    expect((await server.json('/api/v1/monitoring/series?endpoint=income_classifier')).status).toBe(401);
  });
});
