import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adultRows, fixtureModelPath, fixtureSample } from '../../test/fixtures/index.ts';
import { waitForJob } from '../../test/helpers/jobs.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { readFileSync } from 'node:fs';

let server: TestServer;
let forest: number;
let logistic: number;
let forestCopy: number;
const labelled = 1500;

/** Sends Adult records through predict (as a client would) and records the true income as feedback. */
async function logTraffic(from: number, count: number, perCall = 500): Promise<void> {
  const rows = adultRows(from + count).slice(from);
  for (let i = 0; i < rows.length; i += perCall) {
    const batch = rows.slice(i, i + perCall);
    const res = await server.json('/api/v1/income_classifier/predict', { method: 'POST', json: batch.map((r) => r.record) });
    expect(res.status).toBe(200);
    res.body.predictions.forEach((p: { request_id: number }, k: number) => server.core.requests.setFeedback(p.request_id, batch[k]!.income));
  }
}

async function replay(body: Record<string, unknown>): Promise<any> {
  const created = await server.json('/api/v1/jobs/replay', { method: 'POST', admin: true, json: { endpoint: 'income_classifier', ...body } });
  expect(created.status, JSON.stringify(created.body)).toBe(202);
  expect(created.body).toMatchObject({ kind: 'replay', state: 'queued' });
  return waitForJob(server, created.body.id);
}

beforeAll(async () => {
  server = await startTestServer({ serving: { job_worker_threads: 1 } });
  const algorithms = server.core.registry.listAlgorithms();
  forest = algorithms.find((a) => a.name === 'random forest')!.id;
  logistic = algorithms.find((a) => a.name === 'logistic regression')!.id;
  // the same forest as another version: a candidate that is truly equal
  const copy = await server.register('income_rf', { endpoint: 'income_classifier', name: 'random forest', version: '0.0.2', status: 'staging' });
  forestCopy = copy.body.id;
  await logTraffic(0, labelled);
}, 120_000);
afterAll(async () => server?.stop());

describe('replaying logged traffic against a candidate', () => {
  it('finds a truly worse candidate worse (the logistic regression against the forest that answered)', async () => {
    const job = await replay({ candidate_algorithm_id: logistic, last: labelled, created_by: 'ana' });
    expect(job).toMatchObject({ state: 'completed', rows_done: labelled, rows_total: labelled, rows_skipped: 0, replay: { last: labelled, requests: labelled } });
    const report = job.report;
    expect(report.candidate).toMatchObject({ algorithm_id: logistic, name: 'logistic regression' });
    expect(report.arms).toHaveLength(1);
    const arm = report.arms[0];
    expect(arm).toMatchObject({ algorithm_id: forest, compared: labelled, is_candidate: false, ab_test_ids: [] });
    expect(arm.agreement).toBeGreaterThan(0.7);
    expect(arm.agreement).toBeLessThan(1);
    // the flip matrix adds up to the requests compared
    expect(arm.flips.labels).toEqual(['<=50K', '>50K']);
    expect(arm.flips.counts.flat().reduce((a: number, n: number) => a + n, 0)).toBe(labelled);
    const c = arm.comparison;
    expect(c).toMatchObject({ metric: 'accuracy', labelled, test: 'McNemar' });
    expect(c.candidate).toBeLessThan(c.answered);
    expect(c.ci.upper).toBeLessThan(0);
    expect(c.p_value).toBeLessThan(0.05);
    expect(c.counts.both_right + c.counts.only_answered_right + c.counts.only_candidate_right + c.counts.both_wrong).toBe(labelled);
    expect(report.verdict.code).toBe('worse');
    expect(report.verdict.text).toMatch(/^The candidate is worse: accuracy \d+\.\d% against \d+\.\d% for the answers given \(−\d+\.\d points, 95% CI −\d+\.\d points to −\d+\.\d points\) on 1,500 requests with feedback; McNemar p (<|=) 0\.0\d+\.$/);
    // both models timed one record at a time, taking turns on the same records
    expect(arm.latency.candidate_now.n).toBeGreaterThan(50);
    expect(arm.latency.answered_now.n).toBe(arm.latency.candidate_now.n);
    expect(arm.latency.logged.n).toBe(labelled);
    expect(arm.latency.candidate_now.p50_us).toBeGreaterThan(0);
  }, 120_000);

  it('does not call an equal candidate better (the same forest registered again)', async () => {
    const job = await replay({ candidate_algorithm_id: forestCopy, last: labelled });
    const arm = job.report.arms[0];
    expect(arm.agreement).toBe(1);
    expect(arm.comparison.counts.only_answered_right + arm.comparison.counts.only_candidate_right).toBe(0);
    expect(job.report.verdict).toMatchObject({ code: 'no_difference', labelled_needed: null });
    expect(job.report.verdict.text).toContain('the candidate was right on exactly the same requests');
  }, 120_000);

  it('attributes the requests an A/B arm answered to that arm', async () => {
    const test = await server.json('/api/v1/abtests', { method: 'POST', admin: true, json: { title: 'forest vs logistic', created_by: 'ana', parent_mlalgorithm_1: forest, parent_mlalgorithm_2: logistic } });
    expect(test.status).toBe(201);
    // one record per call: a test routes each call to one arm
    await logTraffic(labelled, 400, 1);
    await server.json(`/api/v1/stop_ab_test/${test.body.id}`, { method: 'POST', admin: true, json: {} });
    const job = await replay({ candidate_algorithm_id: forestCopy, last: 400 });
    const arms = job.report.arms;
    expect(arms.map((a: any) => a.algorithm_id).sort()).toEqual([forest, logistic].sort());
    for (const arm of arms) expect(arm.ab_test_ids).toEqual([test.body.id]);
    expect(arms.reduce((n: number, a: any) => n + a.compared, 0)).toBe(400);
    // the forest's copy agrees with the forest's own answers, not with the logistic regression's
    expect(arms.find((a: any) => a.algorithm_id === forest).agreement).toBe(1);
    expect(arms.find((a: any) => a.algorithm_id === logistic).agreement).toBeLessThan(1);
    expect(job.report.overall.compared).toBe(400);
  }, 120_000);

  it('skips, with the reason, the requests a candidate cannot read', async () => {
    // a model its clients could not call: registered only with the breaking change accepted (issue 12 §1)
    const iris = await server.register('iris_lr', { endpoint: 'income_classifier', name: 'iris', version: '1', status: 'testing', allow_breaking_change: 'true', reason: 'a replay test' });
    expect(iris.status, JSON.stringify(iris.body)).toBe(201);
    const job = await replay({ candidate_algorithm_id: iris.body.id, last: 10 });
    expect(job).toMatchObject({ state: 'completed', rows_done: 10, rows_skipped: 10 });
    expect(job.report.compared).toBe(0);
    expect(job.report.skipped).toEqual([{ reason: expect.stringMatching(/^the candidate cannot read it: record must be an array/), count: 10 }]);
    expect(job.report.verdict.code).toBe('nothing_compared');
  }, 60_000);

  it('compares a regressor on absolute errors with a paired t-test', async () => {
    const sample = fixtureSample('diabetes_gbr');
    const form = new FormData();
    form.set('file', new Blob([readFileSync(fixtureModelPath('diabetes_gbr'))]), 'gbr.onnx');
    for (const [k, v] of Object.entries({ endpoint: 'diabetes', name: 'gbr', version: '1', status: 'production', feature_names: JSON.stringify(sample.featureNames) })) form.set(k, v);
    const registered = await server.request('/api/v1/mlalgorithms', { method: 'POST', body: form, admin: true });
    expect(registered.status).toBe(201);
    // the same model again as a second version: the candidate
    form.set('version', '2');
    form.set('status', 'staging');
    const again = await server.request('/api/v1/mlalgorithms', { method: 'POST', body: form, admin: true });
    const candidate = ((await again.json()) as { id: number }).id;
    const res = await server.json('/api/v1/diabetes/predict', { method: 'POST', json: sample.records });
    res.body.predictions.forEach((p: { request_id: number; prediction: number }, i: number) => server.core.requests.setFeedback(p.request_id, String(p.prediction + (i % 2 ? 10 : -10))));
    const created = await server.json('/api/v1/jobs/replay', { method: 'POST', admin: true, json: { endpoint: 'diabetes', candidate_algorithm_id: candidate, last: sample.records.length } });
    const job = await waitForJob(server, created.body.id);
    const arm = job.report.arms[0];
    expect(job.report.task).toBe('regression');
    expect(arm.differences).toMatchObject({ mean: 0, max_abs: 0 });
    expect(arm.comparison).toMatchObject({ metric: 'mae', test: 'paired t-test', difference: 0, p_value: null });
    expect(arm.comparison.answered).toBeCloseTo(10, 3);
    expect(job.report.verdict.code).toBe('no_difference');
  }, 60_000);
});

describe('a replay that cannot start', () => {
  it.each([
    [{ endpoint: 'nope', candidate_algorithm_id: 1, last: 5 }, 'ML algorithm is not available: no endpoint named "nope"'],
    [{ endpoint: 'income_classifier', candidate_algorithm_id: 999, last: 5 }, 'ML algorithm is not available: algorithm 999 is not on "income_classifier"'],
    [{ endpoint: 'income_classifier', candidate_algorithm_id: 1 }, 'give either last (the last N requests) or from/to (a time range)'],
    [{ endpoint: 'income_classifier', candidate_algorithm_id: 1, last: 5, from: '2026-01-01T00:00:00Z' }, 'give either last (the last N requests) or from/to (a time range)'],
    [{ endpoint: 'income_classifier', candidate_algorithm_id: 1, from: 'yesterday' }, 'from must be an ISO timestamp, e.g. 2026-05-01T00:00:00Z'],
    [{ endpoint: 'income_classifier', candidate_algorithm_id: 1, from: '2001-01-01T00:00:00Z', to: '2001-01-02T00:00:00Z' }, 'no logged requests of this endpoint match: nothing to replay']
  ])('%j', async (body, message) => {
    const res = await server.json('/api/v1/jobs/replay', { method: 'POST', admin: true, json: body });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(message);
  });
});
