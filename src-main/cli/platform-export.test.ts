import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adultRows, repoRoot } from '../../test/fixtures/index.ts';
import { cli } from '../../test/helpers/cli.ts';
import { createCore } from '../core/index.ts';

describe('modeldesk export --format triton (CLI)', { timeout: 120_000 }, () => {
  let dir: string;
  let data: string;
  let tampered: { id: number; response: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modeldesk-cli-triton-'));
    data = join(dir, 'data');
    const core = await createCore({ dataDir: data, migrationsDir: join(repoRoot, 'db', 'migrations'), modelsDir: join(repoRoot, 'models') });
    try {
      const result = await core.infer('income_classifier', { kind: 'body', body: adultRows(12).map((r) => r.record) });
      expect(result.answers).toHaveLength(12);
      const row = core.requests.list({ order: 'desc' }, 1, 1).results[0]!;
      tampered = { id: row.id, response: row.response };
    } finally {
      await core.close();
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the Triton repository and the manifests, after the parity check', async () => {
    const out = join(dir, 'out');
    const done = await cli('export', '--format', 'triton', out, '--data', data, '--storage-uri', 's3://team/models', '--endpoint', 'income_classifier');
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/^Exported 2 model\(s\) to /);
    expect(done.stdout).toContain('income_classifier__random_forest__0.0.1  (production, max_batch_size 64)');
    expect(done.stdout).toMatch(/Parity: 12 logged request\(s\) and 2 input example\(s\) answered as ModelDesk did/);
    expect(readdirSync(join(out, 'triton')).sort()).toEqual(['income_classifier__logistic_regression__0.0.1', 'income_classifier__random_forest__0.0.1']);
    expect(readFileSync(join(out, 'kubernetes', 'kserve', 'income_classifier.yaml'), 'utf8')).toContain('s3://team/models/kserve/');
  });

  it('a parity mismatch prints the differing rows as a table, exits 1 and writes nothing', async () => {
    const answer = JSON.parse(tampered.response);
    const forged = { ...answer, label: answer.label === '>50K' ? '<=50K' : '>50K' };
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(join(data, 'modeldesk.db'));
    db.prepare('update requests set response = ? where id = ?').run(JSON.stringify(forged), tampered.id);
    db.close();
    const out = join(dir, 'refused');
    const refused = await cli('export', '--format', 'triton', out, '--data', data);
    expect(refused.code).toBe(1);
    const [header, rule, ...rows] = refused.stderr.split('\n');
    expect(header).toMatch(/^model\s+source\s+request\s+field\s+ModelDesk\s+exported$/);
    expect(rule).toMatch(/^-+ -+/);
    expect(rows[0]).toMatch(new RegExp(`^income_classifier__random_forest__0\\.0\\.1\\s+request\\s+${tampered.id}\\s+label\\s+"${forged.label}"\\s+"${answer.label}"$`));
    expect(refused.stderr).toMatch(/modeldesk: export stopped, nothing was written: the exported models answer 1 field\(s\) differently/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses two endpoints and a missing folder argument', async () => {
    const two = await cli('export', '--format', 'triton', join(dir, 'x'), '--data', data, '--endpoint', 'a', '--endpoint', 'b');
    expect(two.code).toBe(1);
    expect(two.stderr).toMatch(/exports one endpoint/);
    const format = await cli('export', '--format', 'onnx', join(dir, 'y'), '--data', data);
    expect(format.stderr).toMatch(/Allowed choices are modeldesk, triton/);
  });
});
