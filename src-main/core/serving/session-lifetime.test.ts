import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adultRows } from '../../../test/fixtures/index.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import type { OnnxModel } from '../inference/index.ts';

const records = adultRows(40).map((r) => r.record);
/** the seeded logistic regression (status testing) */
const lrId = 2;

const closedOrOpen = (model: OnnxModel) => model.run([]).then(() => 'open', (err: Error) => err.message);

/** A session is closed only after its last run (issue 20, item 2). */
describe('archiving an algorithm while calls use it', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(() => server.stop());

  it('answers every call already in flight, then closes the session', async () => {
    const { core } = server;
    const model = await core.pool.model(core.registry.getAlgorithm(lrId));
    // in flight: each call has chosen the algorithm and waits for its batched run
    const calls = records.map((record) => core.infer('income_classifier', { kind: 'body', body: record }, { algorithmId: lrId }));
    const archived = core.registry.setStatus({ algorithmId: lrId, status: 'archived', createdBy: 'test' });

    await archived;
    const results = await Promise.all(calls);
    for (const result of results) {
      expect(result.answers[0]).toMatchObject({ status: 'OK', algorithm_id: lrId, request_id: expect.any(Number) });
    }
    await expect.poll(() => closedOrOpen(model), { timeout: 5000 }).toMatch(/closed/);
    expect(core.pool.loadedModels().map((m) => m.algorithmId)).not.toContain(lrId);
  });

  it('through the HTTP route too: requests in flight answer OK, and the archived model is unloaded', async () => {
    const { core } = server;
    const model = await core.pool.model(core.registry.getAlgorithm(lrId));
    const predict = (record: unknown) =>
      server.json(`/api/v1/income_classifier/predict?algorithm_id=${lrId}`, { method: 'POST', json: record });
    const inFlight = records.map(predict);
    const archived = await server.json('/api/v1/mlalgorithmstatuses', {
      method: 'POST',
      admin: true,
      json: { status: 'archived', created_by: 'test', parent_mlalgorithm: lrId }
    });
    expect(archived.status).toBe(201);
    for (const { status, body } of await Promise.all(inFlight)) {
      expect(status).toBe(200);
      expect(body.status).toBe('OK');
    }
    await expect.poll(() => closedOrOpen(model), { timeout: 5000 }).toMatch(/closed/);
  });

  it('keeps the session of an algorithm whose status changes to anything but archived', async () => {
    const { core } = server;
    const model = await core.pool.model(core.registry.getAlgorithm(lrId));
    await core.registry.setStatus({ algorithmId: lrId, status: 'staging', createdBy: 'test' });
    const result = await core.infer('income_classifier', { kind: 'body', body: records[0] }, { algorithmId: lrId });
    expect(result.answers[0]!.status).toBe('OK');
    expect(await core.pool.model(core.registry.getAlgorithm(lrId))).toBe(model);
    expect(await closedOrOpen(model)).toBe('open');
  });
});
