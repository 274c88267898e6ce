import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adultRows, fixtureModel } from '../../../test/fixtures/index.ts';
import { download, openBundle } from '../../../test/helpers/bundles.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';

/** The audit log (issue 17 §4): each kind of change, who made it, from where, in words. */
describe('the audit log', () => {
  let server: TestServer;
  let deployer: { id: number; key: string };
  const as = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });
  const audit = async (query = '') => (await server.json(`/api/v1/audit${query}`, { admin: true })).body;
  /** the newest entry of an action */
  const latest = async (action: string) => (await audit(`?action=${action}&page_size=1`)).results[0];

  beforeAll(async () => {
    server = await startTestServer();
    const res = await server.json('/api/v1/keys', { method: 'POST', admin: true, json: { name: 'deployer', scope: 'admin' } });
    deployer = res.body;
  });
  afterAll(() => server.stop());

  it('records key creation and revocation with the owner as actor, and never a secret', async () => {
    const created = await latest('key.created');
    expect(created).toMatchObject({ actor: 'owner', api_key_id: null, action: 'key.created', endpoint: null });
    expect(created.client_address).toMatch(/127\.0\.0\.1$/);
    expect(created.summary).toBe(`created API key “deployer” (${deployer.key.slice(0, 12)}…, admin)`);

    const temp = (await server.json('/api/v1/keys', { method: 'POST', ...as(deployer.key), json: { name: 'temp', scope: 'predict', rate_limit: 5 } })).body;
    await server.json(`/api/v1/keys/${temp.id}`, { method: 'DELETE', ...as(deployer.key) });
    expect(await latest('key.revoked')).toMatchObject({ actor: 'deployer', api_key_id: deployer.id, summary: `revoked API key “temp” (${temp.prefix}…, predict)` });
    expect(JSON.stringify(await audit('?page_size=1000'))).not.toMatch(/mdk_[0-9A-Za-z]{38}/);
  });

  it('records a registration (multipart upload) and a status change by the key that made them', async () => {
    const form = new FormData();
    form.set('file', new Blob([fixtureModel('iris_lr')]), 'iris.onnx');
    for (const [k, v] of Object.entries({ endpoint: 'iris', name: 'lr', version: '1.0', status: 'staging' })) form.set(k, v);
    const registered = await server.request('/api/v1/mlalgorithms', { method: 'POST', body: form, ...as(deployer.key) });
    expect(registered.status).toBe(201);
    const { id } = (await registered.json()) as { id: number };
    expect(await latest('algorithm.registered')).toMatchObject({
      actor: 'deployer',
      api_key_id: deployer.id,
      endpoint: 'iris',
      summary: expect.stringMatching(new RegExp(`^registered iris / lr 1.0 \\(#${id}\\) as staging, model sha256 [0-9a-f]{12}…$`))
    });

    const status = await server.json('/api/v1/mlalgorithmstatuses', {
      method: 'POST',
      ...as(deployer.key),
      json: { status: 'production', created_by: 'Ana', parent_mlalgorithm: id, reason: 'first model' }
    });
    expect(status.status).toBe(201);
    expect(await latest('status.changed')).toMatchObject({
      actor: 'deployer',
      endpoint: 'iris',
      summary: `lr 1.0 (#${id}): staging → production (“first model”), by Ana`
    });
  });

  it('records an A/B test started and stopped', async () => {
    const started = await server.json('/api/v1/abtests', {
      method: 'POST',
      ...as(deployer.key),
      json: { title: 'RF vs LR', created_by: 'Ana', parent_mlalgorithm_1: 1, parent_mlalgorithm_2: 2 }
    });
    expect(started.status).toBe(201);
    expect(await latest('abtest.started')).toMatchObject({
      actor: 'deployer',
      endpoint: 'income_classifier',
      summary: `started A/B test #${started.body.id} “RF vs LR” (split, accuracy): random forest 0.0.1 (#1) ×1 vs logistic regression 0.0.1 (#2) ×1`
    });
    const stop = { force_winner: 1, reason: 'keep the forest' };
    expect((await server.json(`/api/v1/stop_ab_test/${started.body.id}`, { method: 'POST', admin: true, json: stop })).status).toBe(200);
    expect(await latest('abtest.stopped')).toMatchObject({
      actor: 'owner',
      endpoint: 'income_classifier',
      summary: `stopped A/B test #${started.body.id} “RF vs LR”: promoted random forest 0.0.1 (#1) (forced); forced by the user: keep the forest`
    });
  });

  it('records serving and access settings changes', async () => {
    expect((await server.json('/api/v1/serving', { method: 'PATCH', ...as(deployer.key), json: { max_batch_size: 32 } })).status).toBe(200);
    expect(await latest('settings.changed')).toMatchObject({ actor: 'deployer', summary: expect.stringContaining('max_batch_size 32') });
    expect((await server.json('/api/v1/access', { method: 'PATCH', admin: true, json: { lan: true } })).status).toBe(200);
    expect(await latest('access.changed')).toMatchObject({ actor: 'owner', summary: 'access settings saved: lan on (LAN applies at the next start)' });
    await server.json('/api/v1/access', { method: 'PATCH', admin: true, json: { lan: false } });
  });

  it('records an import, and export bundles carry the log', async () => {
    const bundle = await download(server, '?endpoint=iris');
    const { manifest } = await openBundle(bundle);
    // an export of some endpoints carries the entries about them
    expect(manifest.audit.map((e: { action: string }) => e.action)).toEqual(['algorithm.registered', 'status.changed']);
    expect(manifest.audit[0]).toMatchObject({ actor: 'deployer', endpoint: 'iris', client_address: expect.stringMatching(/127\.0\.0\.1$/) });

    // imported on another machine, by its owner
    const other = await startTestServer({ seed: false });
    try {
      const imported = await other.request('/api/v1/registry/import', {
        method: 'POST',
        admin: true,
        headers: { 'content-type': 'application/zip' },
        body: new Uint8Array(bundle)
      });
      expect(imported.status).toBe(200);
      const entries = (await other.json('/api/v1/audit', { admin: true })).body.results;
      expect(entries).toEqual([
        expect.objectContaining({
          actor: 'owner',
          action: 'registry.imported',
          endpoint: 'iris',
          summary: expect.stringMatching(
            /^imported a bundle of \S+ from registry \S+ \(fail\): algorithms 1 added, 0 identical, 0 skipped, 0 renamed; A\/B tests 0 added, .*; request rows 0 added, .*; 0 conflict\(s\)$/
          )
        })
      ]);
    } finally {
      await other.stop();
    }
    const whole = await openBundle(await download(server));
    expect(whole.manifest.audit.length).toBe((await audit('?page_size=1000')).count);
  });

  it('is served newest first, filtered, paginated, to admin credentials only', async () => {
    const page = await audit('?page_size=2');
    expect(page.results).toHaveLength(2);
    expect(page.results[0].id).toBeGreaterThan(page.results[1].id);
    expect(page.next).toMatch(/[?&]page=2/);
    expect((await audit('?action=key.')).results.map((e: { action: string }) => e.action).sort()).toEqual(['key.created', 'key.created', 'key.revoked']);
    expect((await audit('?actor=system')).results.map((e: { action: string }) => e.action)).toEqual(['algorithm.registered', 'algorithm.registered']);
    expect((await audit('?endpoint=iris&order=asc')).results.map((e: { action: string }) => e.action)).toEqual(['algorithm.registered', 'status.changed']);
    const facets = (await server.json('/api/v1/audit/facets', { admin: true })).body;
    expect(facets.actors).toEqual(['deployer', 'owner', 'system']);
    expect(facets.actions).toContain('abtest.started');

    const read = (await server.json('/api/v1/keys', { method: 'POST', admin: true, json: { name: 'reader', scope: 'read' } })).body;
    expect((await server.json('/api/v1/audit', as(read.key))).status).toBe(403);
  });
  it('records a metadata edit and the deletion of a version that never served', async () => {
    const edit = await server.json('/api/v1/mlalgorithms/2', {
      method: 'PATCH',
      ...as(deployer.key),
      json: { description: 'the baseline', tags: ['baseline'], created_by: 'Ana', reason: 'label it' }
    });
    expect(edit.status).toBe(200);
    expect(await latest('metadata.changed')).toMatchObject({
      actor: 'deployer',
      endpoint: 'income_classifier',
      summary: 'edited the metadata of logistic regression 0.0.1 (#2): description, tags (“label it”), by Ana'
    });

    const form = new FormData();
    form.set('file', new Blob([fixtureModel('iris_lr')]), 'iris.onnx');
    for (const [k, v] of Object.entries({ endpoint: 'iris', name: 'lr', version: 'draft', status: 'testing' })) form.set(k, v);
    const draft = (await (await server.request('/api/v1/mlalgorithms', { method: 'POST', body: form, ...as(deployer.key) })).json()) as { id: number };
    expect((await server.json(`/api/v1/mlalgorithms/${draft.id}`, { method: 'DELETE', admin: true })).status).toBe(200);
    expect(await latest('algorithm.deleted')).toMatchObject({
      actor: 'owner',
      endpoint: 'iris',
      summary: expect.stringMatching(new RegExp(`^deleted iris / lr draft \\(#${draft.id}\\), which never served`))
    });
  });
  it('records a drift reference set from a training file', async () => {
    const rows = adultRows(200);
    const columns = Object.keys(rows[0]!.record);
    const form = new FormData();
    form.set('file', new Blob([[columns.join(','), ...rows.map((r) => columns.map((c) => r.record[c]).join(','))].join('\n')]), 'train.csv');
    const set = await server.request('/api/v1/monitoring/references?algorithm=1&created_by=Ana', { method: 'POST', body: form, ...as(deployer.key) });
    expect(set.status).toBe(201);
    expect(await latest('reference.set')).toMatchObject({
      actor: 'deployer',
      endpoint: 'income_classifier',
      summary: expect.stringMatching(/^set the drift reference of random forest 0\.0\.1 \(#1\): 200 rows from \w+/)
    });
  });
});
