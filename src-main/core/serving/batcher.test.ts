import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureModel, fixtureSample, tutorialRecord } from '../../../test/fixtures/index.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { OnnxModel, type Prediction, type ValidRecord } from '../inference/index.ts';
import { Batcher, batchingFor, type BatchTarget } from './batcher.ts';

/** A stand-in model: each record is a number, its prediction is that number doubled. */
class FakeModel implements BatchTarget {
  readonly runs: number[][] = [];
  constructor(
    readonly batchable = true,
    private readonly poison: number | null = null
  ) {}
  async run(records: ValidRecord[]): Promise<Prediction[]> {
    const values = records as unknown as number[];
    this.runs.push([...values]);
    await new Promise((resolve) => setImmediate(resolve));
    if (this.poison !== null && values.includes(this.poison)) throw new Error('poisoned batch');
    return values.map((v) => ({ prediction: v * 2, outputs: {} }));
  }
}

const rec = (n: number) => n as unknown as ValidRecord;
const predictionsOf = (ps: Prediction[]) => ps.map((p) => p.prediction);

describe('Batcher', () => {
  it('coalesces concurrent requests into one run and gives each its own answer', async () => {
    const model = new FakeModel();
    const batcher = new Batcher(model, { maxBatchSize: 64, maxWaitUs: 0 });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => batcher.run([rec(i)])));
    expect(answers.map(predictionsOf)).toEqual(Array.from({ length: 20 }, (_, i) => [i * 2]));
    expect(model.runs).toHaveLength(1);
    expect(model.runs[0]).toHaveLength(20);
  });

  it('runs records of different shapes in different batches, each request in its own place', async () => {
    // a record here is [shape, value]: think of token sequences of lengths 5 and 9
    const model = new FakeModel();
    const shaped: BatchTarget = {
      batchable: true,
      shapeOf: (records) => {
        const shapes = new Set((records as unknown as [string, number][]).map(([shape]) => shape));
        return shapes.size === 1 ? [...shapes][0]! : null;
      },
      run: (records) => model.run((records as unknown as [string, number][]).map(([, v]) => rec(v)))
    };
    const batcher = new Batcher(shaped, { maxBatchSize: 64, maxWaitUs: 0 });
    const r = (shape: string, v: number) => [shape, v] as unknown as ValidRecord;
    const calls = [batcher.run([r('5', 1)]), batcher.run([r('9', 2)]), batcher.run([r('5', 3)]), batcher.run([r('5', 4), r('9', 5)]), batcher.run([r('9', 6)])];
    const answers = await Promise.all(calls);
    expect(answers.map(predictionsOf)).toEqual([[2], [4], [6], [8, 10], [12]]);
    // 1 and 3 share a run; 2 and 6 share another; the mixed request runs alone
    expect(model.runs).toEqual([[1, 3], [2, 6], [4, 5]]);
  });

  it('runs a lone request at once (adaptive mode has no timer)', async () => {
    const model = new FakeModel();
    const batcher = new Batcher(model, { maxBatchSize: 64, maxWaitUs: 0 });
    const started = performance.now();
    expect(predictionsOf(await batcher.run([rec(3)]))).toEqual([6]);
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('never puts more than maxBatchSize rows in one run and never splits a request', async () => {
    const model = new FakeModel();
    const batcher = new Batcher(model, { maxBatchSize: 8, maxWaitUs: 0 });
    const calls = Array.from({ length: 30 }, (_, i) => batcher.run(i % 5 === 0 ? [rec(i), rec(i + 1000)] : [rec(i)]));
    const answers = await Promise.all(calls);
    answers.forEach((a, i) => expect(predictionsOf(a)).toEqual(i % 5 === 0 ? [i * 2, (i + 1000) * 2] : [i * 2]));
    for (const run of model.runs) expect(run.length).toBeLessThanOrEqual(8);
    expect(model.runs.flat()).toHaveLength(36);
    expect(model.runs.length).toBeGreaterThan(1);
  });

  it('takes new limits while serving: queued rows run under them', async () => {
    const model = new FakeModel();
    const batcher = new Batcher(model, { maxBatchSize: 64, maxWaitUs: 0 });
    const first = batcher.run([rec(1)]);
    await new Promise((resolve) => setImmediate(resolve)); // the first run is now in flight
    const queued = Array.from({ length: 10 }, (_, i) => batcher.run([rec(100 + i)]));
    batcher.configure({ maxBatchSize: 4, maxWaitUs: 0 });
    expect(batcher.options.maxBatchSize).toBe(4);
    const answers = await Promise.all([first, ...queued]);
    expect(answers.map(predictionsOf)).toEqual([[2], ...Array.from({ length: 10 }, (_, i) => [(100 + i) * 2])]);
    expect(model.runs.map((r) => r.length)).toEqual([1, 4, 4, 2]);

    batcher.configure({ maxBatchSize: 1, maxWaitUs: 0 });
    expect(batcher.enabled).toBe(false);
    await Promise.all([batcher.run([rec(7)]), batcher.run([rec(8)])]);
    expect(model.runs.slice(-2)).toEqual([[7], [8]]);
  });

  it('queues while a run is in flight, then runs the queue as one batch', async () => {
    const model = new FakeModel();
    const batcher = new Batcher(model, { maxBatchSize: 64, maxWaitUs: 0 });
    const first = batcher.run([rec(1)]);
    await new Promise((resolve) => setImmediate(resolve)); // the first run is now in flight
    const rest = Array.from({ length: 10 }, (_, i) => batcher.run([rec(100 + i)]));
    await Promise.all([first, ...rest]);
    expect(model.runs.map((r) => r.length)).toEqual([1, 10]);
  });

  it('fixed window: waits up to maxWaitUs for neighbours', async () => {
    const model = new FakeModel();
    const batcher = new Batcher(model, { maxBatchSize: 64, maxWaitUs: 20_000 });
    const first = batcher.run([rec(1)]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = batcher.run([rec(2)]);
    await Promise.all([first, second]);
    expect(model.runs).toEqual([[1, 2]]);
  });

  it('fixed window: a full batch does not wait for the timer', async () => {
    const model = new FakeModel();
    const batcher = new Batcher(model, { maxBatchSize: 4, maxWaitUs: 5_000_000 });
    const started = performance.now();
    await Promise.all([1, 2, 3, 4].map((n) => batcher.run([rec(n)])));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(model.runs).toEqual([[1, 2, 3, 4]]);
  });

  it('one poisoned request fails alone: the batch is retried request by request', async () => {
    const model = new FakeModel(true, 7);
    const batcher = new Batcher(model, { maxBatchSize: 64, maxWaitUs: 0 });
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => batcher.run([rec(i)])));
    results.forEach((r, i) => {
      if (i === 7) expect(r).toMatchObject({ status: 'rejected', reason: { message: 'poisoned batch' } });
      else expect(r).toEqual({ status: 'fulfilled', value: [{ prediction: i * 2, outputs: {} }] });
    });
    expect(batcher.stats.retriedBatches).toBe(1);
  });

  it('never batches a model whose batch dimension is fixed', async () => {
    const model = new FakeModel(false);
    const batcher = new Batcher(model, { maxBatchSize: 64, maxWaitUs: 0 });
    expect(batcher.enabled).toBe(false);
    await Promise.all(Array.from({ length: 10 }, (_, i) => batcher.run([rec(i)])));
    expect(model.runs).toHaveLength(10);
    for (const run of model.runs) expect(run).toHaveLength(1);
  });

  it('maxBatchSize 1 turns batching off; per-algorithm settings override the defaults', async () => {
    const settings = { defaults: { maxBatchSize: 64, maxWaitUs: 0 }, algorithms: { '2': { maxBatchSize: 1 } } };
    expect(batchingFor(settings, 1)).toEqual({ maxBatchSize: 64, maxWaitUs: 0 });
    expect(batchingFor(settings, 2)).toEqual({ maxBatchSize: 1, maxWaitUs: 0 });
    const model = new FakeModel();
    const batcher = new Batcher(model, batchingFor(settings, 2));
    await Promise.all([1, 2, 3].map((n) => batcher.run([rec(n)])));
    expect(model.runs).toEqual([[1], [2], [3]]);
  });
});

describe('batching the income random forest changes no answer', () => {
  const sample = fixtureSample('income_rf');
  // 200 different records: the fixture's 50, each also with three other ages
  const records = Array.from({ length: 200 }, (_, i) => {
    const base = sample.records[i % sample.records.length]!;
    return { ...base, age: Number(base.age) + Math.floor(i / sample.records.length) * 7 };
  });
  let model: OnnxModel;
  let alone: Prediction[];

  beforeAll(async () => {
    model = await OnnxModel.load(fixtureModel('income_rf'), { intraOpThreads: 1 });
    alone = [];
    for (const r of records) alone.push(...(await model.run([model.validate(r)])));
  });
  afterAll(() => model.close());

  it('200 concurrent single-record requests each get exactly their unbatched answer', async () => {
    const batcher = new Batcher(model, { maxBatchSize: 64, maxWaitUs: 0 });
    const answers = await Promise.all(records.map((r) => batcher.run([model.validate(r)])));
    expect(answers.map((a) => a[0])).toEqual(alone);
    expect(batcher.stats.largestBatch).toBeGreaterThan(1);
    expect(batcher.stats.runs).toBeLessThan(records.length);
  });

  it('the same through a fixed window', async () => {
    const batcher = new Batcher(model, { maxBatchSize: 32, maxWaitUs: 2000 });
    const answers = await Promise.all(records.map((r) => batcher.run([model.validate(r)])));
    expect(answers.map((a) => a[0])).toEqual(alone);
    expect(batcher.stats.largestBatch).toBe(32);
  });
});

describe('batching over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  const predict = (record: unknown) =>
    server.json('/api/v1/income_classifier/predict?status=production', { method: 'POST', json: record });

  it('concurrent requests are batched, logged one row each, and answer exactly as one by one', async () => {
    const records = fixtureSample('income_rf').records;
    const oneByOne: any[] = [];
    for (const r of records.slice(0, 10)) oneByOne.push((await predict(r)).body);
    const concurrent = await Promise.all([...records, ...records].map(predict));
    const pool = server.core.pool;
    const model = await pool.model(server.core.registry.getAlgorithm(1));
    expect(pool.batcher(model)!.stats.largestBatch).toBeGreaterThan(1);
    concurrent.forEach(({ status, body }, i) => {
      expect(status).toBe(200);
      if (i < 10) {
        const { request_id: _a, ...got } = body;
        const { request_id: _b, ...want } = oneByOne[i];
        expect(got).toEqual(want);
      }
    });
    const ids = new Set(concurrent.map(({ body }) => body.request_id));
    expect(ids.size).toBe(concurrent.length);
    const logged = await server.json('/api/v1/mlrequests?page_size=1', { admin: true });
    expect(logged.body.count).toBe(10 + concurrent.length);
  });

  it('a bad record among concurrent good ones is a 400 for it alone', async () => {
    const good = fixtureSample('income_rf').records.slice(0, 30);
    const bad = { ...tutorialRecord, age: 'thirty-seven' };
    const results = await Promise.all([...good.slice(0, 15), bad, ...good.slice(15)].map(predict));
    results.forEach(({ status, body }, i) => {
      if (i === 15) {
        expect(status).toBe(400);
        expect(body.message).toMatch(/age/);
      } else {
        expect(status).toBe(200);
        expect(body.status).toBe('OK');
      }
    });
  });
});
