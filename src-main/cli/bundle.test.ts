import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureModel, repoRoot } from '../../test/fixtures/index.ts';
import { cli } from '../../test/helpers/cli.ts';
import { createCore } from '../core/index.ts';

const migrationsDir = join(repoRoot, 'db', 'migrations');

async function listing(dataDir: string) {
  const core = await createCore({ dataDir, migrationsDir });
  try {
    return core.registry.listAlgorithms().map((a) => `${a.endpointName}/${a.name}/${a.version}/${a.currentStatus}`);
  } finally {
    await core.close();
  }
}

describe('modeldesk export / import (CLI)', { timeout: 120_000 }, () => {
  let dir: string;
  const path = (name: string) => join(dir, name);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modeldesk-cli-'));
    const core = await createCore({ dataDir: path('a'), migrationsDir, modelsDir: join(repoRoot, 'models') });
    await core.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exports, dry-runs, imports, and re-imports with no change', async () => {
    const exported = await cli('export', path('reg.modeldesk'), '--data', path('a'), '--with-requests');
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toMatch(/Exported 1 endpoint\(s\), 2 algorithm\(s\), 0 A\/B test\(s\), 0 requests to /);
    expect(exported.stdout).not.toMatch(/█|░/); // no progress bar when stdout is not a terminal

    const dry = await cli('import', path('reg.modeldesk'), '--data', path('b'), '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^Algorithms\s+2\s+0\s+0\s+0$/m);
    expect(dry.stdout).toMatch(/^ {2}\+ income_classifier\/random forest 0\.0\.1: new here$/m);
    expect(dry.stdout).toMatch(/Dry run: nothing was changed\./);
    expect(await listing(path('b'))).toEqual([]);

    const applied = await cli('import', path('reg.modeldesk'), '--data', path('b'), '--json');
    expect(applied.code, applied.stderr).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({ applied: true, algorithms: { conflicts: [] }, counts: { algorithms: { added: 2 } } });
    expect(await listing(path('b'))).toEqual(await listing(path('a')));

    const again = await cli('import', path('reg.modeldesk'), '--data', path('b'));
    expect(again.stdout).toMatch(/Nothing to import: everything in the bundle is already here\./);
  });

  it('resolves a conflict with --on-conflict, and refuses without', async () => {
    const core = await createCore({ dataDir: path('c'), migrationsDir });
    await core.registry.register({ file: fixtureModel('diabetes_gbr'), endpoint: 'income_classifier', name: 'random forest', version: '0.0.1', status: 'production' });
    await core.close();
    await cli('export', path('c.modeldesk'), '--data', path('a'));
    const refused = await cli('import', path('c.modeldesk'), '--data', path('c'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/modeldesk: import refused, nothing was changed: .*"income_classifier\/random forest" version "0\.0\.1"/);
    // the bundle's forest and regression do not read what the diabetes model here reads (issue 12 §1)
    const breaking = await cli('import', path('c.modeldesk'), '--data', path('c'), '--on-conflict', 'rename');
    expect(breaking.stderr).toMatch(/would break the input contract/);
    const renamed = await cli('import', path('c.modeldesk'), '--data', path('c'), '--on-conflict', 'rename', '--allow-breaking-change', 'replacing the diabetes test model');
    expect(renamed.code, renamed.stderr).toBe(0);
    expect(renamed.stdout).toMatch(/imports the bundle's model as version "0\.0\.1-imported-1"/);
    expect(await listing(path('c'))).toContain('income_classifier/random forest/0.0.1-imported-1/staging');
  });

  it('fails with a clear message and a non-zero exit', async () => {
    writeFileSync(path('notes.txt'), 'not a bundle');
    const notBundle = await cli('import', path('notes.txt'), '--data', path('b'));
    expect(notBundle.code).toBe(1);
    expect(notBundle.stderr).toMatch(/^modeldesk: not a ModelDesk bundle/);
    const missing = await cli('import', path('nowhere.modeldesk'), '--data', path('b'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/modeldesk: no bundle file at .*nowhere\.modeldesk/);
    const unknown = await cli('export', path('x.modeldesk'), '--data', path('a'), '--endpoint', 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/endpoint "nope" not found/);
    expect(existsSync(path('x.modeldesk'))).toBe(false);
    const badMode = await cli('import', path('reg.modeldesk'), '--on-conflict', 'overwrite');
    expect(badMode.code).toBe(1);
    expect(badMode.stderr).toMatch(/Allowed choices are fail, skip, rename/);
  });
});
