import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../db/open.ts';
import { adultRows, fixtureModel } from '../../../test/fixtures/index.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { inspectModel, OnnxModel, SessionWorker, sessionOptions } from '../inference/index.ts';
import { largeCommitRows, RequestWriter, type RequestRow } from '../requests/request-writer.ts';
import { RowCodec } from '../requests/row-codec.ts';
import { servingDefaults } from '../../contract/serving-settings.ts';
import { errorAnswer } from './answers.ts';
import { largeRunRows } from './run-placement.ts';
import { readServingFile } from './serving-file.ts';
import { resolveServingSettings } from './serving-settings.ts';

const loadServingSettings = (dir: string, flags = {}) => resolveServingSettings(readServingFile(dir), flags);

const migrationsDir = join(import.meta.dirname, '..', '..', '..', 'db', 'migrations');
const records = adultRows(3 * largeRunRows).map((r) => r.record);

describe('large batches on worker threads (--worker-threads)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ serving: { worker_threads: true } });
  });
  afterAll(() => server.stop());

  it('a call large enough to run in parts on the inference worker answers exactly as one record at a time', async () => {
    // the first large call loads the model in the worker and meanwhile runs here
    const first = await server.json('/api/v1/income_classifier/predict?status=production', { method: 'POST', json: records });
    expect(first.status).toBe(200);
    await server.core.pool.placement.workerReady();
    const runsBefore = server.core.pool.placement.workerRuns;
    const batch = await server.json('/api/v1/income_classifier/predict?status=production', { method: 'POST', json: records });
    expect(batch.status).toBe(200);
    expect(server.core.pool.placement.workerRuns - runsBefore).toBe(records.length / largeRunRows);
    const answers = batch.body.predictions as { probability: number; label: string; request_id: number }[];
    expect(answers).toHaveLength(records.length);
    // every part's rows are logged, and the answer came only after they were committed
    const ids = answers.map((a) => a.request_id);
    expect(new Set(ids).size).toBe(records.length);
    const file = new Database(join(server.dataDir, 'modeldesk.db'), { readonly: true });
    const logged = file.prepare(`select count(*) as n from requests where id between ? and ?`).get(Math.min(...ids), Math.max(...ids));
    file.close();
    expect(logged).toEqual({ n: records.length });

    expect(first.body.predictions).toEqual(answers.map((a) => ({ ...a, request_id: expect.any(Number) })));
    for (const i of [0, 1, largeRunRows - 1, largeRunRows, 2 * largeRunRows + 5, records.length - 1]) {
      const one = await server.json('/api/v1/income_classifier/predict?status=production', { method: 'POST', json: records[i] });
      expect(one.body.probability).toBe(answers[i]!.probability);
      expect(one.body.label).toBe(answers[i]!.label);
    }
  });
});

describe('worker threads are off by default', () => {
  it('a large call on a default server runs on the serving thread and starts no worker', async () => {
    const server = await startTestServer();
    try {
      const batch = await server.json('/api/v1/income_classifier/predict?status=production', { method: 'POST', json: records });
      expect(batch.status).toBe(200);
      expect(batch.body.predictions).toHaveLength(records.length);
      await server.core.pool.placement.workerReady();
      expect(server.core.pool.placement.workerRuns).toBe(0);
    } finally {
      await server.stop();
    }
  });

  it('serving.json or the CLI turns them on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modeldesk-serving-'));
    try {
      expect(loadServingSettings(dir).worker_threads).toBe(false);
      writeFileSync(join(dir, 'serving.json'), JSON.stringify({ worker_threads: true }));
      expect(loadServingSettings(dir).worker_threads).toBe(true);
      expect(loadServingSettings(dir, { worker_threads: false }).worker_threads).toBe(false);
      writeFileSync(join(dir, 'serving.json'), JSON.stringify({ worker_threads: 'yes' }));
      expect(() => loadServingSettings(dir)).toThrow(/worker_threads must be true or false/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SessionWorker', () => {
  it('runs a model with the answers of the same model run here, and falls back here once it is closed', async () => {
    const bytes = fixtureModel('income_rf');
    const options = { intraOpThreads: 1, allowSpinning: false };
    const model = await OnnxModel.load(bytes, options);
    const worker = SessionWorker.start();
    expect(worker).not.toBeNull();
    const copy = await worker!.load(inspectModel(bytes).runnable, sessionOptions(options));
    const valid = records.slice(0, 300).map((r) => model.validate(r));
    const here = await model.run(valid);
    const runs = worker!.runs;
    expect(await model.run(valid, copy)).toEqual(here);
    expect(worker!.runs).toBe(runs + 1);
    await worker!.close();
    expect(copy.alive).toBe(false);
    expect(await model.run(valid, copy)).toEqual(here);
    await model.close();
  });
});

describe('RequestWriter with the log worker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'modeldesk-writer-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('commits large batches on the worker and small ones here, and close() waits for what the worker holds', async () => {
    const file = join(dir, 'modeldesk.db');
    const db = openDatabase(file, migrationsDir);
    db.sqlite.exec(`
      insert into endpoints (id, name, owner, description, created_at) values (1, 'e', 'o', '', '2026-01-01T00:00:00.000Z');
      insert into algorithms (id, endpoint_id, name, version, description, owner, code, artifact_sha256, artifact_bytes, signature, task, created_at)
        values (1, 1, 'a', '1', '', '', '', 'x', 1, '{}', 'classification', '2026-01-01T00:00:00.000Z');`);
    const codec = new RowCodec(db.sqlite, () => ({ version: '1', decode: null }));
    const writer = new RequestWriter(db.sqlite, codec, { offThread: true });
    const row = (label: string): RequestRow => ({
      endpointId: 1,
      algorithmId: 1,
      abTestId: null,
      shadow: false,
      // stored lean (BLOBs), so they cross to the worker as bytes
      record: { label },
      answer: errorAnswer(`failed: ${label}`, { id: 1, version: '1' }, null),
      maxLoggedRecordBytes: servingDefaults.max_logged_record_bytes,
      label,
      status: 'Error',
      latencyUs: 1,
      clientKey: null,
      createdAt: '2026-01-01T00:00:00.000Z'
    });
    const large = writer.append(Array.from({ length: largeCommitRows }, () => row('large')));
    // queued in the same turn: goes with the large batch, after it
    const small = writer.append([row('small')]);
    const [largeIds, smallIds] = await Promise.all([large, small]);
    expect(largeIds).toHaveLength(largeCommitRows);
    expect(smallIds).toEqual([largeCommitRows + 1]);
    // a lone small batch commits here
    expect(await writer.append([row('alone')])).toEqual([largeCommitRows + 2]);

    const pending = writer.append(Array.from({ length: largeCommitRows }, () => row('at close')));
    await writer.close();
    await expect(pending).resolves.toHaveLength(largeCommitRows);
    const count = db.sqlite.prepare("select count(*) as n from requests where label = 'at close'").get();
    expect(count).toEqual({ n: largeCommitRows });
    const stored = db.sqlite.prepare("select algorithm_id as algorithmId, ab_test_id as abTestId, status, input, response from requests where label = 'at close' limit 1").get() as Parameters<RowCodec['decode']>[0];
    expect(Buffer.isBuffer(stored.input)).toBe(true);
    expect(codec.decode(stored)).toEqual({
      input: '{"label":"at close"}',
      response: '{"status":"Error","message":"failed: at close","algorithm_id":1,"version":"1","ab_test_id":null}'
    });
    db.close();
  });
});
