/**
 * Issue 21 and issue 12 §2 over a real server: every PyTorch fixture, registered as a user would,
 * answers its records as PyTorch did (within the fixture's tolerance) through the classic predict
 * route, one by one and as one array (sequences of two lengths mixed), and through Open Inference v2.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTo, flatten, torchFixtureNames, torchFixtureSample, type TorchFixtureName } from '../../test/fixtures/index.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { expectAnswer, expectTensor, registerTorch } from '../../test/helpers/torch-models.ts';

describe('PyTorch exports through the classic API and v2', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ seed: false });
    for (const name of torchFixtureNames) {
      const { status, body } = await registerTorch(server, name);
      expect(status, JSON.stringify(body)).toBe(201);
    }
  });
  afterAll(() => server.stop());

  const predict = async (name: string, body: unknown) => server.json(`/api/v1/${name}/predict`, { method: 'POST', json: body });

  it('registration keeps the classes and says what the scores are', async () => {
    const { body } = await server.json('/api/v1/mlalgorithms');
    const byEndpoint = Object.fromEntries((body as any[]).map((a) => [a.endpoint, a]));
    expect(byEndpoint.wine_logits).toMatchObject({ task: 'classification', output_kind: 'logits', classes: ['class_0', 'class_1', 'class_2'], handles_missing: false });
    expect(byEndpoint.breast_cancer_logit).toMatchObject({ task: 'classification', output_kind: 'logits', classes: ['malignant', 'benign'] });
    // the suggestion from the graph (Softmax at the end) when only classes were given
    expect(byEndpoint.wine_softmax).toMatchObject({ task: 'classification', output_kind: 'probabilities' });
    expect(byEndpoint.int64_model).toMatchObject({ task: 'classification', output_kind: 'probabilities' });
    expect(byEndpoint.multi_regressor).toMatchObject({ task: 'other', output_kind: null });
    expect(byEndpoint.adult_embedding.signature.inputs[1]).toEqual({ name: 'sex', type: 'int64', shape: ['batch', 1], range: [0, 1] });
  });

  it.each(torchFixtureNames)('%s: every record alone answers as PyTorch did', async (name) => {
    const sample = torchFixtureSample(name);
    for (const [i, record] of sample.records.entries()) {
      const { status, body } = await predict(name, record);
      expect(status).toBe(200);
      expectAnswer(sample, body, sample.expected[i]!, `record ${i}`);
    }
  });

  it.each(torchFixtureNames)('%s: all records as one array answer in order', async (name) => {
    const sample = torchFixtureSample(name);
    const { status, body } = await predict(name, sample.records);
    expect(status).toBe(200);
    expect(body.predictions).toHaveLength(sample.records.length);
    body.predictions.forEach((answer: unknown, i: number) => expectAnswer(sample, answer, sample.expected[i]!, `record ${i}`));
  });

  it('seq_dynamic: sequences of lengths 5 and 9 mixed in one call run separately, never padded', async () => {
    const sample = torchFixtureSample('seq_dynamic');
    const order = [1, 0, 3, 2, 4, 5, 7, 6];
    const { body } = await predict('seq_dynamic', order.map((i) => sample.records[i]));
    order.forEach((i, k) => expectAnswer(sample, body.predictions[k], sample.expected[i]!, `record ${i}`));
    // concurrent single calls of both lengths go through the batcher: each shape its own batch
    const answers = await Promise.all(sample.records.map((record) => predict('seq_dynamic', record)));
    answers.forEach(({ body: answer }, i) => expectAnswer(sample, answer, sample.expected[i]!, `concurrent record ${i}`));
  });

  it('accepts the other forms of a record: flat arrays, bare ids, a bare array for a single input', async () => {
    const digits = torchFixtureSample('digits_image');
    const flat = { image: flatten(digits.records[0]!.image!) };
    expectAnswer(digits, (await predict('digits_image', flat)).body, digits.expected[0]!, 'flat image');
    expectAnswer(digits, (await predict('digits_image', [digits.records[1]!.image])).body.predictions[0], digits.expected[1]!, 'bare nested array');
    const adult = torchFixtureSample('adult_embedding');
    const bareId = { ...adult.records[0]!, sex: (adult.records[0]!.sex as number[])[0] };
    expectAnswer(adult, (await predict('adult_embedding', bareId)).body, adult.expected[0]!, 'bare id');
    const wine = torchFixtureSample('wine_logits');
    expectAnswer(wine, (await predict('wine_logits', [wine.records[0]!.input])).body.predictions[0], wine.expected[0]!, 'bare array');
  });

  it.each(torchFixtureNames)('%s: each v2 batch answers PyTorch\'s outputs', async (name) => {
    const sample = torchFixtureSample(name);
    for (const batch of sample.v2) {
      const { status, body } = await server.json(`/v2/models/${name}/infer`, { method: 'POST', json: batch.request });
      expect(status, JSON.stringify(body)).toBe(200);
      for (const want of batch.expectedOutputs) {
        const got = body.outputs.find((o: { name: string }) => o.name === want.name);
        expect(got, want.name).toMatchObject({ name: want.name, shape: want.shape, datatype: want.datatype });
        expectTensor(got.data, want.data, want.datatype === 'INT64', sample.tolerance, `v2 ${want.name}`);
      }
    }
  });

  it('wine_logits: the probabilities are the softmax of the logits, and A/B accuracy can use its labels', async () => {
    const sample = torchFixtureSample('wine_logits');
    const { body } = await predict('wine_logits', sample.records[5]);
    const logits = body.outputs.logits as number[];
    const exp = logits.map((v) => Math.exp(v - Math.max(...logits)));
    const softmax = exp.map((v) => v / exp.reduce((a, b) => a + b, 0));
    softmax.forEach((p, j) => expect(closeTo(body.probabilities[`class_${j}`], p, sample.tolerance)).toBe(true));
    const feedback = await server.json(`/api/v1/mlrequests/${body.request_id}`, { method: 'PUT', json: { feedback: body.label } });
    expect(feedback.status).toBe(200);
    const { body: logged } = await server.json(`/api/v1/mlrequests/${body.request_id}`, { admin: true });
    expect(logged).toMatchObject({ response: sample.expected[5]!.label, feedback: sample.expected[5]!.label });
  });
});

describe('registering tensor classifiers: refusals name the field', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ seed: false });
  });
  afterAll(() => server.stop());

  it.each<[string, TorchFixtureName, Record<string, string>, string, RegExp]>([
    ['an unknown output kind', 'wine_logits', { output_kind: 'odds' }, 'output_kind', /output_kind must be one of probabilities, logits, scores/],
    ['three classes for one logit', 'breast_cancer_logit', { classes: '["a","b","c"]' }, 'classes', /so 2 classes/],
    ['classes for a two-output regressor', 'multi_regressor', { classes: '["a","b"]' }, 'classes', /one float output/],
    ['handles_missing that is not a boolean', 'wine_logits', { handles_missing: 'maybe' }, 'handles_missing', /true or false/]
  ])('%s', async (_what, name, extra, field, message) => {
    const { status, body } = await registerTorch(server, name, extra);
    expect(status).toBe(400);
    expect(body).toMatchObject({ status: 'Error', field });
    expect(body.message).toMatch(message);
    expect((await server.json('/api/v1/mlalgorithms')).body).toEqual([]);
  });

  it('scores: a label without probabilities', async () => {
    expect((await registerTorch(server, 'wine_logits', { output_kind: 'scores' })).status).toBe(201);
    const sample = torchFixtureSample('wine_logits');
    const { body } = await server.json('/api/v1/wine_logits/predict', { method: 'POST', json: sample.records[0] });
    expect(body).toMatchObject({ label: sample.expected[0]!.label, probability: null, probabilities: null });
    expect(body.outputs.logits.every((v: number, j: number) => closeTo(v, (sample.expected[0]!.outputs.logits as number[])[j]!, sample.tolerance))).toBe(true);
  });
});
