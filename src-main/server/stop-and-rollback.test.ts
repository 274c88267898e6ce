import { describe, expect, it, onTestFinished } from 'vitest';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { tutorialRecord } from '../../test/fixtures/index.ts';

/**
 * Issue 12 §3: stopping an A/B test without a winner always works, and says what it will do
 * before it does it (the dry run the UI shows); rolling back is a server route too.
 */

async function seeded() {
  const server = await startTestServer();
  onTestFinished(() => server.stop());
  const start = (json: object = {}) =>
    server.json('/api/v1/abtests', { method: 'POST', admin: true, json: { title: 'RF vs LR', created_by: 'ana', parent_mlalgorithm_1: 1, parent_mlalgorithm_2: 2, ...json } });
  const stop = (id: number, json: object = {}, query = '') => server.json(`/api/v1/stop_ab_test/${id}${query}`, { method: 'POST', admin: true, json });
  return { server, start, stop };
}

const statuses = async (server: TestServer) =>
  Object.fromEntries(((await server.json('/api/v1/mlalgorithms')).body as any[]).map((a) => [a.id, a.current_status]));

const setStatus = (server: TestServer, id: number, status: string) =>
  server.json('/api/v1/mlalgorithmstatuses', { method: 'POST', admin: true, json: { status, created_by: 'ana', parent_mlalgorithm: id, reason: 'test' } });

describe('stopping an A/B test without a winner', () => {
  it('works with no traffic at all, and gives each arm its status from before the test back', async () => {
    const { server, start, stop } = await seeded();
    const test = (await start()).body;
    const { status, body } = await stop(test.id, { keep_production: true, created_by: 'ana' });
    expect(status).toBe(200);
    expect(body.outcome).toMatchObject({ promoted_algorithm_id: null, forced: false });
    expect(body.changes.map((c: any) => `${c.arm}:${c.from}→${c.to}`)).toEqual(['A:ab_testing→production', 'B:ab_testing→testing']);
    expect(await statuses(server)).toEqual({ 1: 'production', 2: 'testing' });
    expect((await server.json(`/api/v1/abtests/${test.id}`)).body.state).toBe('stopped');
    // production answers again, as before the test
    expect((await server.json('/api/v1/income_classifier/predict', { method: 'POST', json: tutorialRecord })).body).toMatchObject({ algorithm_id: 1, ab_test_id: null });
  });

  it('works as the tutorial\'s empty POST too, when no arm is proven better', async () => {
    const { server, start } = await seeded();
    const test = (await start()).body;
    for (let i = 0; i < 5; i++) await server.json(`/api/v1/income_classifier/predict?client_key=u${i}`, { method: 'POST', json: tutorialRecord });
    const res = await server.request(`/api/v1/stop_ab_test/${test.id}`, { method: 'POST', admin: true });
    expect(res.status).toBe(200);
    expect(await statuses(server)).toEqual({ 1: 'production', 2: 'testing' });
  });

  it('describes what it will do in a dry run, and changes nothing', async () => {
    const { server, start, stop } = await seeded();
    const test = (await start()).body;
    const dry = await stop(test.id, { keep_production: true }, '?dry_run=true');
    expect(dry.status).toBe(200);
    expect(dry.body.dry_run).toBe(true);
    expect(dry.body.description).toBe(
      'Nothing is promoted: you chose to keep production as it was. Each arm gets back the status it had before the test ' +
        '(A: random forest v0.0.1 → production; B: logistic regression v0.0.1 → testing). random forest v0.0.1 answers every unpinned call ' +
        'to "income_classifier" from then on. The test\'s results are frozen as they are at that moment.'
    );
    expect(await statuses(server)).toEqual({ 1: 'ab_testing', 2: 'ab_testing' });
    expect((await server.json(`/api/v1/abtests/${test.id}`)).body.state).toBe('running');
    // the same words for the real stop
    const real = await stop(test.id, { keep_production: true });
    expect(real.body.description).toBe(dry.body.description);
    expect(real.body.dry_run).toBe(false);
  });

  it('describes an override before its reason is typed, and refuses the real one without it', async () => {
    const { start, stop } = await seeded();
    const test = (await start()).body;
    const dry = await stop(test.id, { force_winner: 2 }, '?dry_run=true');
    expect(dry.body.description).toMatch(/^B: logistic regression v0.0.1 becomes production because you override the verdict, which needs a reason/);
    expect(dry.body.changes.map((c: any) => c.to)).toEqual(['testing', 'production']);
    const refused = await stop(test.id, { force_winner: 2 });
    expect(refused.status).toBe(400);
    expect(refused.body.field).toBe('reason');
    const both = await stop(test.id, { force_winner: 2, keep_production: true, reason: 'x' });
    expect(both.status).toBe(400);
    expect(both.body.field).toBe('keep_production');
  });

  it('keeps a production promoted during the test: the former production arm goes to staging, not over it', async () => {
    const { server, start, stop } = await seeded();
    const form = new FormData();
    const { fixtureModel } = await import('../../test/fixtures/index.ts');
    form.set('file', new Blob([fixtureModel('income_lr')]), 'lr.onnx');
    for (const [k, v] of Object.entries({ endpoint: 'income_classifier', name: 'logistic regression', version: '2.0.0' })) form.set(k, v);
    await server.request('/api/v1/mlalgorithms', { method: 'POST', admin: true, body: form });
    const test = (await start()).body;
    expect((await setStatus(server, 3, 'production')).status).toBe(201);
    const { body } = await stop(test.id, { keep_production: true });
    expect(body.description).toMatch(/logistic regression v2.0.0 was promoted meanwhile and stays production/);
    expect(await statuses(server)).toEqual({ 1: 'staging', 2: 'testing', 3: 'production' });
  });

  it('refuses what makes no sense: a stopped test, an unknown one, no token', async () => {
    const { server, start, stop } = await seeded();
    const test = (await start()).body;
    await stop(test.id, { keep_production: true });
    expect((await stop(test.id, { keep_production: true })).status).toBe(409);
    expect((await stop(test.id, {}, '?dry_run=true')).status).toBe(409);
    expect((await stop(99, {}, '?dry_run=true')).status).toBe(404);
    expect((await server.json(`/api/v1/stop_ab_test/${test.id}?dry_run=true`, { method: 'POST', json: {} })).status).toBe(401);
    expect((await stop(test.id, {}, '?dry_run=maybe')).status).toBe(400);
  });
});

describe('rolling back', () => {
  const rollback = (server: TestServer, json: object, query = '') => server.json(`/api/v1/endpoints/1/rollback${query}`, { method: 'POST', admin: true, json });

  it('says there is nothing to go back to on a fresh registry, and refuses to do it', async () => {
    const { server } = await seeded();
    const dry = await rollback(server, {}, '?dry_run=true');
    expect(dry.body).toMatchObject({ dry_run: true, possible: false, to: null, description: '"income_classifier" has no earlier production algorithm to go back to.' });
    const refused = await rollback(server, { reason: 'oops' });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toBe(dry.body.description);
  });

  it('puts the previous production back with the reason, the current one to staging', async () => {
    const { server } = await seeded();
    await setStatus(server, 2, 'production');
    const dry = await rollback(server, {}, '?dry_run=true');
    expect(dry.body).toMatchObject({ possible: true, from: { id: 2, name: 'logistic regression' }, to: { id: 1, name: 'random forest', version: '0.0.1' }, compatibility: { compatible: true } });
    expect(dry.body.description).toMatch(/^random forest v0.0.1 goes back to production \(it entered production on .+\); logistic regression v0.0.1 moves to staging\.$/);
    expect(await statuses(server)).toEqual({ 1: 'staging', 2: 'production' });
    const noReason = await rollback(server, { created_by: 'ana' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.field).toBe('reason');
    const done = await rollback(server, { created_by: 'ana', reason: 'LR misclassifies March traffic' });
    expect(done.body).toMatchObject({ applied: true, dry_run: false, to: { id: 1 } });
    expect(await statuses(server)).toEqual({ 1: 'production', 2: 'staging' });
    const history = (await server.json('/api/v1/mlalgorithmstatuses?algorithm=1')).body as any[];
    expect(history.at(-1)).toMatchObject({ status: 'production', created_by: 'ana', reason: 'LR misclassifies March traffic' });
  });

  it('needs the token, a known endpoint and known fields', async () => {
    const { server } = await seeded();
    expect((await server.json('/api/v1/endpoints/1/rollback?dry_run=true', { method: 'POST', json: {} })).status).toBe(401);
    expect((await rollback(server, { reason: 'x', typo: 1 })).body.field).toBe('typo');
    expect((await server.json('/api/v1/endpoints/7/rollback?dry_run=true', { method: 'POST', admin: true, json: {} })).status).toBe(404);
  });
});
