/**
 * Algorithms registered before ModelDesk read missing-value handling and embedding ranges from
 * the graph (their stored signature lacks them, and handles_missing is null) get both when they
 * load: a data directory written by an older version refuses what a new registration refuses.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { algorithms } from '../../../db/schema.ts';
import { fixtureModel, fixtureSample, repoRoot, torchFixtureModel, torchFixtureSample, tutorialRecord } from '../../../test/fixtures/index.ts';
import { createCore, type Core } from '../index.ts';

describe('algorithms stored by an older version', () => {
  const dir = mkdtempSync(join(tmpdir(), 'modeldesk-legacy-'));
  const open = () => createCore({ dataDir: dir, migrationsDir: join(repoRoot, 'db', 'migrations'), modelsDir: join(repoRoot, 'models') });
  let core: Core;

  beforeAll(async () => {
    const first = await open();
    await first.registry.register({ file: fixtureModel('iris_lr'), endpoint: 'iris', name: 'lr', version: '1', status: 'production' });
    await first.registry.register({ file: torchFixtureModel('adult_embedding'), endpoint: 'adult', name: 'net', version: '1', status: 'production', classes: ['<=50K', '>50K'] });
    // what an older version wrote: no graph facts in the signature, no handles_missing, no output kind
    for (const a of first.registry.listAlgorithms()) {
      const { imputes: _i, outputKindHint: _h, ...signature } = a.signature;
      const legacy = { ...signature, inputs: signature.inputs.map(({ range: _r, ...input }) => input) };
      first.db.update(algorithms).set({ signature: legacy, handlesMissing: null }).where(eq(algorithms.id, a.id)).run();
    }
    await first.close();
    core = await open();
  });
  afterAll(async () => {
    await core.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const infer = (endpoint: string, body: unknown) => core.infer(endpoint, { kind: 'body', body });

  it('read what the graph says when they load', async () => {
    expect(core.registry.listAlgorithms().every((a) => a.signature.imputes === undefined && a.handlesMissing === null)).toBe(true);
    await expect(infer('iris', [[5.1, 3.5, null, 0.2]])).rejects.toThrow('record 0: field "float_input[2]" is null, but this model does not handle missing values');
    await expect(infer('adult', { ...torchFixtureSample('adult_embedding').records[0], sex: 2 })).rejects.toThrow('field "sex" must be an id from 0 to 1');
    // the seeded income models impute: null still reaches them as a missing value
    const income = await infer('income_classifier', { ...tutorialRecord, age: null });
    expect(income.answers[0]!.status).toBe('OK');
    const iris = await infer('iris', [fixtureSample('iris_lr').featureNames!.map((f) => fixtureSample('iris_lr').records[0]![f])]);
    expect(iris.answers[0]!.label).toBe(fixtureSample('iris_lr').expected[0]!.label);
  });
});
