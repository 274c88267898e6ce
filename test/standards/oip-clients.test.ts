import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { kserve, kserveRead, send, tritonclient, tritonRead, type HttpRequestSpec } from './clients.ts';
import { conformanceModels, expectOutputs, expectSpecAnswer, incomeModel, int64Model, multiRegressor, registerConformanceModels } from './oip-models.ts';
import { asJsonResponse, oipErrors } from './oip-schema.ts';

/**
 * Issue 14, "Done means": the exact requests tritonclient.http and KServe's InferenceRESTClient
 * send (test/standards/clients.ts, rebuilt from their source: no Content-Type, gzip and deflate,
 * the binary tensor data extension) against a real ModelDesk, for a classifier with string
 * inputs, an int64 model and a multi-output regressor; each answer read as the client reads it
 * and held to the Open Inference Protocol's own schemas.
 */
describe('Open Inference v2 clients against ModelDesk', () => {
  let server: TestServer;
  const call = (spec: HttpRequestSpec, headers?: Record<string, string>) => send(server.url, spec, headers);
  beforeAll(async () => {
    server = await startTestServer();
    await registerConformanceModels(server);
  });
  afterAll(() => server.stop());

  describe.each(conformanceModels.map((m) => [m.model, m] as const))('%s', (_name, model) => {
    it("tritonclient's defaults: binary inputs, every output binary, no Content-Type", async () => {
      const spec = tritonclient.infer({ model: model.model, inputs: model.inputs(3) });
      expect(spec.headers['Content-Type']).toBeUndefined();
      const res = await call(spec);
      expect(res.status).toBe(200);
      expect(res.headers['inference-header-content-length']).toMatch(/^\d+$/);
      expect(res.headers['content-type']).toBe('application/octet-stream');
      const read = tritonRead.result(res);
      expect(read.outputs.every((o) => o.binary)).toBe(true);
      expectOutputs(model, 3, read.outputs);
      expect(oipErrors('inference_response', asJsonResponse(read))).toEqual([]);
    });

    it('tritonclient with JSON inputs and outputs, a request id, and gzip or deflate bodies', async () => {
      for (const requestCompression of [undefined, 'gzip', 'deflate'] as const) {
        const names = Object.keys(model.expected(1));
        const spec = tritonclient.infer({
          model: model.model,
          inputs: model.inputs(2, false),
          outputs: names.map((name) => ({ name, binary: false })),
          requestId: 'req-7',
          ...(requestCompression ? { requestCompression } : {})
        });
        const res = await call(spec);
        expect(res.status, res.body.toString()).toBe(200);
        expect(res.headers['content-type']).toBe('application/json');
        const read = tritonRead.result(res);
        expect(read.header).toMatchObject({ model_name: model.model, model_version: expect.any(String), id: 'req-7' });
        expectOutputs(model, 2, read.outputs);
        expectSpecAnswer('POST', spec.path, res);
      }
    });

    it('tritonclient asking for one output, binary, on the versioned path the metadata lists', async () => {
      const meta = await call(tritonclient.get({ model: model.model }));
      const version = JSON.parse(meta.body.toString()).versions[0] as string;
      const name = Object.keys(model.expected(1))[0]!;
      const res = await call(tritonclient.infer({ model: model.model, version, inputs: model.inputs(4), outputs: [{ name }] }));
      const read = tritonRead.result(res);
      expect(read.header.model_version).toBe(version);
      expectOutputs(model, 4, read.outputs, [name]);
    });

    it('KServe InferenceRESTClient: JSON without Content-Type (v0.19), with it (v0.20), and binary inputs', async () => {
      for (const options of [{ release: 'v0.19' as const }, { release: 'v0.20' as const }, { binary: true }]) {
        const inputs = model.inputs(2, options.binary ?? false);
        const spec = kserve.infer({ model: model.model, inputs, ...('release' in options ? { release: options.release } : {}) });
        const res = await call(spec);
        expect(res.status, res.body.toString()).toBe(200);
        const read = kserveRead.result(res);
        // KServe asks for nothing binary: every output comes back as JSON data
        expect(read.outputs.every((o) => !o.binary)).toBe(true);
        expect(read.header.id).toBe(JSON.parse(spec.body!.subarray(0, Number(spec.headers['inference-header-content-length'] ?? spec.body!.length)).toString()).id);
        expectOutputs(model, 2, read.outputs);
        expectSpecAnswer('POST', spec.path, res);
      }
    });

    it('metadata and readiness as both clients ask for them', async () => {
      const meta = await call(tritonclient.get({ model: model.model }));
      expectSpecAnswer('GET', `/v2/models/${model.model}`, meta);
      const body = JSON.parse(meta.body.toString());
      expect(body.outputs.map((o: { name: string }) => o.name).sort()).toEqual(Object.keys(model.expected(1)).sort());
      expect(kserveRead.health(await call(kserve.get({ model: model.model })), 'model')).toBe(true);
      expect((await call(tritonclient.get({ model: model.model, ready: true }))).status).toBe(200);
    });
  });

  it('answers server metadata at /v2 and /v2/, listing the binary tensor data extension', async () => {
    for (const path of ['/v2', '/v2/']) {
      const res = await call({ method: 'GET', path, headers: {} });
      expectSpecAnswer('GET', path, res);
      expect(JSON.parse(res.body.toString())).toMatchObject({ name: 'modeldesk', extensions: ['binary_tensor_data'] });
    }
    expect(kserveRead.health(await call(kserve.get('ready')), 'ready')).toBe(true);
    expect(kserveRead.health(await call(kserve.get('live')), 'live')).toBe(true);
    expect((await call(tritonclient.get('live'))).status).toBe(200);
  });

  it('lists each version once, and every listed version answers metadata, readiness and inference', async () => {
    const meta = JSON.parse((await call(tritonclient.get({ model: incomeModel.model }))).body.toString());
    // the seeded forest and regression are both 0.0.1: production keeps the bare version
    expect(meta.versions).toEqual(['0.0.1', '0.0.1@2']);
    const seen = new Set<number>();
    for (const version of meta.versions as string[]) {
      const versioned = await call(tritonclient.get({ model: incomeModel.model, version }));
      expect(versioned.status).toBe(200);
      expectSpecAnswer('GET', `/v2/models/${incomeModel.model}/versions/${version}`, versioned);
      expect((await call(tritonclient.get({ model: incomeModel.model, version, ready: true }))).status).toBe(200);
      const res = await call(tritonclient.infer({ model: incomeModel.model, version, inputs: incomeModel.inputs(1) }));
      const read = tritonRead.result(res);
      expect(read.header.model_version).toBe(version);
      seen.add(Number(read.header.parameters.algorithm_id));
    }
    expect([...seen].sort()).toEqual([1, 2]);
  });

  it('answers scalar parameters: the logged request ids as one comma-separated string', async () => {
    const res = await call(kserve.infer({ model: multiRegressor.model, inputs: multiRegressor.inputs(3, false) }));
    const { parameters } = JSON.parse(res.body.toString());
    expect(parameters.request_ids).toMatch(/^\d+,\d+,\d+$/);
    for (const id of parameters.request_ids.split(',')) {
      const row = await server.json(`/api/v1/mlrequests/${id}`, { admin: true });
      expect(row.body.endpoint).toBeGreaterThan(1);
    }
    expect(oipErrors('parameters', parameters)).toEqual([]);
  });

  it('reads nested data as the spec allows, and a KServe request id finds its log rows through X-Request-Id', async () => {
    const rows = [
      [44, 30, 13, 2],
      [61, 30, 49, 18]
    ];
    const res = await server.request(`/v2/models/${int64Model.model}/infer`, {
      method: 'POST',
      headers: { 'x-request-id': 'client-abc-1' },
      json: { inputs: [{ name: 'input', shape: [2, 4], datatype: 'INT64', data: rows }] }
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('client-abc-1');
    const body = (await res.json()) as { outputs: { name: string; data: unknown }[]; parameters: { request_ids: string } };
    expect(body.outputs.find((o: { name: string }) => o.name === 'label')!.data).toEqual(int64Model.expected(2).label);
    const logged = await server.json('/api/v1/mlrequests?client_request_id=client-abc-1', { admin: true });
    expect(logged.body.results.map((r: { id: number }) => String(r.id)).join(',')).toBe(body.parameters.request_ids);
  });
});
