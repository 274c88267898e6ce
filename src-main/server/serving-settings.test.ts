import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { tutorialRecord } from '../../test/fixtures/index.ts';

const predictPath = '/api/v1/income_classifier/predict';

async function predictConcurrently(server: TestServer, n: number) {
  const answers = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      server.json(predictPath, { method: 'POST', json: { ...tutorialRecord, age: 30 + i } })
    )
  );
  for (const answer of answers) expect(answer.status).toBe(200);
  return answers.map((a) => a.body);
}

const modelOf = (settings: any, algorithmId: number) => settings.models.find((m: any) => m.algorithm_id === algorithmId);

describe('serving settings over HTTP (PUT /api/v1/serving)', () => {
  let server: TestServer;
  let dataDir: string;
  const file = () => join(dataDir, 'serving.json');

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'modeldesk-serving-'));
    server = await startTestServer({ dataDir });
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the defaults, and each loaded model with how its batching has gone', async () => {
    await predictConcurrently(server, 8);
    const { status, body } = await server.json('/api/v1/serving', { admin: true });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      intra_op_threads: 1,
      worker_threads: false,
      max_batch_size: 64,
      max_wait_us: 0,
      algorithms: {},
      defaults: { intra_op_threads: 1, worker_threads: false, max_batch_size: 64, max_wait_us: 0 },
      saved: {},
      set_on_command_line: [],
      restart_needed: false
    });
    const forest = modelOf(body, 1);
    expect(forest).toMatchObject({ batchable: true, max_batch_size: 64, max_wait_us: 0 });
    expect(forest.requests).toBe(8);
    expect(forest.rows).toBe(8);
    // concurrent requests shared runs
    expect(forest.runs).toBeLessThan(8);
  });

  it('refuses bad settings with the field named, and writes nothing', async () => {
    const cases: [unknown, number, string][] = [
      [{ max_batch_size: 0 }, 400, 'max_batch_size'],
      [{ intra_op_threads: -1 }, 400, 'intra_op_threads'],
      [{ max_wait_us: 1.5 }, 400, 'max_wait_us'],
      [{ max_batch_sise: 8 }, 400, 'max_batch_sise'],
      [{ algorithms: { '999': { max_batch_size: 4 } } }, 404, 'algorithms.999'],
      [{ algorithms: { '1': { max_batch_size: 0 } } }, 400, 'algorithms.1.max_batch_size'],
      [{ algorithms: { forest: { max_batch_size: 4 } } }, 400, 'algorithms']
    ];
    for (const [json, status, field] of cases) {
      const res = await server.json('/api/v1/serving', { method: 'PUT', admin: true, json });
      expect(res.status, JSON.stringify(json)).toBe(status);
      expect(res.body.status).toBe('Error');
      expect(res.body.field ?? res.body.message, JSON.stringify(json)).toContain(field);
    }
    const anonymous = await server.json('/api/v1/serving', { method: 'PUT', json: { max_batch_size: 1 } });
    expect(anonymous.status).toBe(401);
    expect(existsSync(file())).toBe(false);
    expect((await server.json('/api/v1/serving', { admin: true })).body.max_batch_size).toBe(64);
  });

  it('saves to serving.json and applies batching limits to the loaded model at once', async () => {
    const res = await server.json('/api/v1/serving', {
      method: 'PUT',
      admin: true,
      json: { max_batch_size: 1, algorithms: { '2': { max_batch_size: 4, max_wait_us: 500 } } }
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      max_batch_size: 1,
      algorithms: { '2': { max_batch_size: 4, max_wait_us: 500 } },
      saved: { max_batch_size: 1, algorithms: { '2': { max_batch_size: 4, max_wait_us: 500 } } }
    });
    expect(JSON.parse(readFileSync(file(), 'utf8'))).toEqual({
      max_batch_size: 1,
      algorithms: { '2': { max_batch_size: 4, max_wait_us: 500 } }
    });
    expect(modelOf(res.body, 1).max_batch_size).toBe(1);

    // batching off: concurrent requests now each get a run of their own
    const before = modelOf((await server.json('/api/v1/serving', { admin: true })).body, 1);
    await predictConcurrently(server, 8);
    const after = modelOf((await server.json('/api/v1/serving', { admin: true })).body, 1);
    expect(after.requests - before.requests).toBe(8);
    expect(after.runs - before.runs).toBe(8);
  });

  it('PATCH changes only what it names; null puts a setting back to its default', async () => {
    const patch = (json: unknown) => server.json('/api/v1/serving', { method: 'PATCH', admin: true, json });
    let res = await patch({ max_wait_us: 100, algorithms: { '1': { max_wait_us: 50 } } });
    expect(res.status).toBe(200);
    expect(res.body.saved).toEqual({
      max_batch_size: 1,
      max_wait_us: 100,
      algorithms: { '1': { max_wait_us: 50 }, '2': { max_batch_size: 4, max_wait_us: 500 } }
    });
    res = await patch({ max_wait_us: null, algorithms: { '2': null, '1': { max_wait_us: null } } });
    expect(res.status).toBe(200);
    expect(res.body.saved).toEqual({ max_batch_size: 1 });
    expect(res.body.max_wait_us).toBe(0);
    expect(JSON.parse(readFileSync(file(), 'utf8'))).toEqual({ max_batch_size: 1 });
    // null is the default, never 0 or false (the server coerces types elsewhere)
    res = await server.json('/api/v1/serving', { method: 'PUT', admin: true, json: { intra_op_threads: null, max_batch_size: 1 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ intra_op_threads: 1, saved: { max_batch_size: 1 } });
    expect(res.body.saved).not.toHaveProperty('intra_op_threads');
  });

  it('a new thread count reloads the models: requests in flight finish, then the old session closes', async () => {
    const [reference] = await predictConcurrently(server, 1);
    const old = await server.core.pool.model(server.core.registry.getAlgorithm(1));
    const inFlight = predictConcurrently(server, 16);
    const res = await server.json('/api/v1/serving', { method: 'PUT', admin: true, json: { intra_op_threads: 2 } });
    expect(res.status).toBe(200);
    expect(res.body.intra_op_threads).toBe(2);
    // no answer lost or failed across the swap
    expect(await inFlight).toHaveLength(16);
    // the next request loads the model with two threads; the old session is closed once idle
    const [again] = await predictConcurrently(server, 1);
    expect(again.label).toBe(reference.label);
    expect(again.probability).toBeCloseTo(reference.probability, 6);
    expect(await server.core.pool.model(server.core.registry.getAlgorithm(1))).not.toBe(old);
    await expect.poll(() => old.run([]).then(() => 'open', (err: Error) => err.message), { timeout: 5000 }).toMatch(/closed/);
  });

  it('worker threads are saved for the next start, and saved settings survive a restart', async () => {
    const res = await server.json('/api/v1/serving', {
      method: 'PUT',
      admin: true,
      json: { worker_threads: true, max_batch_size: 16 }
    });
    expect(res.status).toBe(200);
    // saved for the next start; this run keeps no workers
    expect(res.body).toMatchObject({ worker_threads: false, saved: { worker_threads: true }, restart_needed: true, max_batch_size: 16 });

    await server.stop();
    server = await startTestServer({ dataDir });
    const restarted = (await server.json('/api/v1/serving', { admin: true })).body;
    expect(restarted).toMatchObject({ worker_threads: true, restart_needed: false, max_batch_size: 16, intra_op_threads: 1 });
  });
});

describe('flags given to serve win over saved settings', () => {
  it('reports them, keeps them in effect over defaults and per-model values, and still saves', async () => {
    const server = await startTestServer({ serving: { intra_op_threads: 1, max_batch_size: 8 } });
    try {
      await predictConcurrently(server, 2);
      const res = await server.json('/api/v1/serving', {
        method: 'PUT',
        admin: true,
        json: { intra_op_threads: 2, max_batch_size: 2, algorithms: { '1': { max_batch_size: 64, max_wait_us: 300 } } }
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        intra_op_threads: 1,
        max_batch_size: 8,
        algorithms: { '1': { max_batch_size: 8, max_wait_us: 300 } },
        saved: { intra_op_threads: 2, max_batch_size: 2 },
        set_on_command_line: ['intra_op_threads', 'max_batch_size']
      });
      // --threads held: the loaded model was not reloaded, and runs under the flag's batch limit
      expect(modelOf(res.body, 1)).toMatchObject({ max_batch_size: 8, max_wait_us: 300, requests: 2 });
    } finally {
      await server.stop();
    }
  });
});

describe('stopping the server right after a thread change', () => {
  it('closes the replaced sessions before it returns', async () => {
    const server = await startTestServer();
    await predictConcurrently(server, 2);
    const old = await server.core.pool.model(server.core.registry.getAlgorithm(1));
    const res = await server.json('/api/v1/serving', { method: 'PATCH', admin: true, json: { intra_op_threads: 2 } });
    expect(res.status).toBe(200);
    await server.stop();
    await expect(old.run([])).rejects.toThrow(/closed/);
  });
});

describe('serving.json written by hand', () => {
  it('a saved override for an algorithm that no longer exists does not block later saves', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'modeldesk-serving-'));
    writeFileSync(join(dataDir, 'serving.json'), JSON.stringify({ algorithms: { '999': { maxBatchSize: 4 } } }));
    const server = await startTestServer({ dataDir });
    try {
      const res = await server.json('/api/v1/serving', { method: 'PATCH', admin: true, json: { max_batch_size: 32 } });
      expect(res.status).toBe(200);
      expect(res.body.saved).toEqual({ max_batch_size: 32, algorithms: { '999': { max_batch_size: 4 } } });
      const added = await server.json('/api/v1/serving', { method: 'PATCH', admin: true, json: { algorithms: { '998': { max_batch_size: 4 } } } });
      expect(added.status).toBe(404);
      expect(added.body.field).toBe('algorithms.998');
    } finally {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('an unknown key stops the server from starting, with the key named', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'modeldesk-serving-'));
    writeFileSync(join(dataDir, 'serving.json'), JSON.stringify({ max_batch_sise: 4 }));
    try {
      await expect(startTestServer({ dataDir })).rejects.toThrow(/unknown setting "max_batch_sise"/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
