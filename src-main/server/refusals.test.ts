import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tutorialRecord } from '../../test/fixtures/index.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import type { Refusal } from '../core/index.ts';

/** Issue 12 §6: every refused prediction is counted by endpoint, algorithm and reason, kept, and shown. */
describe('refused predictions', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'modeldesk-refusals-'));
  let server: TestServer;
  const announced: Refusal[] = [];
  const predict = (init: RequestInit & { json?: unknown; admin?: boolean }, path = '/api/v1/income_classifier/predict') =>
    server.request(path, { method: 'POST', ...init });
  beforeAll(async () => {
    server = await startTestServer({ dataDir });
    server.core.events.on('request.refused', (r) => announced.push(r));
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts each reason, names the algorithm when one was chosen, and logs nothing', async () => {
    const before = server.core.sqlite.prepare('select count(*) as n from requests').get() as { n: number };
    const { age: _age, ...missingAge } = tutorialRecord as Record<string, unknown>;
    expect((await predict({ json: missingAge })).status).toBe(400); // validation, the forest chosen
    expect((await predict({ json: tutorialRecord }, '/api/v1/nope/predict')).status).toBe(400); // unknown_endpoint
    expect((await predict({ json: tutorialRecord }, '/api/v1/income_classifier/predict?status=staging')).status).toBe(400); // no_algorithm
    expect((await predict({ json: tutorialRecord, headers: { origin: 'http://evil.example' } })).status).toBe(403); // auth
    expect((await predict({ body: 'age=37', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    const bomb = gzipSync(Buffer.alloc(32 * 1024 * 1024, ' '));
    const tooLarge = await server.request('/v2/models/income_classifier/infer', { method: 'POST', body: bomb, headers: { 'content-encoding': 'gzip' } });
    expect(tooLarge.status).toBe(413);
    const v2 = await server.request('/v2/models/income_classifier/infer', { method: 'POST', json: { inputs: [{ name: 'age', shape: [1, 1], datatype: 'FP32', data: [1] }] } });
    expect(v2.status).toBe(400); // validation (missing inputs), the forest chosen

    expect((server.core.sqlite.prepare('select count(*) as n from requests').get() as { n: number }).n).toBe(before.n);
    expect(announced.map((r) => [r.reason, r.endpoint?.id ?? 0, r.algorithm?.id ?? 0])).toEqual([
      ['validation', 1, 1],
      ['unknown_endpoint', 0, 0],
      ['no_algorithm', 1, 0],
      ['auth', 1, 0],
      ['unsupported_media_type', 1, 0],
      ['too_large', 1, 0],
      ['validation', 1, 1]
    ]);

    const summary = await server.json('/api/v1/refusals', { admin: true });
    expect(summary.status).toBe(200);
    expect(summary.body.total).toBe(7);
    expect(summary.body.by_reason).toEqual({ validation: 2, unknown_endpoint: 1, no_algorithm: 1, auth: 1, too_large: 1, unsupported_media_type: 1 });
    expect(summary.body.rows).toContainEqual({ endpoint_id: 1, endpoint: 'income_classifier', algorithm_id: 1, reason: 'validation', count: 2 });
    const forest = await server.json('/api/v1/refusals?endpoint=income_classifier&algorithm=1', { admin: true });
    expect(forest.body.by_reason.validation).toBe(2);
    expect(forest.body.total).toBe(2);
    const later = await server.json(`/api/v1/refusals?from=${new Date(Date.now() + 120_000).toISOString()}`, { admin: true });
    expect(later.body.total).toBe(0);
  });

  it('exports them in /metrics, by endpoint, algorithm name and version, and reason', async () => {
    const text = await (await server.request('/metrics')).text();
    const rf = 'endpoint="income_classifier",algorithm="random forest",version="0.0.1"';
    expect(text).toContain(`modeldesk_inference_request_failures_total{${rf},reason="validation"} 2`);
    expect(text).toContain(`modeldesk_inference_requests_total{${rf},outcome="refused"} 2`);
    expect(text).toContain('modeldesk_inference_request_failures_total{endpoint="",algorithm="",version="",reason="unknown_endpoint"} 1');
    expect(text).toContain('modeldesk_inference_request_failures_total{endpoint="income_classifier",algorithm="",version="",reason="too_large"} 1');
    expect(text).toMatch(/modeldesk_http_requests_total\{method="POST",route="\/api\/v1\/:endpoint_name\/predict",status_code="415"\} 1/);
  });

  it('keeps the counts in the refusals table across a restart', async () => {
    await server.stop();
    server = await startTestServer({ dataDir });
    const rows = server.core.sqlite.prepare('select minute, endpoint_id, algorithm_id, reason, count from refusals order by reason').all() as { minute: string; count: number }[];
    expect(rows.reduce((n, r) => n + r.count, 0)).toBe(7);
    expect(rows[0]!.minute).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\dZ$/);
  });
});

describe('refused predictions in an A/B test', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());
  const predict = (init: RequestInit & { json?: unknown }) => server.request('/api/v1/income_classifier/predict', { method: 'POST', ...init });

  it('counts an arm\'s refused requests as its requests and errors', async () => {
    const test = await server.json('/api/v1/abtests', {
      method: 'POST',
      admin: true,
      json: { title: 'refusals per arm', created_by: 'ana', parent_mlalgorithm_1: 1, parent_mlalgorithm_2: 2 }
    });
    expect(test.status).toBe(201);
    const bad = { ...tutorialRecord, age: 'old' };
    for (let k = 0; k < 12; k++) {
      expect((await predict({ json: bad, headers: { 'x-client-key': `k${k}` } })).status).toBe(400);
      expect((await predict({ json: tutorialRecord, headers: { 'x-client-key': `k${k}` } })).status).toBe(200);
    }
    const { body } = await server.json(`/api/v1/abtests/${test.body.id}`, { admin: true });
    const arms = body.results.arms as { requests: number; refused: number; error_rate: number | null }[];
    // the split counts every routed request, refused or not
    expect(arms.reduce((n, a) => n + a.requests, 0)).toBe(24);
    expect(arms.reduce((n, a) => n + a.refused, 0)).toBe(12);
    for (const arm of arms) if (arm.requests > 0) expect(arm.error_rate).toBeCloseTo(arm.refused / arm.requests, 10);
  });
});
