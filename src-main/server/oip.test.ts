import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { fixtureSample } from '../../test/fixtures/index.ts';

/** A KServe / Triton client's calls, against ModelDesk (Open Inference Protocol v2). */
describe('Open Inference Protocol v2', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    const sample = fixtureSample('iris_lr');
    await server.register('iris_lr', {
      endpoint: 'iris',
      name: 'lr',
      version: '1',
      status: 'production',
      feature_names: JSON.stringify(sample.featureNames)
    });
  });
  afterAll(() => server.stop());

  it('reports server and model health and metadata', async () => {
    expect((await server.json('/v2')).body).toMatchObject({ name: 'modeldesk' });
    expect((await server.json('/v2/health/ready')).body).toEqual({ ready: true });
    const { body } = await server.json('/v2/models/income_classifier');
    expect(body).toMatchObject({ name: 'income_classifier', versions: ['0.0.1', '0.0.1@2'], platform: 'onnxruntime_onnx' });
    expect(body.inputs[1]).toEqual({ name: 'workclass', datatype: 'BYTES', shape: [-1, 1] });
    expect(body.outputs).toContainEqual({ name: 'output_probability', datatype: 'FP32', shape: [-1, 2] });
    expect((await server.json('/v2/models/nope/ready')).status).toBe(404);
  });

  it('infers per-column tensors and answers as the classic predict does', async () => {
    const sample = fixtureSample('income_rf');
    const records = sample.records.slice(0, 3);
    const inputs = Object.keys(records[0]!).map((name) => {
      const values = records.map((r) => r[name]);
      return { name, shape: [3, 1], datatype: typeof values[0] === 'string' ? 'BYTES' : 'FP32', data: values };
    });
    const { status, body } = await server.json('/v2/models/income_classifier/infer', { method: 'POST', json: { id: 'req-1', inputs } });
    expect(status).toBe(200);
    expect(body).toMatchObject({ model_name: 'income_classifier', model_version: '0.0.1', id: 'req-1' });
    const labels = body.outputs.find((o: any) => o.name === 'output_label');
    expect(labels).toEqual({ name: 'output_label', shape: [3], datatype: 'BYTES', data: sample.expected.slice(0, 3).map((e) => e.label) });
    const probabilities = body.outputs.find((o: any) => o.name === 'output_probability');
    expect(probabilities.shape).toEqual([3, 2]);
    expect(probabilities.data[1]).toBeCloseTo(sample.expected[0]!.probabilities![1]!, 4);
    expect(body.parameters.request_ids.split(',')).toHaveLength(3);
  });

  it('infers a 2-D tensor on a pinned version, returning only the requested outputs', async () => {
    const sample = fixtureSample('iris_lr');
    const rows = sample.records.slice(0, 2).map((r) => sample.featureNames!.map((f) => r[f] as number));
    const { body } = await server.json('/v2/models/iris/versions/1/infer', {
      method: 'POST',
      json: { inputs: [{ name: 'float_input', shape: [2, 4], datatype: 'FP32', data: rows.flat() }], outputs: [{ name: 'label' }] }
    });
    expect(body.outputs).toEqual([{ name: 'label', shape: [2], datatype: 'INT64', data: sample.expected.slice(0, 2).map((e) => e.label) }]);
  });

  it('answers errors in the protocol\'s shape', async () => {
    const bad = await server.json('/v2/models/iris/infer', {
      method: 'POST',
      json: { inputs: [{ name: 'float_input', shape: [2, 4], datatype: 'FP32', data: [1, 2, 3] }] }
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/3 elements but its shape \[2,4\] needs 8/);
    const missing = await server.json('/v2/models/nope/infer', { method: 'POST', json: { inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] } });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: 'model "nope" not found' });
    const version = await server.json('/v2/models/iris/versions/9/infer', { method: 'POST', json: { inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] } });
    expect(version.status).toBe(404);
  });
});
