/** The export's pure parts: traffic shares, names, config text (checked by the strict parser), KServe's one-canary limit. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../../test/fixtures/index.ts';
import { loadProto, parseTextFormat } from '../../../../test/helpers/pbtxt.ts';
import type { AbTest } from '../../experiments/types.ts';
import type { Algorithm } from '../../registry/types.ts';
import { kserveFiles } from './kserve.ts';
import { kubernetesName, tritonModelNames } from './naming.ts';
import { toTextFormat } from './pbtxt.ts';
import { labelsFile, tritonConfigText, type TritonModelFacts } from './triton-config.ts';
import { endpointTraffic, percentages } from './traffic.ts';

const proto = loadProto(readFileSync(join(repoRoot, 'test/standards/third_party/triton-common/model_config.proto'), 'utf8'));
const parse = (text: string) => parseTextFormat(proto, 'inference.ModelConfig', text);

const algorithm = (id: number, name: string, version: string, status: Algorithm['currentStatus'], endpointName = 'shop'): Algorithm =>
  ({ id, endpointId: 1, endpointName, name, version, currentStatus: status }) as Algorithm;

const facts = (over: Partial<TritonModelFacts> = {}): TritonModelFacts => ({
  name: 'm',
  inputs: [{ name: 'x', type: 'float32', shape: [null, 3] }],
  outputs: [{ name: 'y', type: 'float32', shape: [null, 1] }],
  batchable: true,
  batching: { maxBatchSize: 8, maxWaitUs: 0 },
  intraOpThreads: 1,
  labelledOutput: null,
  ...over
});

describe('traffic shares', () => {
  it('turns weights into whole percentages that add up to 100, each its exact share rounded', () => {
    expect(percentages([1, 3])).toEqual([25, 75]);
    expect(percentages([1, 1])).toEqual([50, 50]);
    expect(percentages([1, 2])).toEqual([33, 67]);
    expect(percentages([1, 1, 1])).toEqual([34, 33, 33]);
    expect(percentages([0.2, 0.8])).toEqual([20, 80]);
    for (const weights of [[3, 7, 11], [0.1, 0.1, 0.1, 0.7], [5]]) {
      const p = percentages(weights);
      expect(p.reduce((a, b) => a + b, 0)).toBe(100);
      const total = weights.reduce((a, b) => a + b, 0);
      p.forEach((v, i) => expect(Math.abs(v - (100 * weights[i]!) / total)).toBeLessThan(1));
    }
  });

  it('answers by default with the arm that was production before the test', () => {
    const a = algorithm(1, 'a', '1', 'ab_testing');
    const b = algorithm(2, 'b', '1', 'ab_testing');
    const test = {
      id: 9,
      title: 't',
      mode: 'split',
      arms: [
        { position: 0, algorithmId: 2, weight: 1, previousStatus: 'testing' },
        { position: 1, algorithmId: 1, weight: 1, previousStatus: 'production' }
      ]
    } as AbTest;
    expect(endpointTraffic('shop', [a, b], test).primary?.id).toBe(1);
    expect(endpointTraffic('shop', [algorithm(3, 'c', '1', 'production')], null).primary?.id).toBe(3);
  });

  it('KServe takes one canary: a test with two challengers deploys production only and warns', () => {
    const [a, b, c] = [algorithm(1, 'a', '1', 'ab_testing'), algorithm(2, 'b', '1', 'ab_testing'), algorithm(3, 'c', '1', 'ab_testing')];
    const arms = [a, b, c].map((x, i) => ({ position: i, algorithmId: x.id, weight: 1, previousStatus: i === 0 ? 'production' : 'testing' }));
    const traffic = endpointTraffic('shop', [a, b, c], { id: 4, title: 't', mode: 'split', arms } as AbTest);
    const out = kserveFiles({ traffic, repositoryOf: (id) => `kserve/${id}`, storageUri: 's3://b', namespace: null });
    expect(out.files.map((f) => f.path)).toEqual(['kubernetes/kserve/shop.yaml']);
    expect(out.warnings[0]).toMatch(/has 2 challengers, and KServe's canary takes one/);
  });
});

describe('names', () => {
  it('keeps endpoint, algorithm and version readable in Triton model names, and distinct', () => {
    const names = tritonModelNames([
      algorithm(1, 'random forest', '0.0.1', 'production', 'income'),
      algorithm(2, 'random/forest', '0.0.1', 'testing', 'income'),
      algorithm(3, 'xgb', 'v2 (final)', 'testing', 'income'),
      algorithm(4, '.hidden', '..', 'testing', 'income')
    ]);
    expect([...names.values()]).toEqual([
      'income__random_forest__0.0.1__1',
      'income__random_forest__0.0.1__2',
      'income__xgb__v2_final_',
      'income___hidden___'
    ]);
  });

  it('makes DNS-1035 labels for Kubernetes, short and distinct', () => {
    expect(kubernetesName('income_classifier')).toBe('income-classifier');
    expect(kubernetesName('iris', 'Logistic Regression', '1.0')).toBe('iris-logistic-regression-1-0');
    expect(kubernetesName('2024_model')).toBe('m-2024-model');
    const long = kubernetesName('e'.repeat(40), 'a'.repeat(40), 'v1');
    const other = kubernetesName('e'.repeat(40), 'a'.repeat(40), 'v2');
    expect(long).toMatch(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])$/);
    expect(long).not.toBe(other);
  });
});

describe('config.pbtxt text', () => {
  it('escapes strings so the parser reads back exactly what was meant', () => {
    const name = 'quote " backslash \\ tab \t newline \n bell \x07 é';
    expect(parse(toTextFormat({ name, platform: 'onnxruntime_onnx' }, 'a header\nwith # signs')).name).toBe(name);
  });

  it('declares an [N] input as [1] reshaped to [] when batching, and keeps the full shape for a fixed batch', () => {
    const config = parse(tritonConfigText(facts({ inputs: [{ name: 'ids', type: 'int64', shape: ['batch'] }, { name: 'img', type: 'uint8', shape: [null, 'h', 'w'] }] }), 'x'));
    expect(config.input).toEqual([
      { name: 'ids', data_type: 'TYPE_INT64', dims: [1], reshape: { shape: [] } },
      { name: 'img', data_type: 'TYPE_UINT8', dims: [-1, -1] }
    ]);
    const fixed = parse(tritonConfigText(facts({ batchable: false, inputs: [{ name: 'x', type: 'float64', shape: [2, null] }] }), 'x'));
    expect(fixed).toMatchObject({ max_batch_size: 0, input: [{ name: 'x', data_type: 'TYPE_FP64', dims: [2, -1] }] });
    expect(fixed.dynamic_batching).toBeUndefined();
  });

  it('leaves out the thread parameter when onnxruntime chooses, and refuses inputs Triton cannot take', () => {
    expect(parse(tritonConfigText(facts({ intraOpThreads: 0 }), 'x')).parameters).toBeUndefined();
    expect(() => tritonConfigText(facts({ inputs: [{ name: 'm', type: 'map(string,float)', shape: null }] }), 'x')).toThrow(/input "m" has type map\(string,float\)/);
  });

  it('leaves non-tensor outputs out of the config', () => {
    const config = parse(tritonConfigText(facts({ outputs: [{ name: 'y', type: 'float32', shape: [null] }, { name: 'z', type: 'seq(map(string,tensor(float)))', shape: null }] }), 'x'));
    expect(config.output).toEqual([{ name: 'y', data_type: 'TYPE_FP32', dims: [1], reshape: { shape: [] } }]);
  });

  it('refuses a class label a labels file cannot hold', () => {
    expect(labelsFile(['no', 'yes'])).toBe('no\nyes\n');
    expect(() => labelsFile(['a\nb'])).toThrow(/line break/);
  });
});
