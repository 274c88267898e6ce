import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { adultRows, fixtureModel, tutorialRecord, type AdultRow } from '../../test/fixtures/index.ts';

const predictPath = '/api/v1/income_classifier/predict';

/**
 * The tutorial's A/B notebook (research/ab_test.ipynb), replayed on the Adult data: predict each
 * row, send its true income as feedback, read the live results, stop. Clients send a key, so the
 * split is sticky and the run deterministic.
 */
async function replay(server: TestServer, rows: AdultRow[], keyPrefix: string): Promise<number[]> {
  const ids: number[] = [];
  const concurrency = 8;
  for (let start = 0; start < rows.length; start += concurrency) {
    const batch = rows.slice(start, start + concurrency);
    const answers = await Promise.all(
      batch.map((row, j) =>
        server.json(`${predictPath}?status=ab_testing`, {
          method: 'POST',
          json: row.record,
          headers: { 'x-client-key': `${keyPrefix}-${start + j}` }
        })
      )
    );
    await Promise.all(
      answers.map((answer, j) => {
        expect(answer.status).toBe(200);
        ids.push(answer.body.request_id);
        // the notebook sends feedback form-encoded
        return server.request(`/api/v1/mlrequests/${answer.body.request_id}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ feedback: batch[j]!.income }).toString()
        });
      })
    );
  }
  return ids;
}

const statuses = async (server: TestServer) =>
  Object.fromEntries(((await server.json('/api/v1/mlalgorithms')).body as any[]).map((a) => [a.id, a.current_status]));

/**
 * Each test gets its own seeded ModelDesk (the forest #1 in production, the logistic regression
 * #2 in testing) and data directory: no test depends on another's order or leftovers.
 */
async function seededServer() {
  const server = await startTestServer();
  onTestFinished(() => server.stop());
  return {
    server,
    create: (json: unknown) => server.json('/api/v1/abtests', { method: 'POST', admin: true, json }),
    stop: (id: number, json?: unknown) => server.json(`/api/v1/stop_ab_test/${id}`, { method: 'POST', admin: true, ...(json ? { json } : {}) })
  };
}

const tutorialTest = { title: 'Random Forest vs Logistic Regression', created_by: 'Piotr', parent_mlalgorithm_1: 1, parent_mlalgorithm_2: 2 };

describe('A/B testing with honest statistics', () => {
  const rows = adultRows(4000);

  it('starts the tutorial\'s test: 201 with its fields, both arms in ab_testing', async () => {
    const { server, create } = await seededServer();
    const { status, body } = await create(tutorialTest);
    expect(status).toBe(201);
    expect(Object.keys(body).slice(0, 8)).toEqual([
      'id', 'title', 'created_by', 'created_at', 'ended_at', 'summary', 'parent_mlalgorithm_1', 'parent_mlalgorithm_2'
    ]);
    expect(body).toMatchObject({ id: 1, ended_at: null, summary: null, mode: 'split', metric: 'accuracy', state: 'running' });
    expect(body.results.verdict.code).toBe('not_enough_data');
    expect(await statuses(server)).toEqual({ 1: 'ab_testing', 2: 'ab_testing' });
  });

  it('refuses what makes no sense, with a clear 4xx', async () => {
    const { create, stop } = await seededServer();
    const started = await create(tutorialTest);
    // (a stop without traffic is no longer refused: stop-without-winner.test.ts)
    const again = await create({ title: 't', created_by: 'x', parent_mlalgorithm_1: 1, parent_mlalgorithm_2: 2 });
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/already has a running A\/B test/);
    const twice = await create({ title: 't', created_by: 'x', parent_mlalgorithm_1: 1, parent_mlalgorithm_2: 1 });
    expect(twice.status).toBe(400);
    expect(twice.body.message).toMatch(/twice/);
    const weights = await create({ title: 't', created_by: 'x', arms: [{ algorithm_id: 1, weight: 0 }, { algorithm_id: 2, weight: 1 }] });
    expect(weights.status).toBe(400);
    expect(weights.body.message).toMatch(/weight/);
    const missing = await create({ title: 't', created_by: 'x', parent_mlalgorithm_1: 1 });
    expect(missing.status).toBe(400);
    expect(missing.body.field).toBe('parent_mlalgorithm_2');
    const unknownWinner = await stop(started.body.id, { force_winner: 99, reason: 'x' });
    expect(unknownWinner.status).toBe(400);
    expect(unknownWinner.body.field).toBe('force_winner');
  });

  it('routes unpinned and ab_testing traffic by the test, sticky per client key', async () => {
    const { server, create } = await seededServer();
    const started = await create(tutorialTest);
    const routed = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const { body } = await server.json(predictPath, { method: 'POST', json: tutorialRecord, headers: { 'x-client-key': 'ana' } });
      expect(body.ab_test_id).toBe(started.body.id);
      routed.add(body.algorithm_id);
    }
    expect(routed.size).toBe(1);
    const spread = new Set<number>();
    for (let i = 0; i < 30; i++) {
      spread.add((await server.json(`${predictPath}?client_key=user-${i}`, { method: 'POST', json: tutorialRecord })).body.algorithm_id);
    }
    expect([...spread].sort()).toEqual([1, 2]);
    const pinned = await server.json(`${predictPath}?status=ab_testing&version=0.0.1&algorithm_id=2`, { method: 'POST', json: tutorialRecord });
    expect(pinned.body).toMatchObject({ algorithm_id: 2, ab_test_id: null });
  });

  it('replays the notebook: live results count only routed requests with feedback; two close models are not promoted', async () => {
    const { server, create, stop } = await seededServer();
    const started = await create(tutorialTest);
    const id = started.body.id;
    // routed calls without feedback, and one pinned call the test does not route
    for (let i = 0; i < 50; i++) await server.json(predictPath, { method: 'POST', json: tutorialRecord, headers: { 'x-client-key': `silent-${i}` } });
    await server.json(`${predictPath}?algorithm_id=2`, { method: 'POST', json: tutorialRecord });
    await replay(server, rows.slice(0, 1500), 'notebook');

    const { body } = await server.json(`/api/v1/abtests/${id}`);
    const [a, b] = body.results.arms;
    expect(a.feedback + b.feedback).toBe(1500);
    expect(a.requests + b.requests).toBe(1550);
    for (const arm of [a, b]) {
      expect(arm.metric).toBeGreaterThan(0.75);
      expect(arm.ci_low).toBeLessThan(arm.metric);
      expect(arm.ci_high).toBeGreaterThan(arm.metric);
      expect(arm.latency_p50_us).toBeGreaterThan(0);
      expect(arm.error_rate).toBe(0);
    }
    expect(body.results.comparison.test).toBe('two-proportion z-test');
    expect(body.results.comparison.sequential_test).toMatch(/mSPRT/);
    expect(body.results.comparison.p_value).toBeGreaterThan(0);
    expect(body.results.verdict.decided_by).toMatch(/mSPRT/);
    const timeline = await server.json(`/api/v1/abtests/${id}/timeline`, { admin: true });
    expect(timeline.body.points.length).toBeGreaterThan(5);

    const stopped = await stop(id);
    expect(stopped.status).toBe(200);
    expect(stopped.body.message).toBe('AB Test finished.');
    expect(stopped.body.summary).toMatch(/^Algorithm #1 accuracy: 0\.\d+, Algorithm #2 accuracy: 0\.\d+/);
    // RF 0.86 vs LR 0.86 on this data: not distinguishable, so production stays where it was
    expect(stopped.body.result.verdict.code).not.toBe('better');
    expect(stopped.body.outcome).toMatchObject({ promoted_algorithm_id: null, forced: false });
    expect(stopped.body.summary).toMatch(/No winner promoted/);
    expect(await statuses(server)).toEqual({ 1: 'production', 2: 'testing' });
    const twice = await stop(id);
    expect(twice.status).toBe(409);
    expect(twice.body.message).toBe('AB Test already finished.');
    const stored = await server.json(`/api/v1/abtests/${id}`);
    expect(stored.body).toMatchObject({ state: 'stopped', summary: stopped.body.summary });
    expect(stored.body.ended_at).not.toBeNull();
  });

  it('promotes away from a clearly worse production model', async () => {
    const { server, create, stop } = await seededServer();
    // The logistic regression with a threshold of 0.02 calls almost everyone ">50K": clearly worse.
    const form = new FormData();
    form.set('file', new Blob([fixtureModel('income_lr')]), 'lr.onnx');
    const fields = { endpoint: 'income_classifier', name: 'eager lr', version: '0.0.2', threshold: '0.02', status: 'production', owner: 'tests' };
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    const registered = (await (await server.request('/api/v1/mlalgorithms', { method: 'POST', body: form, admin: true })).json()) as any;
    expect(await statuses(server)).toEqual({ 1: 'staging', 2: 'testing', [registered.id]: 'production' });

    const started = await create({ title: 'eager vs forest', created_by: 'ana', arms: [{ algorithm_id: registered.id }, { algorithm_id: 1 }] });
    expect(started.status).toBe(201);
    await replay(server, rows.slice(1500, 1900), 'second');
    const live = (await server.json(`/api/v1/abtests/${started.body.id}`)).body.results;
    expect(live.verdict).toMatchObject({ code: 'better', winner_algorithm_id: 1 });
    expect(live.verdict.text).toMatch(/random forest/);

    const { body } = await stop(started.body.id, { created_by: 'ana' });
    expect(body.outcome).toMatchObject({ promoted_algorithm_id: 1, forced: false });
    expect(await statuses(server)).toEqual({ 1: 'production', 2: 'testing', [registered.id]: 'testing' });
    const history = (await server.json(`/api/v1/mlalgorithmstatuses?algorithm=1`)).body as any[];
    expect(history.at(-1)).toMatchObject({ status: 'production', active: true, created_by: 'ana' });
    expect(history.at(-1).reason).toMatch(new RegExp(`A/B test ${started.body.id} stopped: winner`));
  });

  it('force_winner overrides the verdict only with a reason, which is stored', async () => {
    const { server, create, stop } = await seededServer();
    const started = await create({ title: 'override', created_by: 'ana', parent_mlalgorithm_1: 1, parent_mlalgorithm_2: 2 });
    await replay(server, rows.slice(1900, 1960), 'force');
    const noReason = await stop(started.body.id, { force_winner: 2 });
    expect(noReason.status).toBe(400);
    expect(noReason.body.field).toBe('reason');
    const { body } = await stop(started.body.id, { force_winner: 2, reason: 'smaller and faster' });
    expect(body.outcome).toMatchObject({ promoted_algorithm_id: 2, forced: true });
    expect(await statuses(server)).toEqual({ 1: 'testing', 2: 'production' });
    const history = (await server.json(`/api/v1/mlalgorithmstatuses?algorithm=2`)).body as any[];
    expect(history.at(-1).reason).toMatch(/smaller and faster/);
  });

  it('edits the title (the classic PATCH), and refuses without the token', async () => {
    const { server, create } = await seededServer();
    const { id } = (await create(tutorialTest)).body;
    const denied = await server.json(`/api/v1/abtests/${id}`, { method: 'PATCH', json: { title: 'x' } });
    expect(denied.status).toBe(401);
    const { status, body } = await server.json(`/api/v1/abtests/${id}`, { method: 'PATCH', admin: true, json: { title: 'RF vs LR, census' } });
    expect(status).toBe(200);
    expect(body).toMatchObject({ id, title: 'RF vs LR, census', created_by: 'Piotr', state: 'running' });
  });

  it('shadow mode: the production arm answers, the other runs on the same input and shares its feedback', async () => {
    const { server, create } = await seededServer();
    const started = await create({ title: 'shadow', created_by: 'ana', mode: 'shadow', arms: [{ algorithm_id: 2 }, { algorithm_id: 1 }] });
    expect(started.body.arms[0].algorithm_id).toBe(1); // the production algorithm answers
    await replay(server, rows.slice(2000, 2040), 'shadow');
    // shadow runs are logged after the answer went out: wait until all 40 are there
    await vi.waitFor(
      async () => {
        const live = (await server.json(`/api/v1/abtests/${started.body.id}`)).body.results;
        expect(live.arms.map((a: any) => [a.algorithm_id, a.requests, a.feedback])).toEqual([
          [1, 40, 40],
          [2, 40, 40]
        ]);
      },
      { timeout: 10_000, interval: 50 }
    );
    const log = (await server.json(`/api/v1/mlrequests?ab_test=${started.body.id}&page_size=1000`, { admin: true })).body.results as any[];
    expect(log.filter((r) => r.shadow)).toHaveLength(40);
    expect(log.filter((r) => r.shadow).every((r) => r.parent_mlalgorithm === 2)).toBe(true);
    expect(log.filter((r) => !r.shadow).every((r) => r.parent_mlalgorithm === 1)).toBe(true);
  });

  it('lists every test with its own arms, in order, each as GET /abtests/{id} shows it', async () => {
    const { server, create, stop } = await seededServer();
    const third = await server.register('income_lr', { endpoint: 'income_classifier', name: 'lr again', version: '0.0.3', owner: 'tests' });
    expect(third.status).toBe(201);
    const two = await create(tutorialTest);
    await stop(two.body.id, { force_winner: 1, reason: 'keep the forest' });
    const three = await create({ title: 'three arms', created_by: 'ana', arms: [{ algorithm_id: 1 }, { algorithm_id: 2 }, { algorithm_id: third.body.id }] });
    await stop(three.body.id, { force_winner: 1, reason: 'keep the forest' });
    await create({ title: 'shadow', created_by: 'ana', mode: 'shadow', arms: [{ algorithm_id: 2 }, { algorithm_id: 1 }] });

    const list = (await server.json('/api/v1/abtests')).body as any[];
    expect(list.map((t) => t.title)).toEqual([tutorialTest.title, 'three arms', 'shadow']);
    expect(list.map((t) => t.id)).toEqual([...list.map((t) => t.id)].sort((a, b) => a - b));
    for (const test of list) {
      const one = (await server.json(`/api/v1/abtests/${test.id}`)).body;
      expect(test.arms).toEqual(one.arms);
      expect(test.endpoint_name).toBe('income_classifier');
      expect(test.endpoint_name).toBe(one.endpoint_name);
    }
    expect(list.map((t) => t.arms.map((a: any) => a.algorithm_id))).toEqual([[1, 2], [1, 2, third.body.id], [1, 2]]);
  });
});
