/**
 * A real core (SQLite in a temp dir) holding every shared fixture model, with logged requests,
 * serving batching settings and two running A/B tests, for the platform export tests.
 *
 *   income_classifier  random forest 0.0.1 (production, ZipMap)  + logistic regression 0.0.1: split test, weights 1:3
 *   iris               logistic regression 1.0 (production)      + fixed batch 1.0 ([1, 4] input): shadow test
 *   diabetes           gradient boosting 1.0 (production, regression), batching off by override
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { createCore, type Core } from '../../src-main/core/index.ts';
import type { Algorithm } from '../../src-main/core/registry/types.ts';
import { fixtureModel, fixtureSample, repoRoot } from '../fixtures/index.ts';

export interface PlatformRegistry {
  core: Core;
  dir: string;
  byName: (endpoint: string, name: string) => Algorithm;
  /** each endpoint's first sample record: the algorithms' input example */
  example: (algorithm: Algorithm) => unknown;
  close(): Promise<void>;
}

/** iris_lr with its batch dimension fixed to 1 (inputs and outputs). */
export function fixedBatchIris(): Uint8Array {
  const proto = onnxProto.onnx.ModelProto.decode(fixtureModel('iris_lr'));
  for (const value of [...proto.graph!.input!, ...proto.graph!.output!]) value.type!.tensorType!.shape!.dim![0]!.dimValue = 1;
  return onnxProto.onnx.ModelProto.encode(proto).finish();
}

export async function platformRegistry(): Promise<PlatformRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'modeldesk-platforms-'));
  const core = await createCore({ dataDir: join(dir, 'data'), migrationsDir: join(repoRoot, 'db', 'migrations'), modelsDir: join(repoRoot, 'models') });
  const iris = fixtureSample('iris_lr');
  const diabetes = fixtureSample('diabetes_gbr');
  const income = fixtureSample('income_rf');
  await core.registry.register({ file: fixtureModel('iris_lr'), endpoint: 'iris', name: 'logistic regression', version: '1.0', status: 'production', featureNames: iris.featureNames! });
  await core.registry.register({ file: fixedBatchIris(), endpoint: 'iris', name: 'fixed batch', version: '1.0', status: 'testing', featureNames: iris.featureNames! });
  await core.registry.register({ file: fixtureModel('diabetes_gbr'), endpoint: 'diabetes', name: 'gradient boosting', version: '1.0', status: 'production', featureNames: diabetes.featureNames! });

  const byName = (endpoint: string, name: string): Algorithm => {
    const found = core.registry.listAlgorithms().find((a) => a.endpointName === endpoint && a.name === name);
    if (!found) throw new Error(`no algorithm ${endpoint}/${name}`);
    return found;
  };
  core.serving.save({
    max_batch_size: 32,
    max_wait_us: 250,
    algorithms: { [String(byName('diabetes', 'gradient boosting').id)]: { max_batch_size: 1 } }
  });

  // Logged answers, pinned to each version: more than 100 for the forest (the check takes the last 100).
  const log = async (endpoint: string, algorithm: Algorithm, records: unknown[]) => {
    await core.infer(endpoint, { kind: 'body', body: records }, { algorithmId: algorithm.id });
  };
  const incomeRecords = [...income.records, ...income.records, ...income.records].slice(0, 110);
  await log('income_classifier', byName('income_classifier', 'random forest'), incomeRecords);
  await log('income_classifier', byName('income_classifier', 'logistic regression'), income.records.slice(0, 20));
  await log('iris', byName('iris', 'logistic regression'), iris.records);
  for (const record of iris.records.slice(0, 5)) await log('iris', byName('iris', 'fixed batch'), [record]);
  await log('diabetes', byName('diabetes', 'gradient boosting'), diabetes.records.slice(0, 30));

  await core.abTests.create({
    title: 'forest or regression',
    createdBy: 'test',
    arms: [
      { algorithmId: byName('income_classifier', 'random forest').id, weight: 1 },
      { algorithmId: byName('income_classifier', 'logistic regression').id, weight: 3 }
    ]
  });
  await core.abTests.create({
    title: 'fixed batch in the shadow',
    createdBy: 'test',
    mode: 'shadow',
    arms: [
      { algorithmId: byName('iris', 'fixed batch').id, weight: 1 },
      { algorithmId: byName('iris', 'logistic regression').id, weight: 1 }
    ]
  });

  const examples: Record<string, unknown> = { income_classifier: income.records[1], iris: iris.records[1], diabetes: diabetes.records[1] };
  return {
    core,
    dir,
    byName,
    example: (a) => examples[a.endpointName],
    async close() {
      await core.close();
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
