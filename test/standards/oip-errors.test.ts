import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { kserve, kserveRead, send, tritonclient, tritonRead, type HttpRequestSpec } from './clients.ts';
import { expectSpecAnswer, incomeModel, int64Model, multiRegressor, registerConformanceModels } from './oip-models.ts';

/**
 * Issue 14 §5–6: every bad v2 request is a 4xx whose `{"error": …}` names the problem in tensor
 * terms, readable by both clients (Content-Type exactly application/json), and nothing is
 * logged; no answer holds null in tensor data.
 */
describe('Open Inference v2 refusals', () => {
  let server: TestServer;
  const call = (spec: HttpRequestSpec, headers?: Record<string, string>) => send(server.url, spec, headers);
  const logged = async () => (await server.json('/api/v1/mlrequests?page_size=1', { admin: true })).body.count as number;
  const json = (path: string, body: unknown, headers: Record<string, string> = {}): HttpRequestSpec => ({
    method: 'POST',
    path,
    headers,
    body: Buffer.from(JSON.stringify(body))
  });
  const input = (data: unknown[], extra: object = {}) => ({ inputs: [{ name: 'input', shape: [1, 3], datatype: 'FP32', data, ...extra }] });
  beforeAll(async () => {
    server = await startTestServer();
    await registerConformanceModels(server);
  });
  afterAll(() => server.stop());

  /** Sends, expects a spec-shaped error with this status whose message matches, and that nothing was logged. */
  async function refused(spec: HttpRequestSpec, status: number, message: RegExp) {
    const before = await logged();
    const res = await call(spec);
    expect(res.status, res.body.toString()).toBe(status);
    expectSpecAnswer(spec.method, spec.path, res);
    expect(kserveRead.errorMessage(res)).toMatch(message);
    expect(tritonRead.error(res)?.message).toMatch(message);
    expect(await logged()).toBe(before);
  }

  const regressor = `/v2/models/${multiRegressor.model}/infer`;
  it.each([
    ['an unknown input', { inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] }, /unknown input "x": model "linnerud" version "1" has inputs "input"/],
    ['a missing input', { inputs: [] }, /missing input "input"/],
    ['an unknown output', { ...input([1, 2, 3]), outputs: [{ name: 'weight' }] }, /unknown output "weight": model "linnerud" has outputs "weight_waist", "pulse"/],
    ['FP32 beyond its range', input([1e39, 2, 3]), /input "input": element 0 \(1e\+39\) is beyond FP32's range/],
    ['null in tensor data', input([null, 2, 3]), /input "input": element 0 is null/],
    ['a string in an FP32 tensor', input(['5', 2, 3]), /element 0 \("5"\) is not a number/],
    ['the wrong datatype', input([1, 2, 3], { datatype: 'FP64' }), /input "input" has datatype FP64 but the model takes FP32/],
    ['a count that does not fill the shape', input([1, 2]), /input "input" has 2 elements but its shape \[1,3\] needs 3/],
    ['a row width the model does not take', { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] }, /shape \[1,4\] \(4 elements per row\) but the model takes \[-1,3\] \(3 per row\)/],
    ['an array parameter', { ...input([1, 2, 3]), parameters: { ids: [1, 2] } }, /parameters/],
    ["Triton's classification extension", { ...input([1, 2, 3]), outputs: [{ name: 'pulse', parameters: { classification: 2 } }] }, /classification/]
  ])('%s is a 400 naming it', async (_what, body, message) => {
    await refused(json(regressor, body), 400, message);
  });

  it('refuses a string input sent as a number, and an INT64 beyond 2^53, naming the tensor', async () => {
    const tensors = incomeModel.inputs(1, false).map((t) => (t.name === 'workclass' ? { ...t, data: [7] } : t));
    await refused(json(`/v2/models/${incomeModel.model}/infer`, { inputs: tensors.map(({ binary: _b, ...t }) => t) }), 400, /input "workclass": element 0 \(7\) is not a string/);
    await refused(json(`/v2/models/${int64Model.model}/infer`, { inputs: [{ name: 'input', shape: [1, 4], datatype: 'INT64', data: [2 ** 60, 1, 1, 1] }] }), 400, /input "input": element 0 .* is outside INT64's range/);
  });

  it('answers unknown models, versions, routes and methods with {"error"} too', async () => {
    await refused(json('/v2/models/nope/infer', input([1, 2, 3])), 404, /model "nope" not found/);
    await refused(json(`/v2/models/${multiRegressor.model}/versions/9/infer`, input([1, 2, 3])), 404, /has no version "9"; its versions: "1"/);
    const unknown = await call({ method: 'GET', path: '/v2/nope', headers: {} });
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toBe('application/json');
    expect(JSON.parse(unknown.body.toString())).toEqual({ error: 'no route GET /v2/nope' });
    const wrongMethod = await call({ method: 'GET', path: regressor, headers: {} });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('OPTIONS, POST');
    expect(kserveRead.errorMessage(wrongMethod)).toMatch(/GET is not allowed on .*infer; allowed: OPTIONS, POST/);
    const options = await call({ method: 'POST', path: '/v2/models/x', headers: {} });
    expect(options.status).toBe(405);
    expect(options.headers.allow).toBe('GET, HEAD, OPTIONS');
  });

  it('names the media type it refuses, and takes none, JSON or octet-stream', async () => {
    const body = input([1, 2, 3]);
    await refused(json(regressor, body, { 'Content-Type': 'text/plain' }), 415, /Content-Type "text\/plain" is not accepted here/);
    for (const type of [undefined, 'application/json', 'application/json; charset=utf-8', 'application/octet-stream']) {
      const res = await call(json(regressor, body, type ? { 'Content-Type': type } : {}));
      expect(res.status, `${type}: ${res.body.toString()}`).toBe(200);
    }
  });

  it('refuses bad compressed bodies: a decompression bomb is a 413, garbage a 400, an unknown coding a 415', async () => {
    // 64 MiB of spaces inside valid JSON gzips to ~64 KiB: decoded, it passes the 16 MiB limit
    const bomb = gzipSync(Buffer.concat([Buffer.from('{"inputs":['), Buffer.alloc(64 * 1024 * 1024, ' '), Buffer.from(']}')]));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    await refused({ method: 'POST', path: regressor, headers: { 'Content-Encoding': 'gzip' }, body: bomb }, 413, /larger than 16777216 bytes once decompressed/);
    await refused({ method: 'POST', path: regressor, headers: { 'Content-Encoding': 'gzip' }, body: Buffer.from('not gzip') }, 400, /not valid gzip data/);
    await refused({ method: 'POST', path: regressor, headers: { 'Content-Encoding': 'br' }, body: Buffer.from('{}') }, 415, /unsupported Content-Encoding "br"/);
  });

  it('refuses a binary body whose sizes do not add up, naming the tensor', async () => {
    const spec = tritonclient.infer({ model: multiRegressor.model, inputs: multiRegressor.inputs(1) });
    const cut = { ...spec, body: spec.body!.subarray(0, spec.body!.length - 4) };
    await refused(cut, 400, /input "input": binary_data_size 12 runs past the end of the body/);
  });

  it('never answers null in tensor data: a non-finite output is an error in JSON and exact as binary data', async () => {
    // this input drives the regressor's pulse past FP32's range
    const body = input([-3.4e38, 0, 0]);
    const asJson = await call(json(regressor, { ...body, outputs: [{ name: 'pulse', parameters: { binary_data: false } }] }));
    expect(asJson.status).toBe(500);
    expect(asJson.body.toString()).not.toContain('null');
    expect(kserveRead.errorMessage(asJson)).toMatch(/output "pulse" holds Infinity at element 0, which JSON cannot carry; ask for this output as binary data/);
    const asBinary = tritonRead.result(await call(tritonclient.infer({ model: multiRegressor.model, inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3], data: [-3.4e38, 0, 0] }] })));
    expect(asBinary.outputs.find((o) => o.name === 'pulse')!.values[0]).toBe(Infinity);
    // a KServe client asks for JSON: it is told why, in words it can read
    const res = await call(kserve.infer({ model: multiRegressor.model, inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3], data: [-3.4e38, 0, 0] }] }));
    expect(() => kserveRead.result(res)).toThrow(/output "weight_waist" holds -Infinity at element 0/);
  });
});
