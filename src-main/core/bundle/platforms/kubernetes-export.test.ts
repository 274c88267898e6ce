/**
 * The Kubernetes manifests beside the Triton repository, validated against the
 * openAPIV3Schema of KServe's and Seldon Core v2's own CRDs (test/standards/), with the A/B
 * split of the registry's running tests carried over.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { repoRoot } from '../../../../test/fixtures/index.ts';
import { crdValidator, manifestErrors } from '../../../../test/helpers/crd-schema.ts';
import { loadProto, parseTextFormat } from '../../../../test/helpers/pbtxt.ts';
import { platformRegistry, type PlatformRegistry } from '../../../../test/helpers/platform-registry.ts';
import { exportPlatforms, platformSources, type PlatformExportResult } from './index.ts';

const standards = join(repoRoot, 'test', 'standards');
const validators = [
  crdValidator(join(standards, 'third_party', 'kserve-crd', 'serving.kserve.io_inferenceservices.yaml')),
  crdValidator(join(standards, 'third_party', 'seldon-crd', 'mlops.seldon.io_models.yaml')),
  crdValidator(join(standards, 'third_party', 'seldon-crd', 'mlops.seldon.io_experiments.yaml'))
];
const proto = loadProto(readFileSync(join(standards, 'third_party', 'triton-common', 'model_config.proto'), 'utf8'));
const storageUri = 'gs://team-models/modeldesk/';

let registry: PlatformRegistry;
let result: PlatformExportResult;

const documents = (path: string): Record<string, any>[] =>
  YAML.parseAllDocuments(readFileSync(join(result.outDir, path), 'utf8')).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS() as Record<string, any>;
  });
/** the running test's share for an algorithm, in percent, from its weights */
const share = (endpoint: string, algorithmId: number): number => {
  const test = registry.core.abTests.running().find((t) => t.endpointName === endpoint)!;
  const total = test.arms.reduce((a, arm) => a + arm.weight, 0);
  return (100 * test.arms.find((arm) => arm.algorithmId === algorithmId)!.weight) / total;
};

beforeAll(async () => {
  registry = await platformRegistry();
  result = await exportPlatforms(platformSources(registry.core), { outDir: join(registry.dir, 'export'), storageUri, namespace: 'ml-team' });
});
afterAll(() => registry?.close());

describe('Kubernetes manifests', () => {
  it('writes one file per endpoint and platform (and a canary step for the split test), all valid against the CRDs', () => {
    expect([...result.manifests].sort()).toEqual([
      'kubernetes/kserve/diabetes.yaml',
      'kubernetes/kserve/income_classifier.canary.yaml',
      'kubernetes/kserve/income_classifier.yaml',
      'kubernetes/kserve/iris.yaml',
      'kubernetes/seldon/diabetes.yaml',
      'kubernetes/seldon/income_classifier.yaml',
      'kubernetes/seldon/iris.yaml'
    ]);
    for (const path of result.manifests) {
      for (const doc of documents(path)) {
        expect(manifestErrors(doc, validators), `${path} ${doc.kind} ${doc.metadata?.name}`).toEqual([]);
        expect(doc.metadata.namespace).toBe('ml-team');
      }
    }
  });

  it('the schema check has teeth: a misspelt field, a wrong type or a bad name fails', () => {
    const [isvc] = documents('kubernetes/kserve/income_classifier.canary.yaml');
    const misspelt = structuredClone(isvc!);
    misspelt.spec.predictor.canaryTraficPercent = misspelt.spec.predictor.canaryTrafficPercent;
    delete misspelt.spec.predictor.canaryTrafficPercent;
    expect(manifestErrors(misspelt, validators).join()).toContain('canaryTraficPercent');
    const wrongType = structuredClone(isvc!);
    wrongType.spec.predictor.canaryTrafficPercent = '75';
    expect(manifestErrors(wrongType, validators).join()).toContain('must be integer');
    const [model] = documents('kubernetes/seldon/income_classifier.yaml');
    expect(manifestErrors({ ...model, spec: { requirements: ['onnx'] } }, validators).join()).toContain('storageUri');
    expect(manifestErrors({ ...model, metadata: { name: 'income_classifier' } }, validators).join()).toContain('DNS-1035');
  });

  it('KServe: production as the predictor on Triton with the v2 protocol, from a one-model repository named after the endpoint', () => {
    const [isvc] = documents('kubernetes/kserve/income_classifier.yaml');
    expect(isvc!.metadata.name).toBe('income-classifier');
    expect(isvc!.spec.predictor.canaryTrafficPercent).toBeUndefined();
    expect(isvc!.spec.predictor.model).toEqual({
      modelFormat: { name: 'triton' },
      runtime: 'kserve-tritonserver',
      protocolVersion: 'v2',
      storageUri: 'gs://team-models/modeldesk/kserve/income_classifier__random_forest__0.0.1'
    });
    const repo = join(result.outDir, 'kserve', 'income_classifier__random_forest__0.0.1', 'income_classifier');
    const config = parseTextFormat(proto, 'inference.ModelConfig', readFileSync(join(repo, 'config.pbtxt'), 'utf8'));
    const original = parseTextFormat(proto, 'inference.ModelConfig', readFileSync(join(result.tritonRepository, 'income_classifier__random_forest__0.0.1', 'config.pbtxt'), 'utf8'));
    expect(config).toEqual({ ...original, name: 'income_classifier' });
    expect(readFileSync(join(repo, '1', 'model.onnx')).equals(readFileSync(join(result.tritonRepository, 'income_classifier__random_forest__0.0.1', '1', 'model.onnx')))).toBe(true);
    expect(readFileSync(join(repo, 'labels.txt'), 'utf8')).toBe('<=50K\n>50K\n');
  });

  it("KServe: the split test's challenger as the canary, with canaryTrafficPercent from the test's weights", () => {
    const text = readFileSync(join(result.outDir, 'kubernetes/kserve/income_classifier.canary.yaml'), 'utf8');
    const [isvc] = documents('kubernetes/kserve/income_classifier.canary.yaml');
    const challenger = registry.byName('income_classifier', 'logistic regression');
    expect(isvc!.spec.predictor.canaryTrafficPercent).toBe(share('income_classifier', challenger.id));
    expect(isvc!.spec.predictor.canaryTrafficPercent).toBe(75);
    expect(isvc!.spec.predictor.model.storageUri).toBe('gs://team-models/modeldesk/kserve/income_classifier__logistic_regression__0.0.1');
    expect(isvc!.metadata.annotations['serving.kserve.io/deploymentMode']).toBe('Serverless');
    expect(text).toMatch(/Canary rollout needs KServe's serverless \(Knative\) deployment mode; in raw deployment/);
    expect(text).toContain('# the test\'s weights 1:3 give the challenger 75%');
    expect(existsSync(join(result.outDir, 'kserve', 'income_classifier__logistic_regression__0.0.1', 'income_classifier', 'config.pbtxt'))).toBe(true);
  });

  it('KServe: no canary for a shadow test or without a test, and says why', () => {
    expect(documents('kubernetes/kserve/iris.yaml')).toHaveLength(1);
    expect(documents('kubernetes/kserve/iris.yaml')[0]!.spec.predictor.model.storageUri).toMatch(/kserve\/iris__logistic_regression__1\.0$/);
    expect(result.warnings.join('\n')).toMatch(/test \d+ on "iris" is in shadow mode, which KServe cannot mirror/);
    expect(existsSync(join(result.outDir, 'kubernetes/kserve/diabetes.canary.yaml'))).toBe(false);
    expect(existsSync(join(result.outDir, 'kserve', 'iris__fixed_batch__1.0'))).toBe(false);
  });

  it('Seldon: a Model per served version from the Triton folder, and an Experiment with the same split', () => {
    const docs = documents('kubernetes/seldon/income_classifier.yaml');
    expect(docs.map((d) => `${d.kind} ${d.metadata.name}`)).toEqual([
      'Model income-classifier',
      'Model income-classifier-logistic-regression-0-0-1',
      `Experiment income-classifier-ab-${registry.core.abTests.running().find((t) => t.endpointName === 'income_classifier')!.id}`
    ]);
    expect(docs[0]!.spec).toEqual({ storageUri: 'gs://team-models/modeldesk/triton/income_classifier__random_forest__0.0.1', requirements: ['onnx'] });
    for (const model of docs.slice(0, 2)) {
      const folder = model.spec.storageUri.replace('gs://team-models/modeldesk/', '');
      expect(existsSync(join(result.outDir, folder, 'config.pbtxt'))).toBe(true);
    }
    const forest = registry.byName('income_classifier', 'random forest');
    const regression = registry.byName('income_classifier', 'logistic regression');
    expect(docs[2]!.spec).toEqual({
      default: 'income-classifier',
      candidates: [
        { name: 'income-classifier', weight: share('income_classifier', forest.id) },
        { name: 'income-classifier-logistic-regression-0-0-1', weight: share('income_classifier', regression.id) }
      ]
    });
  });

  it('Seldon: a shadow test becomes a mirror; an endpoint without a test gets no Experiment', () => {
    const iris = documents('kubernetes/seldon/iris.yaml');
    expect(iris.at(-1)!.spec).toEqual({ default: 'iris', candidates: [{ name: 'iris', weight: 100 }], mirror: { name: 'iris-fixed-batch-1-0', percent: 100 } });
    const diabetes = documents('kubernetes/seldon/diabetes.yaml');
    expect(diabetes.map((d) => d.kind)).toEqual(['Model']);
  });
});
