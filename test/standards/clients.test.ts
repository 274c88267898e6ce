import { readFileSync } from 'node:fs';
import { gunzipSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeBinaryRequest } from '../../src-main/server/oip/binary-data.ts';
import { kserve, kserveRead, tritonclient, tritonRead, type ClientTensor, type RawResponse, type TritonInferOptions } from './clients.ts';
import { dumpsRapidjson, pythonFloatRepr } from './python-json.ts';
import { asJsonResponse, oipErrors, oipResponseSchema, oipSpec } from './oip-schema.ts';
import { modelDeskResponses, tritonReadResponses, tritonRequests, type TritonRequestFixture } from './fixtures/index.ts';

/** The options make_client_fixtures.py passed to the real InferenceServerClient.infer() for each case. */
const tritonOptions: Record<string, (inputs: ClientTensor[]) => Omit<TritonInferOptions, 'inputs'>> = {
  "classifier, binary inputs, no outputs named (tritonclient's defaults)": () => ({ model: 'income_classifier' }),
  'classifier, JSON inputs, JSON outputs named': () => ({ model: 'income_classifier', outputs: [{ name: 'output_label', binary: false }], requestId: 'req-42' }),
  'int64 model on a pinned version, label binary, probabilities JSON': () => ({
    model: 'int_model',
    version: '1',
    outputs: [{ name: 'label' }, { name: 'probabilities', binary: false }]
  }),
  'regressor, binary input, gzip request, gzip response asked': () => ({ model: 'diabetes', requestCompression: 'gzip', responseCompression: 'gzip' }),
  'regressor, JSON FP64 input, deflate request': () => ({ model: 'diabetes', requestCompression: 'deflate' }),
  'every datatype, binary': () => ({ model: 'all_types' }),
  'custom parameters, priority and timeout; JSON text with non-ASCII': () => ({
    model: 'income_classifier',
    priority: 1,
    timeout: 1000,
    parameters: { threshold: 0.5, note: 'x', flag: true }
  })
};
const jsonCases = new Set(['classifier, JSON inputs, JSON outputs named', 'regressor, JSON FP64 input, deflate request', 'custom parameters, priority and timeout; JSON text with non-ASCII']);

const uncompressed = (body: Buffer, encoding: string | undefined) => (encoding === 'gzip' ? gunzipSync(body) : encoding === 'deflate' ? inflateSync(body) : body);
const response = (status: number, body: string | Buffer, headers: Record<string, string> = {}): RawResponse => ({
  status,
  statusMessage: '',
  headers,
  body: Buffer.from(body)
});

describe('tritonclient.http requests, rebuilt by clients.ts', () => {
  it.each(tritonRequests().map((f) => [f.name, f] as const))('"%s" is byte for byte what the real client sent', (name, fixture: TritonRequestFixture) => {
    const inputs = fixture.expected_inputs.map((i) => ({ ...i, datatype: i.datatype as ClientTensor['datatype'], binary: !jsonCases.has(name) }));
    const built = tritonclient.infer({ inputs, ...tritonOptions[name]!(inputs) });
    expect(built.path).toBe(fixture.path);
    const { 'User-Agent': agent, ...headers } = built.headers;
    expect(agent).toBe('python/gevent-http-client-2.3.8');
    expect(headers).toEqual(fixture.headers);
    // gzip stamps the time: compare what the compressed bytes hold
    expect(uncompressed(built.body!, headers['Content-Encoding']).toString('base64')).toBe(uncompressed(fixture.body, fixture.headers['Content-Encoding']).toString('base64'));
  });

  it('writes floats and strings as python-rapidjson does', () => {
    const samples = JSON.parse(readFileSync(new URL('./fixtures/rapidjson-samples.json', import.meta.url), 'utf8'));
    for (const { repr, dumps } of samples.floats) expect(pythonFloatRepr(Number(repr))).toBe(dumps);
    for (const { value, dumps } of samples.strings) expect(dumpsRapidjson(value)).toBe(dumps);
  });
});

describe('responses read as the clients read them', () => {
  it('tritonRead decodes ModelDesk responses as the real InferResult did', () => {
    const real = tritonReadResponses();
    modelDeskResponses().forEach((r, i) => {
      const headers: Record<string, string> = r.header_length === null ? {} : { 'inference-header-content-length': String(r.header_length) };
      const read = tritonRead.result(response(200, r.body, headers));
      expect(read.outputs.map(({ name, shape, values }) => ({ name, shape, values }))).toEqual(real[i]!.outputs.map(({ name, shape, values }) => ({ name, shape, values })));
    });
  });

  it('finds the server message where each client looks for it', () => {
    expect(tritonRead.error(response(400, '{"error":"input \\"age\\" is missing"}'))).toEqual({ status: '400', message: 'input "age" is missing' });
    expect(tritonRead.error(response(201, '{"model_name":"m"}'))?.message).toMatch(/KeyError: 'error'/); // anything but 200 is an error
    expect(tritonRead.error(response(500, ''))?.message).toBe('client received an empty response from the server.');
    const body = '{"error":"model \\"nope\\" not found"}';
    expect(kserveRead.errorMessage(response(404, body, { 'content-type': 'application/json' }))).toBe('model "nope" not found');
    expect(kserveRead.errorMessage(response(404, body, { 'content-type': 'application/json; charset=utf-8' }))).toBe('');
  });

  it('fails where the clients fail: KServe needs model_name, numpy cannot put null in an INT64 tensor', () => {
    const noName = response(200, '{"outputs":[{"name":"y","shape":[1],"datatype":"FP32","data":[1]}]}');
    expect(() => kserveRead.result(noName)).toThrow(/KeyError: 'model_name'/);
    const nullInt = response(200, '{"model_name":"m","outputs":[{"name":"y","shape":[1],"datatype":"INT64","data":[null]}]}');
    expect(() => tritonRead.result(nullInt)).toThrow(/TypeError/);
    expect(kserveRead.result(response(200, '{"model_name":"m","outputs":[{"name":"y","shape":[2,1],"datatype":"FP32","data":[[1],[2]]}]}')).outputs[0]!.values).toEqual([1, 2]);
  });
});

describe('KServe InferenceRESTClient requests', () => {
  const x: ClientTensor = { name: 'x', datatype: 'FP32', shape: [1, 2], data: [0.5, 2] };
  it('sends JSON with Content-Type from v0.20 on, without before, and binary inputs as application/octet-stream', () => {
    expect(kserve.infer({ model: 'm', inputs: [x], id: '1' }).headers['content-type']).toBe('application/json');
    expect(kserve.infer({ model: 'm', inputs: [x], id: '1', release: 'v0.19' }).headers['content-type']).toBeUndefined();
    const binary = kserve.infer({ model: 'm', inputs: [{ ...x, binary: true }], id: '1', release: 'v0.19' });
    expect(binary.headers['content-type']).toBe('application/octet-stream');
    const decoded = decodeBinaryRequest(binary.body!, Number(binary.headers['inference-header-content-length']));
    expect(decoded).toEqual({ id: '1', model_name: 'm', inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP32', data: [0.5, 2] }] });
  });
});

describe('the Open Inference Protocol schemas (open_inference_rest.yaml)', () => {
  it('accept the spec\'s own example and ModelDesk\'s encoded responses, read back as JSON', () => {
    const example = (oipSpec.components.schemas.inference_request as any)['x-examples']['Example 1'];
    expect(oipErrors('inference_request', example)).toEqual([]);
    modelDeskResponses().forEach((r) => {
      const headers: Record<string, string> = r.header_length === null ? {} : { 'inference-header-content-length': String(r.header_length) };
      expect(oipErrors('inference_response', asJsonResponse(tritonRead.result(response(200, r.body, headers))))).toEqual([]);
    });
  });

  it('refuse null in tensor data and parameters that are not scalars', () => {
    const bad = { model_name: 'm', parameters: { request_ids: [1, 2] }, outputs: [{ name: 'y', shape: [1], datatype: 'FP32', data: [null] }] };
    const errors = oipErrors('inference_response', bad);
    expect(errors).toContainEqual(expect.stringMatching(/^\/outputs\/0\/data\/0 must match a schema in anyOf/));
    expect(errors).toContainEqual(expect.stringMatching(/^\/parameters\/request_ids must be a string, number or boolean/));
    expect(oipErrors('metadata_server_response', { name: 'modeldesk', version: '1' })).toContainEqual(expect.stringMatching(/extensions/));
  });

  it('say which schema each v2 route answers with', () => {
    expect(oipResponseSchema('GET', '/v2/', 200)).toBe('metadata_server_response');
    expect(oipResponseSchema('GET', '/v2', 200)).toBe('metadata_server_response');
    expect(oipResponseSchema('GET', '/v2/models/m', 200)).toBe('metadata_model_response');
    expect(oipResponseSchema('GET', '/v2/models/m/versions/1', 404)).toBe('metadata_model_error_response');
    expect(oipResponseSchema('POST', '/v2/models/m/infer', 200)).toBe('inference_response');
    expect(oipResponseSchema('POST', '/v2/models/m/versions/1/infer', 413)).toBe('inference_error_response');
    expect(oipResponseSchema('GET', '/v2/models/m/ready', 200)).toBe('ready_model_response');
    expect(oipResponseSchema('GET', '/v2/health/live', 200)).toBe('live_server_response');
    expect(oipResponseSchema('GET', '/v2/unknown', 200)).toBeUndefined();
  });
});
