import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adultRows } from '../../test/fixtures/index.ts';
import { download, filesOf, openBundle, rebuild, registryListing, requestListing, requestOrigins, sha256, upload } from '../../test/helpers/bundles.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

/**
 * Issue 12 §4: every fresh server seeds the same income models, so a bundle of another
 * ModelDesk's log meets identical algorithms. Their request rows are merged, each known by its
 * origin (the registry that logged it and its id there), and no import counts a row twice.
 */
describe('importing the request log of identical algorithms', () => {
  let a: TestServer;
  let b: TestServer;
  let fromA: Buffer;
  const records = adultRows(30).map((r) => r.record);

  /** everything an import could change */
  const state = async (server: TestServer) => ({ listing: await registryListing(server), requests: requestListing(server), files: filesOf(server) });

  beforeAll(async () => {
    [a, b] = await Promise.all([startTestServer(), startTestServer()]);
    // a: 30 answered by production, 3 pinned to the logistic regression, feedback on some
    const answered = await a.json('/api/v1/income_classifier/predict', { method: 'POST', json: records });
    expect(answered.status).toBe(200);
    await a.json('/api/v1/income_classifier/predict?status=testing', { method: 'POST', json: records.slice(0, 3) });
    await a.json(`/api/v1/mlrequests/${answered.body.predictions[0].request_id}`, { method: 'PUT', json: { feedback: '>50K' } });
    // b: its own two
    await b.json('/api/v1/income_classifier/predict', { method: 'POST', json: records.slice(5, 7) });
    fromA = await download(a, '?include_requests=true');
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  });

  it('a dry run into a freshly seeded server lists every kind, and the rows it would merge, with why', async () => {
    const before = await state(b);
    const { status, body } = await upload(b, fromA, '?dry_run=true');
    expect(status).toBe(200);
    expect(body.counts).toEqual({
      endpoints: { added: 0, identical: 1, skipped: 0, renamed: 0 },
      algorithms: { added: 0, identical: 2, skipped: 0, renamed: 0 },
      statuses: { added: 0, identical: 2, skipped: 0, renamed: 0 },
      ab_tests: { added: 0, identical: 0, skipped: 0, renamed: 0 },
      requests: { added: 33, identical: 0, skipped: 0, renamed: 0 },
      reference_profiles: { added: 0, identical: 0, skipped: 0, renamed: 0 }
    });
    expect(body.requests.added).toEqual([
      { endpoint: 'income_classifier', name: 'random forest', version: '0.0.1', local_version: '0.0.1', rows: 30, reason: 'merged: the same model file, name and version are here, and these rows are not' },
      { endpoint: 'income_classifier', name: 'logistic regression', version: '0.0.1', local_version: '0.0.1', rows: 3, reason: 'merged: the same model file, name and version are here, and these rows are not' }
    ]);
    expect(body.algorithms.identical[0].reason).toMatch(/same model file \(SHA-256\)/);
    expect(await state(b)).toEqual(before);
  });

  it('the import merges them (feedback included) next to the rows logged here; a second import changes nothing', async () => {
    const { status, body } = await upload(b, fromA);
    expect(status).toBe(200);
    expect(body).toMatchObject({ applied: true, counts: { requests: { added: 33, identical: 0 } } });
    const log = requestListing(b);
    expect(log).toHaveLength(35);
    expect(log.slice(2)).toEqual(requestListing(a));
    expect(requestOrigins(b).slice(2)).toEqual(requestOrigins(a));
    const page = (await b.json('/api/v1/mlrequests?endpoint=income_classifier&feedback=true', { admin: true })).body;
    expect(page.count).toBe(1);

    const before = await state(b);
    const again = await upload(b, fromA);
    expect(again.body).toMatchObject({ applied: false, counts: { requests: { added: 0, identical: 33, skipped: 0 } } });
    expect(again.body.requests.identical[0].reason).toMatch(/same origin/);
    expect(await state(b)).toEqual(before);
  });

  it('back the other way: a\'s own rows are recognised, only b\'s two are added; and a third registry gets every row once', async () => {
    const fromB = await download(b, '?include_requests=true');
    const back = await upload(a, fromB);
    expect(back.body.counts.requests).toEqual({ added: 2, identical: 33, skipped: 0, renamed: 0 });
    expect(requestListing(a)).toHaveLength(35);

    const c = await startTestServer();
    try {
      expect((await upload(c, fromA)).body.counts.requests.added).toBe(33);
      // b's bundle carries a's rows with a's origin: only b's own two are new to c
      expect((await upload(c, fromB)).body.counts.requests).toEqual({ added: 2, identical: 33, skipped: 0, renamed: 0 });
      expect(new Set(requestOrigins(c)).size).toBe(35);
      expect(requestListing(c)).toHaveLength(35);
    } finally {
      await c.stop();
    }
  });

  it('a format 1 bundle (no origins) cannot merge into identical algorithms: the rows are listed as skipped, saying why', async () => {
    const { manifest, entries } = await openBundle(fromA);
    manifest.format_version = 1;
    delete manifest.registry_id;
    const log = entries.find((e) => e.name === 'requests.jsonl')!;
    const lines = log.data.toString('utf8').trim().split('\n').map((line) => {
      const { origin: _origin, ...rest } = JSON.parse(line);
      return JSON.stringify(rest);
    });
    const data = Buffer.from(`${lines.join('\n')}\n`);
    manifest.requests = { ...manifest.requests, bytes: data.length, sha256: sha256(data) };
    const old = await rebuild(manifest, [...entries.filter((e) => e !== log), { name: 'requests.jsonl', data }]);

    const d = await startTestServer();
    try {
      const before = await state(d);
      const { status, body } = await upload(d, old);
      expect(status).toBe(200);
      expect(body).toMatchObject({ applied: false, format_version: 1, registry_id: null });
      expect(body.counts.requests).toEqual({ added: 0, identical: 0, skipped: 33, renamed: 0 });
      expect(body.requests.skipped[0].reason).toMatch(/format 1.*cannot be told from rows it already has/);
      expect(await state(d)).toEqual(before);
    } finally {
      await d.stop();
    }
  });
});
