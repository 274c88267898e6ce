import { Agent, request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fixtureSample } from '../../test/fixtures/index.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import type { RunTiming } from '../core/serving/batcher.ts';

const record = fixtureSample('income_rf').records[0];

/** POSTs one record over the agent's sockets; resolves with the answer */
function predict(server: TestServer, agent: Agent): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${server.url}/api/v1/income_classifier/predict?status=production`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(record));
  });
}

describe('a prediction on the only open connection', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('runs at once; with other connections open it waits a turn to share a batch, and both answer alike', async () => {
    const run = vi.spyOn(server.core.pool, 'run');
    const alone = () => run.mock.calls.map(([, , timing]) => (timing as RunTiming | undefined)?.alone);

    const one = new Agent({ keepAlive: true, maxSockets: 1 });
    const first = await predict(server, one);
    const second = await predict(server, one);
    expect(alone()).toEqual([true, true]);

    run.mockClear();
    const other = new Agent({ keepAlive: true, maxSockets: 1 });
    // a second client holds its own connection open (its first call opened it)
    await predict(server, other);
    run.mockClear();
    const shared = await predict(server, one);
    expect(alone()).toEqual([false]);

    for (const answer of [first, second, shared]) expect(answer.status).toBe(200);
    const { request_id: _a, ...a } = first.body;
    const { request_id: _b, ...b } = shared.body;
    expect(a).toEqual(b);
    expect(new Set([first.body.request_id, second.body.request_id, shared.body.request_id]).size).toBe(3);
    one.destroy();
    other.destroy();
    run.mockRestore();
  });
});
