/**
 * The Playground's tensor editors and the server read records by the same rule (issue 21): the
 * renderer's own code (src-renderer/src/lib), run here in Node against a real server. The zeros
 * an editor starts with are a record the server takes; an input example fills the editors and
 * answers as PyTorch did; a value the editor refuses is refused by the server with the same
 * words; the snippets carry the record in its shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Algorithm } from '../src-renderer/src/api/types.ts';
import { firstRecord, formSpecOf } from '../src-renderer/src/lib/record-form.ts';
import { curlSnippet, fetchSnippet, pythonSnippet } from '../src-renderer/src/lib/snippets.ts';
import { checkTensorText, startValues, tensorJson } from '../src-renderer/src/lib/tensor-form.ts';
import { torchFixtureNames, torchFixtureSample, tutorialRecord, type TorchFixtureName } from './fixtures/index.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { expectAnswer, registerTorch } from './helpers/torch-models.ts';

describe('the Playground\'s tensor editors and the server agree', () => {
  let server: TestServer;
  const algorithms = new Map<string, Algorithm>();
  beforeAll(async () => {
    server = await startTestServer({ seed: true });
    for (const name of torchFixtureNames) algorithms.set(name, (await registerTorch(server, name)).body as Algorithm);
  });
  afterAll(() => server.stop());

  const predict = async (endpoint: string, record: unknown) => (await server.json(`/api/v1/${endpoint}/predict`, { method: 'POST', json: record })).body;
  const specOf = (name: TorchFixtureName) => {
    const spec = formSpecOf(algorithms.get(name));
    if (spec.kind !== 'tensors') throw new Error(`${name}: ${spec.kind}`);
    return spec;
  };

  it.each(torchFixtureNames)('%s: one editor per input, shape and type shown; its zeros are a record the server answers', async (name) => {
    const sample = torchFixtureSample(name);
    const spec = specOf(name);
    expect(spec.inputs.map((i) => i.slot.input)).toEqual(sample.inputs.map((i) => i.name));
    const record = startValues(spec.inputs, null);
    const answer = await predict(name, record);
    expect(answer.status, answer.message).toBe('OK');
  });

  it('the editors show shapes, embedding ids and which inputs take a picture', () => {
    expect(specOf('digits_image').inputs[0]).toMatchObject({ shapeText: 'float32 [1, 8, 8]', image: { order: 'chw', channels: 1, height: 8, width: 8 } });
    expect(specOf('adult_embedding').inputs.map((i) => [i.shapeText, i.image])).toEqual([['float32 [6]', null], ['int64 [1] · ids 0–1', null]]);
    expect(specOf('seq_dynamic').inputs[0]!.shapeText).toBe('int64 [seq] · ids 0–19');
  });

  it.each(torchFixtureNames)('%s: an input example fills the editors and answers as PyTorch did', async (name) => {
    const sample = torchFixtureSample(name);
    const spec = specOf(name);
    const texts = Object.entries(startValues(spec.inputs, sample.records[1])).map(([input, value]) => [input, tensorJson(value)] as const);
    const record: Record<string, unknown> = {};
    for (const [input, text] of texts) {
      const checked = checkTensorText(text, spec.inputs.find((i) => i.slot.input === input)!.slot, false);
      if ('error' in checked) throw new Error(checked.error);
      record[input] = checked.value;
    }
    expectAnswer(sample, await predict(name, record), sample.expected[1]!, 'from the editors');
  });

  it.each<[TorchFixtureName, string, string]>([
    ['digits_image', 'image', '[[0, 1], [1, 0]]'],
    ['seq_dynamic', 'tokens', '[1, 2, 25]'],
    ['adult_embedding', 'sex', '[0.5]'],
    ['wine_logits', 'input', '[1, 2, 3]'],
    ['seq_dynamic', 'tokens', '[]']
  ])('%s: %s = %s is refused by the editor with the server\'s own message', async (name, input, text) => {
    const spec = specOf(name);
    const checked = checkTensorText(text, spec.inputs.find((i) => i.slot.input === input)!.slot, false);
    expect('error' in checked).toBe(true);
    const record = { ...startValues(spec.inputs, null), [input]: JSON.parse(text) };
    const answer = await predict(name, record);
    expect(answer).toMatchObject({ status: 'Error', message: (checked as { error: string }).error, field: input });
  });

  it('the first-call snippets carry each model\'s record shape', () => {
    const digits = firstRecord(algorithms.get('digits_image')) as { image: number[][][] };
    expect(digits.image).toHaveLength(1);
    expect(digits.image[0]).toHaveLength(8);
    const call = { url: 'http://127.0.0.1:8765/api/v1/digits_image/predict', body: digits };
    expect(curlSnippet(call)).toContain(`-d '{"image":[[[0,0,0,0,0,0,0,0],`);
    expect(fetchSnippet(call)).toContain('  "image": [\n    [\n      [0, 0, 0, 0, 0, 0, 0, 0],');
    expect(pythonSnippet(call)).toContain('"image": [\n        [\n            [0, 0, 0, 0, 0, 0, 0, 0],');
    expect(firstRecord(algorithms.get('adult_embedding'))).toEqual({ numeric: [0, 0, 0, 0, 0, 0], sex: [0] });
  });

  it('the income classifier keeps its fields and the tutorial\'s keys', async () => {
    const { body } = await server.json<Algorithm[]>('/api/v1/mlalgorithms');
    const income = body.find((a) => a.endpoint === 'income_classifier' && a.current_status === 'production');
    expect(formSpecOf(income).kind).toBe('fields');
    expect(firstRecord(income)).toEqual(tutorialRecord);
  });
});
