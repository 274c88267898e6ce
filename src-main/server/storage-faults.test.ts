import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { adultRows, fixtureModel, fixtureSample, tutorialRecord } from '../../test/fixtures/index.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { canMountSmallDisks, mountSmallDisk, type SmallDisk } from '../../test/helpers/small-disk.ts';
import { logFileName } from '../core/logging/logger.ts';

/**
 * Storage faults get honest answers (issue 20, items 6 and 8): 507 for a full disk, 503 for
 * storage that cannot be used now, each saying what and where; the cause is logged; /healthz and
 * readiness report it; and everything recovers by itself once the cause is gone.
 *
 * The full disk and the read-only model store are real: a tmpfs mounted by the test (CI runs as
 * root). Without the right to mount, the full disk is simulated at the file-system call and
 * SQLite's page limit instead, and what only a real disk can show (health) is not asserted.
 */
const mountable = canMountSmallDisks();
const irisFields = { endpoint: 'iris', name: 'iris', version: '1', status: 'production', feature_names: JSON.stringify(fixtureSample('iris_lr').featureNames) };

let server: TestServer | undefined;
let disk: SmallDisk | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await server?.stop();
  disk?.unmount();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  server = disk = dataDir = undefined;
});

const predict = (body: unknown, query = '') => server!.json(`/api/v1/income_classifier/predict${query}`, { method: 'POST', json: body });
const health = () => server!.json('/healthz');
const tempFilesIn = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.tmp'));
const logLines = () =>
  readFileSync(join(server!.dataDir, logFileName), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { level: number; msg: string; area?: string; kind?: string });

describe.runIf(mountable)('a full disk (a real tmpfs)', () => {
  it('answers 507 naming what and where, leaves no temp file, reports it, and recovers once space is freed', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'modeldesk-full-'));
    disk = mountSmallDisk(dataDir, 48 * 2 ** 20);
    server = await startTestServer({ dataDir });
    expect((await predict(tutorialRecord)).status).toBe(200);
    const records = adultRows(3000).map((r) => r.record);

    const filler = disk.fill();
    const registered = await server.register('iris_lr', irisFields);
    expect(registered.status).toBe(507);
    expect(registered.body.message).toContain('the disk is full');
    expect(registered.body.message).toContain(join(dataDir, 'artifacts'));
    expect(tempFilesIn(join(dataDir, 'artifacts'))).toEqual([]);

    const logged = await predict(records);
    expect(logged.status).toBe(507);
    expect(logged.body.message).toContain(join(dataDir, 'modeldesk.db'));
    expect(logged.body.message).toContain('the request log');

    const failing = await health();
    expect(failing.status).toBe(503);
    expect(failing.body.status).toBe('failing');
    expect(failing.body.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ area: 'artifacts', kind: 'no_space' }),
        expect.objectContaining({ area: 'database', kind: 'no_space' })
      ])
    );

    filler.release();
    // nothing else has tried since: the health check's own probes see the space back
    await expect.poll(async () => (await health()).body.status, { timeout: 5000 }).toBe('ok');
    expect((await server.register('iris_lr', irisFields)).status).toBe(201);
    const answered = await predict(records);
    expect(answered.status).toBe(200);
    expect(answered.body.predictions).toHaveLength(3000);
  });
});

describe.skipIf(mountable)('a full disk (simulated: this process may not mount a file system)', () => {
  it('answers 507 naming what and where, and leaves no temp file', async () => {
    server = await startTestServer();
    const real = fs.writeFileSync;
    // the model file is half written when the disk fills, as on a real disk
    fs.writeFileSync = ((path: fs.PathOrFileDescriptor, data: Uint8Array) => {
      real(path, data.subarray(0, data.length >> 1));
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }) as typeof fs.writeFileSync;
    syncBuiltinESMExports();
    try {
      const registered = await server.register('iris_lr', irisFields);
      expect(registered.status).toBe(507);
      expect(registered.body.message).toContain(join(server.dataDir, 'artifacts'));
    } finally {
      fs.writeFileSync = real;
      syncBuiltinESMExports();
    }
    expect(tempFilesIn(join(server.dataDir, 'artifacts'))).toEqual([]);

    const { sqlite } = server.core;
    sqlite.pragma(`max_page_count = ${Number(sqlite.pragma('page_count', { simple: true }))}`);
    const logged = await predict(adultRows(3000).map((r) => r.record));
    expect(logged.status).toBe(507);
    expect(logged.body.message).toContain(join(server.dataDir, 'modeldesk.db'));
    sqlite.pragma('max_page_count = 1073741823');
    expect((await predict(tutorialRecord)).status).toBe(200);
  });
});

describe.runIf(mountable)('a read-only model store (a real tmpfs remounted read-only)', () => {
  it('refuses a registration with 503, keeps serving, and recovers once writable', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'modeldesk-ro-'));
    disk = mountSmallDisk(join(dataDir, 'artifacts'), 16 * 2 ** 20);
    server = await startTestServer({ dataDir, seed: false });
    expect((await server.register('iris_lr', irisFields)).status).toBe(201);

    disk.readOnly();
    const refused = await server.register('diabetes_gbr', { endpoint: 'diabetes', name: 'gbr', version: '1', status: 'production' });
    expect(refused.status).toBe(503);
    expect(refused.body.message).toBe(`${join(dataDir, 'artifacts')} is read-only: the model file could not be written (EROFS)`);
    const iris = fixtureSample('iris_lr').records[0];
    expect((await server.json('/api/v1/iris/predict', { method: 'POST', json: iris })).body.status).toBe('OK');
    expect((await health()).body.problems).toEqual([expect.objectContaining({ area: 'artifacts', kind: 'read_only' })]);

    disk.writable();
    await expect.poll(async () => (await health()).body.status, { timeout: 5000 }).toBe('ok');
    expect((await server.register('diabetes_gbr', { endpoint: 'diabetes', name: 'gbr', version: '1', status: 'production' })).status).toBe(201);
  });
});

describe('a read-only database', () => {
  // Simulated with PRAGMA query_only, which fails every write as a read-only file does
  // (SQLITE_READONLY): as root, permission bits do not apply, and a file system cannot be
  // remounted read-only while the database is open for writing (EBUSY).
  it('answers writes with 503 naming the file, logs it, reports it, and recovers', async () => {
    server = await startTestServer();
    const { sqlite } = server.core;
    sqlite.pragma('query_only = ON');
    const dbFile = join(server.dataDir, 'modeldesk.db');

    const promoted = await server.json('/api/v1/mlalgorithmstatuses', { method: 'POST', admin: true, json: { status: 'production', created_by: 'ana', parent_mlalgorithm: 2 } });
    expect(promoted.status).toBe(503);
    expect(promoted.body.message).toBe(`${dbFile} is read-only: the status of algorithm 2 could not be written (SQLITE_READONLY)`);
    const predicted = await predict(tutorialRecord);
    expect(predicted.status).toBe(503);
    expect(predicted.body.message).toContain('the request log could not be written');
    // reads still answer
    expect((await server.json('/api/v1/mlalgorithms')).status).toBe(200);

    const failing = await health();
    expect(failing).toMatchObject({ status: 503, body: { status: 'failing', problems: [expect.objectContaining({ area: 'database', kind: 'read_only' })] } });
    expect((await server.json('/v2/health/ready')).status).toBe(503);
    expect(logLines()).toContainEqual(expect.objectContaining({ level: 50, area: 'database', kind: 'read_only', msg: expect.stringContaining(dbFile) }));

    sqlite.pragma('query_only = OFF');
    await expect.poll(async () => (await health()).body.status, { timeout: 5000 }).toBe('ok');
    expect(logLines()).toContainEqual(expect.objectContaining({ area: 'database', msg: expect.stringContaining('recovered') }));
    expect((await predict(tutorialRecord)).body.status).toBe('OK');
    expect((await server.json('/v2/health/ready')).body).toEqual({ ready: true });
  });
});

describe('a missing or altered model file', () => {
  it('a deleted production model: 503 naming the file, not ready, and back once the file is restored', async () => {
    server = await startTestServer();
    const forest = server.core.registry.getAlgorithm(1);
    const path = server.core.artifacts.pathOf(forest.artifactSha256);
    const bytes = readFileSync(path);
    rmSync(path);

    const refused = await predict(tutorialRecord);
    expect(refused.status).toBe(503);
    expect(refused.body.message).toBe(`the model file of algorithm 1 ("random forest" version "0.0.1") is missing: ${path} does not exist (ENOENT)`);
    const ready = await server.json('/v2/models/income_classifier/ready');
    expect(ready).toMatchObject({ status: 503, body: { name: 'income_classifier', ready: false, error: expect.stringContaining(path) } });
    expect((await server.json('/v2/health/ready')).status).toBe(503);
    expect((await health()).body.problems).toEqual([expect.objectContaining({ area: 'model:1', kind: 'missing' })]);

    writeFileSync(path, bytes);
    await expect.poll(async () => (await server!.json('/v2/models/income_classifier/ready')).status, { timeout: 5000 }).toBe(200);
    expect((await health()).body.status).toBe('ok');
    expect((await predict(tutorialRecord)).body).toMatchObject({ status: 'OK', algorithm_id: 1 });
  });

  it('a model file swapped for another valid model under the same name is refused at load, with a log line', async () => {
    server = await startTestServer();
    const regression = server.core.registry.getAlgorithm(2);
    const path = server.core.artifacts.pathOf(regression.artifactSha256);
    const original = readFileSync(path);
    writeFileSync(path, fixtureModel('income_rf'));

    const refused = await predict(tutorialRecord, '?algorithm_id=2');
    expect(refused.status).toBe(503);
    expect(refused.body.message).toContain(`the model file of algorithm 2 ("logistic regression" version "0.0.1") does not match its SHA-256: ${path}`);
    expect(logLines()).toContainEqual(expect.objectContaining({ level: 50, area: 'model:2', kind: 'corrupt', msg: expect.stringContaining('does not match its SHA-256') }));
    expect(existsSync(path)).toBe(true);

    writeFileSync(path, original);
    await expect.poll(async () => (await predict(tutorialRecord, '?algorithm_id=2')).status, { timeout: 5000 }).toBe(200);
  });
});
