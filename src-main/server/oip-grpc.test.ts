import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureSample, repoRoot, tutorialRecord } from '../../test/fixtures/index.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

/**
 * Issue 19 §4: Open Inference v2 over gRPC, called by a real @grpc/grpc-js client built from the
 * Open Inference Protocol's own proto (test/standards, verbatim), as a KServe or Triton gRPC
 * client would call it: typed contents and raw bytes, answers equal to the REST v2 path's.
 */
const standardProto = join(repoRoot, 'test/standards/open-inference-protocol/open_inference_grpc.proto');
type Unary = (request: object, metadata: grpc.Metadata, callback: (err: grpc.ServiceError | null, res: any) => void) => void;

describe('Open Inference v2 over gRPC', () => {
  let server: TestServer;
  let client: grpc.Client & Record<string, Unary>;
  const call = (method: string, request: object = {}, metadata = new grpc.Metadata()) =>
    new Promise<any>((resolve, reject) => client[method]!(request, metadata, (err, res) => (err ? reject(err) : resolve(res))));
  const failure = (method: string, request: object) => call(method, request).then(() => null, (err: grpc.ServiceError) => ({ code: err.code, details: err.details }));
  const logged = async () => (await server.json('/api/v1/mlrequests?page_size=1', { admin: true })).body.count as number;

  beforeAll(async () => {
    server = await startTestServer({ grpcPort: 0 });
    const iris = fixtureSample('iris_lr');
    expect((await server.register('iris_lr', { endpoint: 'iris', name: 'lr', version: '1.0', status: 'production', feature_names: JSON.stringify(iris.featureNames) })).status).toBe(201);
    const definition = protoLoader.loadSync(standardProto, { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true });
    const Service = (grpc.loadPackageDefinition(definition) as any).inference.GRPCInferenceService as grpc.ServiceClientConstructor;
    client = new Service(`127.0.0.1:${server.grpcPort}`, grpc.credentials.createInsecure()) as any;
  });
  afterAll(async () => {
    client?.close();
    await server?.stop();
  });

  it('serves the protocol\'s own proto, on a port of its own; off unless asked for', async () => {
    expect(readFileSync(join(repoRoot, 'proto/grpc_predict_v2.proto'), 'utf8')).toBe(readFileSync(standardProto, 'utf8'));
    expect(server.grpcPort).toBeGreaterThan(0);
    expect(server.grpcPort).not.toBe(server.port);
    const plain = await startTestServer({ seed: false });
    try {
      expect(plain.grpcPort).toBeNull();
    } finally {
      await plain.stop();
    }
  });

  it('health, server and model metadata', async () => {
    expect(await call('ServerLive')).toEqual({ live: true });
    expect(await call('ServerReady')).toEqual({ ready: true });
    expect(await call('ServerMetadata')).toEqual({ name: 'modeldesk', version: expect.any(String), extensions: [] });
    expect(await call('ModelReady', { name: 'iris', version: '' })).toEqual({ ready: true });
    const meta = await call('ModelMetadata', { name: 'income_classifier', version: '' });
    expect(meta).toMatchObject({ name: 'income_classifier', versions: ['0.0.1', '0.0.1@2'], platform: 'onnxruntime_onnx' });
    expect(meta.inputs).toHaveLength(14);
    expect(meta.inputs.find((i: any) => i.name === 'workclass')).toEqual({ name: 'workclass', datatype: 'BYTES', shape: [-1, 1] });
    expect(meta.outputs.find((o: any) => o.name === 'output_probability')).toEqual({ name: 'output_probability', datatype: 'FP32', shape: [-1, 2] });
  });

  it('infers with typed contents exactly as v2 over REST does, through the same logged path', async () => {
    const records = [tutorialRecord, { ...tutorialRecord, age: 52, 'hours-per-week': 40, 'capital-gain': 15024 }];
    const meta = await call('ModelMetadata', { name: 'income_classifier', version: '' });
    const key = (name: string) => Object.keys(tutorialRecord).find((k) => k.replace(/-/g, '_') === name)!;
    const columns = meta.inputs.map((i: any) => ({ name: i.name, datatype: i.datatype, values: records.map((r: any) => r[key(i.name)]) }));
    const before = await logged();
    const answer = await call('ModelInfer', {
      model_name: 'income_classifier',
      id: 'call-1',
      inputs: columns.map((c: any) => ({
        name: c.name,
        datatype: c.datatype,
        shape: [2, 1],
        contents: c.datatype === 'BYTES' ? { bytes_contents: c.values.map((v: string) => Buffer.from(v)) } : { fp32_contents: c.values }
      }))
    });
    const rest = await server.json('/v2/models/income_classifier/infer', {
      method: 'POST',
      json: { inputs: columns.map((c: any) => ({ name: c.name, datatype: c.datatype, shape: [2, 1], data: c.values })) }
    });
    expect(rest.status).toBe(200);
    expect(answer).toMatchObject({ model_name: 'income_classifier', model_version: '0.0.1', id: 'call-1', raw_output_contents: [] });
    const label = answer.outputs.find((o: any) => o.name === 'output_label');
    const probability = answer.outputs.find((o: any) => o.name === 'output_probability');
    expect(label).toMatchObject({ datatype: 'BYTES', shape: [2] });
    expect(label.contents.bytes_contents.map((b: Buffer) => b.toString())).toEqual(rest.body.outputs.find((o: any) => o.name === 'output_label').data);
    expect(probability).toMatchObject({ datatype: 'FP32', shape: [2, 2] });
    // fp32 on the wire: the same float32 values REST writes as JSON doubles
    expect(probability.contents.fp32_contents).toEqual(rest.body.outputs.find((o: any) => o.name === 'output_probability').data.map((p: number) => Math.fround(p)));
    const ids = answer.parameters.request_ids.string_param.split(',').map(Number);
    expect(ids).toHaveLength(2);
    expect(answer.parameters.algorithm_id.int64_param).toBe(rest.body.parameters.algorithm_id);
    expect(await logged()).toBe(before + 4);
    const row = (await server.json(`/api/v1/mlrequests/${ids[0]}`, { admin: true })).body;
    expect(JSON.parse(row.input_data)).toMatchObject({ age: 37, workclass: 'Private' });
  });

  it('infers with raw_input_contents (as Triton\'s gRPC client sends) and answers raw_output_contents', async () => {
    const records = fixtureSample('iris_lr').records.slice(0, 3).map((r) => Object.values(r) as number[]);
    const raw = Buffer.from(new Float32Array(records.flat()).buffer);
    const answer = await call('ModelInfer', {
      model_name: 'iris',
      model_version: '1.0',
      inputs: [{ name: 'float_input', datatype: 'FP32', shape: [3, 4] }],
      raw_input_contents: [raw]
    });
    const rest = await server.json('/v2/models/iris/versions/1.0/infer', {
      method: 'POST',
      json: { inputs: [{ name: 'float_input', datatype: 'FP32', shape: [3, 4], data: [...new Float32Array(records.flat())] }] }
    });
    expect(answer.outputs.map((o: any) => [o.name, o.datatype, o.shape])).toEqual(rest.body.outputs.map((o: any) => [o.name, o.datatype, o.shape]));
    expect(answer.raw_output_contents).toHaveLength(answer.outputs.length);
    const labelAt = answer.outputs.findIndex((o: any) => o.name === 'label');
    const labels = answer.raw_output_contents[labelAt] as Buffer;
    expect([0, 1, 2].map((i) => Number(labels.readBigInt64LE(i * 8)))).toEqual(rest.body.outputs[labelAt].data);
    const probsAt = answer.outputs.findIndex((o: any) => o.name === 'probabilities');
    const probs = answer.raw_output_contents[probsAt] as Buffer;
    expect(Array.from(new Float32Array(probs.buffer.slice(probs.byteOffset, probs.byteOffset + probs.length)))).toEqual(rest.body.outputs[probsAt].data.map(Math.fround));
  });

  it('bad calls get the protocol\'s status codes with a message, and nothing is logged', async () => {
    const before = await logged();
    expect(await failure('ModelInfer', { model_name: 'nope', inputs: [{ name: 'x', datatype: 'FP32', shape: [1], contents: { fp32_contents: [1] } }] })).toEqual({
      code: grpc.status.NOT_FOUND,
      details: 'model "nope" not found'
    });
    expect(await failure('ModelReady', { name: 'iris', version: '9' })).toEqual({ code: grpc.status.NOT_FOUND, details: 'model "iris" has no version "9"; its versions: "1.0"' });
    const wrongType = await failure('ModelInfer', { model_name: 'iris', inputs: [{ name: 'float_input', datatype: 'FP64', shape: [1, 4], contents: { fp64_contents: [1, 2, 3, 4] } }] });
    expect(wrongType).toEqual({ code: grpc.status.INVALID_ARGUMENT, details: 'input "float_input" has datatype FP64 but the model takes FP32' });
    const short = await failure('ModelInfer', { model_name: 'iris', inputs: [{ name: 'float_input', datatype: 'FP32', shape: [2, 4], contents: { fp32_contents: [1, 2, 3, 4] } }] });
    expect(short?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(short?.details).toMatch(/has 4 elements but its shape \[2,4\] needs 8/);
    const rawCount = await failure('ModelInfer', { model_name: 'iris', inputs: [{ name: 'float_input', datatype: 'FP32', shape: [1, 4] }], raw_input_contents: [Buffer.alloc(12)] });
    expect(rawCount).toEqual({ code: grpc.status.INVALID_ARGUMENT, details: 'input "float_input": binary_data_size is 12 bytes but 4 FP32 elements need 16' });
    expect((await failure('ModelInfer', { model_name: 'iris', inputs: [{ name: 'float_input', datatype: 'FP17', shape: [1] }] }))?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(await logged()).toBe(before);
  });
  // who may call what (the HTTP credentials, modes and TLS): access/grpc-access.test.ts
});
