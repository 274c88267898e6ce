import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adultRows, repoRoot } from '../../test/fixtures/index.ts';
import { cli } from '../../test/helpers/cli.ts';
import { createCore } from '../core/index.ts';

describe('modeldesk reference / drift (CLI)', { timeout: 120_000 }, () => {
  let dir: string;
  const data = () => join(dir, 'data');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modeldesk-cli-monitoring-'));
    const rows = adultRows();
    const columns = Object.keys(rows[0]!.record);
    const lines = (list: typeof rows) => [[...columns, 'income'].join(','), ...list.map((r) => [...columns.map((c) => r.record[c]), r.income].join(','))].join('\n');
    writeFileSync(join(dir, 'train.csv'), lines(rows.filter((_, i) => i % 5 !== 0).slice(0, 8000)));
    writeFileSync(join(dir, 'bad.csv'), lines(rows.slice(0, 3)).replace(',77516,', ',lots,'));
    // traffic of people aged 50+, logged by the core's one prediction path
    const core = await createCore({ dataDir: data(), migrationsDir: join(repoRoot, 'db', 'migrations'), modelsDir: join(repoRoot, 'models') });
    const older = rows.filter((r, i) => i % 5 === 0 && (r.record.age as number) >= 50);
    await core.infer('income_classifier', { kind: 'body', body: older.map((r) => r.record) });
    await core.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sets a reference from a training file, then prints one line per feature with its verdict and the dataset verdict', async () => {
    const reference = await cli('reference', join(dir, 'train.csv'), '--algorithm', '1', '--data', data());
    expect(reference.code, reference.stderr).toBe(0);
    expect(reference.stdout).toMatch(/^Reference profile 1 set for algorithm 1: train\.csv \(8000 rows; columns not used: income\)/);
    expect(reference.stdout).toContain('Predictions: label, probability');

    const drift = await cli('drift', '--endpoint', 'income_classifier', '--since', '24h', '--data', data());
    expect(drift.code, drift.stderr).toBe(0);
    const lines = drift.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Drift of income_classifier \/ random forest 0\.0\.1 \(algorithm 1\), last 24h: /);
    expect(lines).toContainEqual(expect.stringMatching(/^age\s+\S+\s+\d+\.\d{3}\s+DRIFT$/));
    expect(lines).toContainEqual(expect.stringMatching(/^race\s+\S+\s+\d+\.\d{3}\s+no drift$/));
    for (const feature of ['workclass', 'education_num', 'hours_per_week', 'native_country']) expect(lines.some((l) => l.startsWith(`${feature} `))).toBe(true);
    expect(lines).toContainEqual(expect.stringMatching(/^Dataset: (DRIFT|warning) \(\d+ of 14 features drift: age, /));
    expect(lines.at(-1)).toMatch(/^Prediction: DRIFT$/);

    const json = await cli('drift', '--endpoint', 'income_classifier', '--since', '7d', '--json', '--data', data());
    expect(JSON.parse(json.stdout)).toMatchObject({ window: '7d', rows: expect.any(Number), features: expect.any(Array) });
  });

  it('refuses bad input with the reason, and exit code 1', async () => {
    const bad = await cli('reference', join(dir, 'bad.csv'), '--algorithm', '1', '--data', data());
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/reference file, data row 1: .*fnlwgt/);
    const unknown = await cli('reference', join(dir, 'train.csv'), '--algorithm', '99', '--data', data());
    expect(unknown.stderr).toMatch(/algorithm 99 not found/);
    const window = await cli('drift', '--endpoint', 'income_classifier', '--since', 'yesterday', '--data', data());
    expect(window.stderr).toMatch(/window must be a duration such as 1h, 24h, 7d or 30d/);
    const none = await cli('drift', '--endpoint', 'income_classifier', '--algorithm', '2', '--data', data());
    expect(none.stdout).toMatch(/No reference profile for logistic regression 0\.0\.1 \(algorithm 2\) yet\. Upload its training data/);
  });
});
