import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adultRows } from '../../test/fixtures/index.ts';
import { download, openBundle, rebuild, upload } from '../../test/helpers/bundles.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

/** Reference profiles travel in registry bundles: exported with their algorithm, given to it on import. */
describe('reference profiles in registry bundles', { timeout: 60_000 }, () => {
  let a: TestServer;
  let b: TestServer;
  let bundle: Buffer;
  const rows = adultRows(600);

  beforeAll(async () => {
    a = await startTestServer({ monitoring: { flushIntervalMs: 600_000 } });
    b = await startTestServer({ seed: false, monitoring: { flushIntervalMs: 600_000 } });
    const columns = Object.keys(rows[0]!.record);
    const csv = [columns.join(','), ...rows.map((r) => columns.map((c) => r.record[c]).join(','))].join('\n');
    const form = new FormData();
    form.set('file', new Blob([csv]), 'train.csv');
    expect((await a.json('/api/v1/monitoring/references?algorithm=2&created_by=ana', { method: 'POST', body: form, admin: true })).status).toBe(201);
    expect((await a.json('/api/v1/income_classifier/predict?algorithm_id=2', { method: 'POST', json: rows.slice(0, 300).map((r) => r.record) })).status).toBe(200);
    bundle = await download(a, '?include_requests=true');
  });
  afterAll(async () => {
    await a.stop();
    await b.stop();
  });

  it('exports the active profile of each algorithm that has one', async () => {
    const { manifest } = await openBundle(bundle);
    expect(manifest.reference_profiles).toHaveLength(1);
    expect(manifest.reference_profiles[0]).toMatchObject({
      algorithm: { endpoint: 'income_classifier', name: 'logistic regression', version: '0.0.1' },
      source: 'file',
      created_by: 'ana',
      profile: { profile_version: 1, row_count: 600 }
    });
  });

  it('imports it for the algorithm it creates, and counts the imported log against it', async () => {
    const imported = await upload(b, bundle);
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    // the plan lists it as a kind of its own (issue 12 §4)
    expect(imported.body.counts.reference_profiles).toEqual({ added: 1, identical: 0, skipped: 0, renamed: 0 });
    expect(imported.body.reference_profiles.added).toEqual([
      { endpoint: 'income_classifier', name: 'logistic regression', version: '0.0.1', local_version: '0.0.1', source: 'file', reason: 'the active reference profile of an algorithm this import creates' }
    ]);
    const lr = (await b.json('/api/v1/mlalgorithms')).body.find((x: any) => x.name === 'logistic regression');
    const list = (await b.json(`/api/v1/monitoring/references?algorithm=${lr.id}`, { admin: true })).body;
    expect(list).toEqual([expect.objectContaining({ active: true, source: 'bundle', rows: 600, created_by: 'ana', description: 'imported (file: train.csv (600 rows))' })]);
    await b.core.monitoring.flush();
    const report = (await b.json(`/api/v1/monitoring/drift?algorithm=${lr.id}&window=24h`, { admin: true })).body;
    expect(report.rows).toBe(300);
    expect(report.reference.id).toBe(list[0].id);
    // the request log came along: its health too
    const series = (await b.json(`/api/v1/monitoring/series?algorithm=${lr.id}&window=24h`, { admin: true })).body;
    expect(series.totals.requests).toBe(300);
  });

  it('leaves an algorithm already here with its own profile (or none), saying so in the plan', async () => {
    const seeded = await startTestServer({ monitoring: { flushIntervalMs: 600_000 } });
    try {
      const plan = await upload(seeded, bundle, '?dry_run=true');
      expect(plan.status).toBe(200);
      expect(plan.body.reference_profiles.skipped).toEqual([
        expect.objectContaining({ name: 'logistic regression', local_version: '0.0.1', reason: 'the algorithm is already here: it keeps its own reference profile (or none)' })
      ]);
      expect((await upload(seeded, bundle)).status).toBe(200);
      expect((await seeded.json('/api/v1/monitoring/references?algorithm=2', { admin: true })).body).toEqual([]);
    } finally {
      await seeded.stop();
    }
  });

  it('refuses a profile that names an algorithm the bundle does not list, or is broken, importing nothing', async () => {
    const { manifest, entries } = await openBundle(bundle);
    const stray = structuredClone(manifest);
    stray.reference_profiles[0].algorithm.version = '9.9.9';
    const c = await startTestServer({ seed: false });
    try {
      const res = await upload(c, await rebuild(stray, entries));
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/reference profile of "income_classifier\/logistic regression" version "9.9.9" refers to an algorithm the bundle does not list/);
      const broken = structuredClone(manifest);
      broken.reference_profiles[0].profile.features[0].counts.push(1);
      const res2 = await upload(c, await rebuild(broken, entries));
      expect(res2.status).toBe(400);
      expect(res2.body.message).toMatch(/is not valid: invalid reference profile: features: column "age": counts has/);
      expect((await c.json('/api/v1/mlalgorithms')).body).toEqual([]);
    } finally {
      await c.stop();
    }
  });
});
