import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixtureModel, tutorialRecord } from '../../../test/fixtures/index.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { ArtifactStore } from './artifact-store.ts';

/** the seeded random forest (production) and logistic regression (testing) */
const rf = 1;
const lr = 2;

/**
 * Status changes that would break serving are refused where every status is written
 * (status-transitions.ts), whatever path asks (issue 20, items 1, 3 and 4).
 */
describe('the rules every status change keeps', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(() => server.stop());

  const setStatus = (json: Record<string, unknown>) =>
    server.json('/api/v1/mlalgorithmstatuses', { method: 'POST', admin: true, json: { created_by: 'ana', ...json } });
  const predict = () => server.json('/api/v1/income_classifier/predict', { method: 'POST', json: tutorialRecord });
  const statusOf = async (id: number) => (await server.json(`/api/v1/mlalgorithms/${id}`)).body.current_status;

  it('refuses to archive an arm of a running A/B test, naming the test, and routes by the test meanwhile', async () => {
    const started = await server.json('/api/v1/abtests', {
      method: 'POST',
      admin: true,
      json: { title: 'RF vs LR', created_by: 'ana', parent_mlalgorithm_1: rf, parent_mlalgorithm_2: lr }
    });
    expect(started.status).toBe(201);
    const testId = started.body.id;

    const refused = await setStatus({ status: 'archived', parent_mlalgorithm: lr, reason: 'broken' });
    expect(refused.status).toBe(409);
    expect(refused.body.field).toBe('parent_mlalgorithm');
    expect(refused.body.message).toContain(`running A/B test ${testId} ("RF vs LR")`);
    expect(refused.body.message).toContain(`POST /api/v1/stop_ab_test/${testId}`);
    expect(await statusOf(lr)).toBe('ab_testing');
    for (let i = 0; i < 20; i++) {
      const { body } = await predict();
      expect(body).toMatchObject({ status: 'OK', ab_test_id: testId });
      expect([rf, lr]).toContain(body.algorithm_id);
    }

    // the way out: stop the test (statuses restored), then archive
    const stopped = await server.json(`/api/v1/stop_ab_test/${testId}`, { method: 'POST', admin: true, json: { created_by: 'ana' } });
    expect(stopped.status).toBe(200);
    expect((await setStatus({ status: 'archived', parent_mlalgorithm: lr, reason: 'broken' })).status).toBe(201);
    for (let i = 0; i < 10; i++) expect((await predict()).body).toMatchObject({ algorithm_id: rf, ab_test_id: null });
  });

  it('refuses to take production away with no successor, naming the endpoint', async () => {
    for (const status of ['archived', 'staging', 'testing']) {
      const refused = await setStatus({ status, parent_mlalgorithm: rf, reason: 'old' });
      expect(refused.status, status).toBe(409);
      expect(refused.body.field).toBe('status');
      expect(refused.body.message).toContain('production algorithm of endpoint "income_classifier"');
      expect(refused.body.message).toContain('promote_mlalgorithm');
    }
    expect(await statusOf(rf)).toBe('production');
    expect((await predict()).body).toMatchObject({ status: 'OK', algorithm_id: rf });
  });

  it('archives production when the same request promotes its successor, in one change', async () => {
    const res = await setStatus({ status: 'archived', parent_mlalgorithm: rf, promote_mlalgorithm: lr, reason: 'replaced by the regression' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'archived', parent_mlalgorithm: rf, active: true });
    expect(await statusOf(lr)).toBe('production');
    expect(await statusOf(rf)).toBe('archived');
    const history = (await server.json(`/api/v1/mlalgorithmstatuses?algorithm=${lr}`)).body;
    expect(history.at(-1)).toMatchObject({ status: 'production', reason: 'replaced by the regression' });
    expect((await predict()).body).toMatchObject({ status: 'OK', algorithm_id: lr });
  });

  it('lets the endpoint stop serving only when asked explicitly, with a reason', async () => {
    const noReason = await setStatus({ status: 'archived', parent_mlalgorithm: rf, stop_serving: true });
    expect(noReason.status).toBe(400);
    expect(noReason.body.field).toBe('reason');
    expect(await statusOf(rf)).toBe('production');

    const stopped = await setStatus({ status: 'archived', parent_mlalgorithm: rf, stop_serving: true, reason: 'the use case is retired' });
    expect(stopped.status).toBe(201);
    expect(stopped.body.reason).toBe('the use case is retired');
    const refused = await predict();
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/^ML algorithm is not available/);
  });

  it('checks the successor: another algorithm of the same endpoint, for a change away from production', async () => {
    const iris = await server.register('iris_lr', { endpoint: 'iris', name: 'iris', version: '1', status: 'production', feature_names: '["a","b","c","d"]' });
    expect(iris.status).toBe(201);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ status: 'archived', parent_mlalgorithm: rf, promote_mlalgorithm: iris.body.id }, /on endpoint "iris", not "income_classifier"/],
      [{ status: 'archived', parent_mlalgorithm: rf, promote_mlalgorithm: 999 }, /algorithm 999 does not exist/],
      [{ status: 'archived', parent_mlalgorithm: rf, promote_mlalgorithm: rf }, /another algorithm/],
      [{ status: 'production', parent_mlalgorithm: lr, promote_mlalgorithm: rf }, /this change is to production/]
    ];
    for (const [body, message] of cases) {
      const res = await setStatus(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ field: 'promote_mlalgorithm', message: expect.stringMatching(message) });
    }
    expect(await statusOf(rf)).toBe('production');
  });

  it('leaves ab_testing to the A/B engine: refused by hand and at registration, with nothing written', async () => {
    const byHand = await setStatus({ status: 'ab_testing', parent_mlalgorithm: lr, reason: 'manual test' });
    expect(byHand.status).toBe(400);
    expect(byHand.body).toMatchObject({ field: 'status', message: expect.stringContaining('POST /api/v1/abtests') });
    expect(await statusOf(lr)).toBe('testing');

    const registered = await server.register('iris_lr', { endpoint: 'iris', name: 'iris', version: '1', status: 'ab_testing', feature_names: '["a","b","c","d"]' });
    expect(registered.status).toBe(400);
    expect(registered.body.field).toBe('status');
    expect((await server.json('/api/v1/endpoints')).body).toHaveLength(1);
    expect(existsSync(server.core.artifacts.pathOf(ArtifactStore.hash(fixtureModel('iris_lr'))))).toBe(false);

    // the engine itself still sets it
    const started = await server.json('/api/v1/abtests', { method: 'POST', admin: true, json: { title: 't', created_by: 'ana', parent_mlalgorithm_1: rf, parent_mlalgorithm_2: lr } });
    expect(started.status).toBe(201);
    expect(await statusOf(lr)).toBe('ab_testing');
  });
});
