/**
 * A bundle carries what a registration said about a tensor model (issue 12 §2: output_kind; issue
 * 20 item 10: handles_missing): imported elsewhere, the logits model still answers labels and
 * probabilities, and a model declared to handle missing values still takes null.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureSample, torchFixtureSample } from '../../test/fixtures/index.ts';
import { download, openBundle, upload } from '../../test/helpers/bundles.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { expectAnswer, registerTorch } from '../../test/helpers/torch-models.ts';

describe('bundles carry output_kind and handles_missing', () => {
  let a: TestServer;
  let b: TestServer;
  let bundle: Buffer;

  beforeAll(async () => {
    [a, b] = await Promise.all([startTestServer({ seed: false }), startTestServer({ seed: false })]);
    expect((await registerTorch(a, 'breast_cancer_logit')).status).toBe(201);
    const iris = { endpoint: 'iris', name: 'lr', version: '1', status: 'production', handles_missing: 'true' };
    expect((await a.register('iris_lr', { ...iris, feature_names: JSON.stringify(fixtureSample('iris_lr').featureNames) })).status).toBe(201);
    bundle = await download(a);
  });
  afterAll(() => Promise.all([a.stop(), b.stop()]));

  it('writes both into the manifest, and the import restores them', async () => {
    const { manifest } = await openBundle(bundle);
    expect(manifest.algorithms.map((x: any) => [x.endpoint, x.output_kind, x.handles_missing])).toEqual([
      ['breast_cancer_logit', 'logits', false],
      ['iris', 'probabilities', true]
    ]);
    const imported = await upload(b, bundle);
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    const { body } = await b.json('/api/v1/mlalgorithms');
    expect(body.map((x: any) => [x.endpoint, x.task, x.output_kind, x.handles_missing])).toEqual([
      ['breast_cancer_logit', 'classification', 'logits', false],
      ['iris', 'classification', 'probabilities', true]
    ]);
  });

  it('the imported models answer as the originals', async () => {
    const sample = torchFixtureSample('breast_cancer_logit');
    const { body } = await b.json('/api/v1/breast_cancer_logit/predict', { method: 'POST', json: sample.records.slice(0, 5) });
    body.predictions.forEach((answer: unknown, i: number) => expectAnswer(sample, answer, sample.expected[i]!, `record ${i}`));
    const iris = await b.json('/api/v1/iris/predict', { method: 'POST', json: { ...fixtureSample('iris_lr').records[0], 'petal width (cm)': null } });
    expect(iris.body.status).toBe('OK');
  });
});
