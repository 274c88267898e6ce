/**
 * Bad records for tensor models (issue 21) and values a model cannot take (issue 20 item 10):
 * each is a 400 whose message names the record, the input, its shape and type, and what was
 * received; nothing is logged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureSample, torchFixtureSample, tutorialRecord } from '../../test/fixtures/index.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { registerTorch } from '../../test/helpers/torch-models.ts';

describe('bad records are refused before anything runs or is logged', () => {
  let server: TestServer;
  const logCount = async () => (await server.json('/api/v1/mlrequests?page_size=1', { admin: true })).body.count as number;

  beforeAll(async () => {
    server = await startTestServer({ seed: true });
    for (const name of ['digits_image', 'adult_embedding', 'seq_dynamic', 'wine_logits', 'int64_model'] as const) {
      expect((await registerTorch(server, name)).status).toBe(201);
    }
    await server.register('iris_lr', { endpoint: 'iris', name: 'lr', version: '1', status: 'production', feature_names: JSON.stringify(fixtureSample('iris_lr').featureNames) });
  });
  afterAll(() => server.stop());

  const digit = torchFixtureSample('digits_image').records[0]!;
  const adult = torchFixtureSample('adult_embedding').records[0]!;
  const tokens = torchFixtureSample('seq_dynamic').records[0]!;
  const wine = torchFixtureSample('wine_logits').records[0]!;
  const image = digit.image as number[][][];

  it.each<[string, string, unknown, string, RegExp]>([
    ['an image without its channel dim', 'digits_image', { image: image[0] }, 'image',
      /^field "image" must be nested arrays of shape \[1, 8, 8\] or a flat array of 64 values, got an array of shape \[8, 8\] \(input "image" takes float32 \[1, 8, 8\] per record\)$/],
    ['a flat image one pixel short', 'digits_image', { image: image.flat(2).slice(1) }, 'image', /got an array of 63 \(input "image" takes float32 \[1, 8, 8\]/],
    ['a ragged image', 'digits_image', { image: [[...image[0]!.slice(0, 7), [1, 2]]] }, 'image', /got a ragged array \(image\[0\]\[7\] has 2 values where 8 were expected\)/],
    ['a pixel that is text', 'digits_image', { image: [[['dark', ...image[0]![0]!.slice(1)], ...image[0]!.slice(1)]] }, 'image',
      /^field "image\[0\]\[0\]\[0\]" must be a number, got "dark" \(input "image" takes float32 \[1, 8, 8\] per record\)$/],
    ['a pixel beyond float32', 'digits_image', { image: [[[1e39, ...image[0]![0]!.slice(1)], ...image[0]!.slice(1)]] }, 'image', /image\[0\]\[0\]\[0\]" must be within float32's range/],
    ['a missing input', 'adult_embedding', { numeric: adult.numeric }, 'sex', /^missing field "sex"$/],
    ['a fractional category id', 'adult_embedding', { ...adult, sex: [0.5] }, 'sex', /field "sex\[0\]" must be an integer \(int64\), got 0.5 \(input "sex" takes int64 \[1\] per record\)/],
    ['an id past the embedding table', 'adult_embedding', { ...adult, sex: 2 }, 'sex', /field "sex" must be an id from 0 to 1 \(the rows of the table this input indexes\), got 2/],
    ['a negative id (onnxruntime would wrap it around)', 'adult_embedding', { ...adult, sex: [-1] }, 'sex', /must be an id from 0 to 1.*got -1/],
    ['too many numbers', 'adult_embedding', { ...adult, numeric: [1, 2, 3, 4, 5, 6, 7] }, 'numeric', /must be an array of 6 values, got an array of 7 \(input "numeric" takes float32 \[6\] per record\)/],
    ['an empty sequence', 'seq_dynamic', { tokens: [] }, 'tokens', /must be an array of 1 or more values, got an empty array \(input "tokens" takes int64 \[seq\] per record\)/],
    ['a token past the vocabulary', 'seq_dynamic', { tokens: [1, 2, 20] }, 'tokens', /field "tokens\[2\]" must be an id from 0 to 19/],
    ['an int64 beyond what JSON numbers hold exactly', 'int64_model', { input: [44, 30, 13, 2 ** 60] }, 'input', /must be between .* \(int64\)/],
    ['null for a network that does not impute', 'wine_logits', { input: [null, ...(wine.input as number[]).slice(1)] }, 'input', /field "input\[0\]" is null, but this model does not handle missing values/]
  ])('%s', async (_what, endpoint, record, field, message) => {
    const before = await logCount();
    for (const [body, prefix] of [[record, ''], [[record], 'record 0: ']] as const) {
      const { status, body: answer } = await server.json(`/api/v1/${endpoint}/predict`, { method: 'POST', json: body });
      expect(status).toBe(400);
      expect(answer).toMatchObject({ status: 'Error', field });
      expect(answer.message.startsWith(prefix), answer.message).toBe(true);
      expect(answer.message.slice(prefix.length)).toMatch(message);
    }
    expect(await logCount()).toBe(before);
  });

  it('a batch with one bad record is refused whole, naming its index', async () => {
    const before = await logCount();
    const { status, body } = await server.json('/api/v1/seq_dynamic/predict', { method: 'POST', json: [tokens, tokens, { tokens: [3, 'x'] }] });
    expect(status).toBe(400);
    expect(body.message).toBe('record 2: field "tokens[1]" must be a number, got "x" (input "tokens" takes int64 [seq] per record)');
    expect(await logCount()).toBe(before);
  });

  it('v2 tensors of the wrong shape are refused the same way, in v2\'s error form', async () => {
    const request = { inputs: [{ name: 'image', shape: [1, 8, 8], datatype: 'FP32', data: image.flat(2) }] };
    const { status, body } = await server.json('/v2/models/digits_image/infer', { method: 'POST', json: request });
    expect(status).toBe(400);
    // in tensor terms (issue 14): the tensor, its shape and rank, the model's
    expect(body.error).toBe('input "image" has shape [1,8,8] (rank 3) but the model takes [-1,1,8,8] (rank 4, the first dimension being the batch)');
  });

  describe('issue 20 item 10: values a tabular model cannot take', () => {
    const incomePredict = (record: unknown) => server.json('/api/v1/income_classifier/predict', { method: 'POST', json: record });

    it.each([1e39, -1e300, '1e39'])('age %s overflows float32: 400 naming age', async (age) => {
      const before = await logCount();
      const { status, body } = await incomePredict({ ...tutorialRecord, age });
      expect(status).toBe(400);
      expect(body).toMatchObject({ status: 'Error', field: 'age' });
      expect(body.message).toMatch(/^field "age" must be within float32's range \(±3\.4028235e\+38\), got -?1e\+(39|300)$/);
      expect(await logCount()).toBe(before);
    });

    it('null for a model without imputation is a 400 naming the field; the income models impute, so they answer', async () => {
      const iris = fixtureSample('iris_lr');
      const { status, body } = await server.json('/api/v1/iris/predict', { method: 'POST', json: { ...iris.records[0], 'petal width (cm)': null } });
      expect(status).toBe(400);
      expect(body).toMatchObject({ field: 'petal width (cm)', message: 'field "petal width (cm)" is null, but this model does not handle missing values (send a number)' });
      const income = await incomePredict({ ...tutorialRecord, age: null, workclass: null });
      expect(income.status).toBe(200);
      expect(income.body.status).toBe('OK');
      expect(Object.values(income.body.probabilities).every((p) => typeof p === 'number')).toBe(true);
    });

    it('a registration can declare that a model handles missing values', async () => {
      const { status, body } = await server.register('iris_lr', {
        endpoint: 'iris_nan', name: 'lr', version: '1', status: 'production', handles_missing: 'true',
        feature_names: JSON.stringify(fixtureSample('iris_lr').featureNames)
      });
      expect(status).toBe(201);
      expect(body.handles_missing).toBe(true);
      const { body: answer } = await server.json('/api/v1/iris_nan/predict', { method: 'POST', json: [[1, 2, null, 4]] });
      expect(answer.predictions[0].status).toBe('OK');
    });
  });
});
