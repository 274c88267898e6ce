/**
 * The Triton model repository, exported from a real registry holding every shared fixture model:
 * each config.pbtxt parsed strictly against Triton's own model_config.proto, the graphs loaded
 * with onnxruntime as Triton's backend would load them, and the parity check passing and failing.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureSample, repoRoot } from '../../../../test/fixtures/index.ts';
import { loadProto, parseTextFormat, type PbtxtObject } from '../../../../test/helpers/pbtxt.ts';
import { platformRegistry, type PlatformRegistry } from '../../../../test/helpers/platform-registry.ts';
import { ModelDeskError } from '../../errors.ts';
import { inspectModel } from '../../inference/index.ts';
import { exportPlatforms, ParityError, platformSources, type PlatformExportResult } from './index.ts';

const proto = loadProto(readFileSync(join(repoRoot, 'test/standards/third_party/triton-common/model_config.proto'), 'utf8'));
const storageUri = 's3://team-models/modeldesk';

let registry: PlatformRegistry;
let result: PlatformExportResult;
const configs = new Map<string, PbtxtObject>();

const modelDir = (name: string) => join(result.tritonRepository, name);

beforeAll(async () => {
  registry = await platformRegistry();
  const outDir = join(registry.dir, 'export');
  result = await exportPlatforms(platformSources(registry.core), { outDir, storageUri, inputExample: registry.example });
  for (const m of result.models) {
    configs.set(m.name, parseTextFormat(proto, 'inference.ModelConfig', readFileSync(join(modelDir(m.name), 'config.pbtxt'), 'utf8')));
  }
});
afterAll(() => registry?.close());

describe('a Triton model repository for every fixture model', () => {
  it('has one model per version, named endpoint__algorithm__version, and nothing else in triton/', () => {
    const names = [
      'income_classifier__random_forest__0.0.1',
      'income_classifier__logistic_regression__0.0.1',
      'iris__logistic_regression__1.0',
      'iris__fixed_batch__1.0',
      'diabetes__gradient_boosting__1.0'
    ];
    expect(result.models.map((m) => m.name).sort()).toEqual([...names].sort());
    expect(readdirSync(result.tritonRepository).sort()).toEqual([...names].sort());
    for (const name of names) {
      expect(readdirSync(modelDir(name)).sort()).toEqual(name.startsWith('diabetes') ? ['1', 'config.pbtxt'] : ['1', 'config.pbtxt', 'labels.txt']);
      expect(readdirSync(join(modelDir(name), '1'))).toEqual(['model.onnx']);
      expect(configs.get(name)).toMatchObject({ name, platform: 'onnxruntime_onnx', instance_group: [{ count: 1, kind: 'KIND_CPU' }] });
      expect(configs.get(name)!.parameters).toEqual({ intra_op_thread_count: { string_value: '1' } });
    }
  });

  it('writes the ZipMap-free graph ModelDesk serves, with the classes in labels.txt', async () => {
    const forest = registry.byName('income_classifier', 'random forest');
    const written = readFileSync(join(modelDir('income_classifier__random_forest__0.0.1'), '1', 'model.onnx'));
    const { runnable, signature } = inspectModel(registry.core.artifacts.read(forest.artifactSha256));
    expect(signature.zipmap).toBe(true);
    expect(Buffer.from(written).equals(Buffer.from(runnable))).toBe(true);
    const session = await ort.InferenceSession.create(written);
    expect(session.outputMetadata.every((m) => m.isTensor)).toBe(true);
    await session.release();
    expect(readFileSync(join(modelDir('income_classifier__random_forest__0.0.1'), 'labels.txt'), 'utf8')).toBe('<=50K\n>50K\n');
    expect(readFileSync(join(modelDir('iris__logistic_regression__1.0'), 'labels.txt'), 'utf8')).toBe('0\n1\n2\n');
    const readme = readFileSync(join(result.outDir, 'README.md'), 'utf8');
    expect(readme).toContain('ZipMap');
    expect(readme).toContain('Rewritten here: `income_classifier__random_forest__0.0.1`');
    expect(readme).toContain('label_filename');
  });

  it('declares string inputs as TYPE_STRING, dims without the batch dimension, and reshapes [N] outputs', () => {
    const forest = configs.get('income_classifier__random_forest__0.0.1')!;
    const inputs = forest.input as PbtxtObject[];
    expect(inputs).toHaveLength(14);
    expect(inputs.find((i) => i.name === 'workclass')).toEqual({ name: 'workclass', data_type: 'TYPE_STRING', dims: [1] });
    expect(inputs.find((i) => i.name === 'age')).toEqual({ name: 'age', data_type: 'TYPE_FP32', dims: [1] });
    expect(forest.output).toEqual([
      { name: 'output_label', data_type: 'TYPE_STRING', dims: [1], reshape: { shape: [] } },
      { name: 'output_probability', data_type: 'TYPE_FP32', dims: [2], label_filename: 'labels.txt' }
    ]);
    const iris = configs.get('iris__logistic_regression__1.0')!;
    expect(iris.input).toEqual([{ name: 'float_input', data_type: 'TYPE_FP32', dims: [4] }]);
    expect(iris.output).toEqual([
      { name: 'label', data_type: 'TYPE_INT64', dims: [1], reshape: { shape: [] } },
      { name: 'probabilities', data_type: 'TYPE_FP32', dims: [3], label_filename: 'labels.txt' }
    ]);
    expect(configs.get('diabetes__gradient_boosting__1.0')!.output).toEqual([{ name: 'variable', data_type: 'TYPE_FP32', dims: [1] }]);
  });

  it("takes max_batch_size and dynamic_batching from ModelDesk's batching, and 0 for a fixed batch", () => {
    expect(configs.get('income_classifier__random_forest__0.0.1')).toMatchObject({
      max_batch_size: 32,
      dynamic_batching: { preferred_batch_size: [32], max_queue_delay_microseconds: 250 }
    });
    // batching switched off for this algorithm in serving.json
    const diabetes = configs.get('diabetes__gradient_boosting__1.0')!;
    expect(diabetes.max_batch_size).toBe(1);
    expect(diabetes.dynamic_batching).toBeUndefined();
    const fixed = configs.get('iris__fixed_batch__1.0')!;
    expect(fixed.max_batch_size).toBe(0);
    expect(fixed.dynamic_batching).toBeUndefined();
    expect(fixed.input).toEqual([{ name: 'float_input', data_type: 'TYPE_FP32', dims: [1, 4] }]);
    expect(fixed.output).toEqual([
      { name: 'label', data_type: 'TYPE_INT64', dims: [1] },
      { name: 'probabilities', data_type: 'TYPE_FP32', dims: [1, 3], label_filename: 'labels.txt' }
    ]);
    expect(result.models.find((m) => m.name === 'iris__fixed_batch__1.0')).toMatchObject({ maxBatchSize: 0, dynamicBatching: false });
  });

  it('answers like scikit-learn when Triton-style tensors go in ([rows, 1] per column, BYTES for strings)', async () => {
    const sample = fixtureSample('income_rf');
    const session = await ort.InferenceSession.create(join(modelDir('income_classifier__random_forest__0.0.1'), '1', 'model.onnx'));
    const config = configs.get('income_classifier__random_forest__0.0.1')!;
    const records = sample.records.slice(0, 5);
    const feeds: Record<string, ort.Tensor> = {};
    for (const input of config.input as PbtxtObject[]) {
      const name = input.name as string;
      const values = records.map((r) => r[name]);
      feeds[name] = input.data_type === 'TYPE_STRING' ? new ort.Tensor('string', values.map(String), [5, 1]) : new ort.Tensor('float32', Float32Array.from(values.map(Number)), [5, 1]);
    }
    const out = await session.run(feeds);
    await session.release();
    expect([...(out.output_label!.data as string[])]).toEqual(sample.expected.slice(0, 5).map((e) => e.label));
    const probs = out.output_probability!.data as Float32Array;
    sample.expected.slice(0, 5).forEach((e, i) => expect(probs[i * 2 + 1]).toBeCloseTo(e.probabilities![1]!, 5));
  });
});

describe('the parity check', () => {
  it('replays the input example and the last 100 logged requests of each version', () => {
    const byModel = Object.fromEntries(result.parity.map((p) => [p.model, p]));
    expect(byModel['income_classifier__random_forest__0.0.1']).toMatchObject({ inputExample: true, requests: 100 });
    expect(byModel['income_classifier__logistic_regression__0.0.1']).toMatchObject({ inputExample: true, requests: 20 });
    expect(byModel['iris__logistic_regression__1.0']!.requests).toBe(fixtureSample('iris_lr').records.length);
    expect(byModel['iris__fixed_batch__1.0']!.requests).toBe(5);
    expect(byModel['diabetes__gradient_boosting__1.0']!.requests).toBe(30);
    expect(readFileSync(join(result.outDir, 'README.md'), 'utf8')).toContain('| `income_classifier__random_forest__0.0.1` | same answer | 100 same answers | 0 |');
  });

  it('stops the export, naming request and field, when a logged answer differs; nothing is written', async () => {
    const forest = registry.byName('income_classifier', 'random forest');
    const row = registry.core.requests.list({ algorithmId: forest.id, order: 'desc' }, 1, 1).results[0]!;
    const answer = JSON.parse(row.response);
    const tampered = { ...answer, probabilities: { ...answer.probabilities, '>50K': answer.probabilities['>50K'] + 0.125 } };
    registry.core.sqlite.prepare('update requests set response = ? where id = ?').run(JSON.stringify(tampered), row.id);
    const parent = join(registry.dir, 'refused');
    mkdirSync(parent);
    const outDir = join(parent, 'export');
    try {
      const err = await exportPlatforms(platformSources(registry.core), { outDir, storageUri, endpoint: 'income_classifier' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ParityError);
      const parity = err as ParityError;
      expect(parity.kind).toBe('conflict');
      expect(parity.mismatches).toEqual([
        {
          model: 'income_classifier__random_forest__0.0.1',
          algorithmId: forest.id,
          source: 'request',
          requestId: row.id,
          field: 'probabilities',
          expected: tampered.probabilities,
          actual: answer.probabilities
        }
      ]);
      expect(parity.message).toContain(`request ${row.id} probabilities`);
      expect(existsSync(outDir)).toBe(false);
      expect(readdirSync(parent)).toEqual([]);
    } finally {
      registry.core.sqlite.prepare('update requests set response = ? where id = ?').run(row.response, row.id);
    }
  });

  it('compares floats within the tolerance: tree ensembles agree bit for bit, a linear model only to its batch noise', async () => {
    const byModel = Object.fromEntries(result.parity.map((p) => [p.model, p.largestDifference]));
    expect(byModel['income_classifier__random_forest__0.0.1']).toBe(0);
    expect(byModel['diabetes__gradient_boosting__1.0']).toBe(0);
    // logged from one call of 20 records (one batch), replayed one row at a time
    expect(byModel['income_classifier__logistic_regression__0.0.1']).toBeGreaterThan(0);
    expect(byModel['income_classifier__logistic_regression__0.0.1']).toBeLessThan(1e-6);

    const exact = await exportPlatforms(platformSources(registry.core), {
      outDir: join(registry.dir, 'exact'),
      storageUri,
      endpoint: 'income_classifier',
      tolerance: 0
    }).catch((e: unknown) => e);
    expect(exact).toBeInstanceOf(ParityError);
    const mismatches = (exact as ParityError).mismatches;
    expect(new Set(mismatches.map((m) => m.model))).toEqual(new Set(['income_classifier__logistic_regression__0.0.1']));
    expect(new Set(mismatches.map((m) => m.field))).toEqual(new Set(['probability', 'probabilities', 'outputs.probabilities']));
    expect(existsSync(join(registry.dir, 'exact'))).toBe(false);
  });

  it('refuses an input example the model cannot take, naming it', async () => {
    const err = await exportPlatforms(platformSources(registry.core), {
      outDir: join(registry.dir, 'bad-example'),
      storageUri,
      endpoint: 'diabetes',
      inputExample: () => ({ age: 1 })
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelDeskError);
    expect((err as ModelDeskError).field).toBe('input_example');
    expect((err as Error).message).toMatch(/missing field "sex"/);
    expect(existsSync(join(registry.dir, 'bad-example'))).toBe(false);
  });
});

describe('export options', () => {
  it('refuses a missing storage URI, an unknown endpoint and a folder that holds files', async () => {
    const sources = platformSources(registry.core);
    const failure = (options: Parameters<typeof exportPlatforms>[1]) => exportPlatforms(sources, options).catch((e: ModelDeskError) => [e.kind, e.field]);
    expect(await failure({ outDir: join(registry.dir, 'o1'), storageUri: 'bucket/models' })).toEqual(['invalid_input', 'storage_uri']);
    expect(await failure({ outDir: join(registry.dir, 'o2'), storageUri, endpoint: 'nope' })).toEqual(['not_found', 'endpoint']);
    const full = join(registry.dir, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'keep.txt'), 'mine');
    expect(await failure({ outDir: full, storageUri })).toEqual(['conflict', 'out_dir']);
    expect(readdirSync(full)).toEqual(['keep.txt']);
  });
});
