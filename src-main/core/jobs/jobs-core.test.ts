import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../index.ts';
import { repoRoot } from '../../../test/fixtures/index.ts';

let core: Core;
const dir = mkdtempSync(join(tmpdir(), 'modeldesk-jobs-core-'));

beforeAll(async () => {
  core = await createCore({ dataDir: join(dir, 'data'), migrationsDir: join(repoRoot, 'db', 'migrations'), modelsDir: join(repoRoot, 'models') });
});
afterAll(async () => {
  await core.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a predict job', () => {
  it('scores a CSV file into input columns + prediction columns + error', async () => {
    const input = join(dir, 'small.csv');
    const lines = readFileSync(join(repoRoot, 'test/fixtures/adult.csv'), 'utf8').split('\n').slice(0, 3001);
    writeFileSync(input, lines.join('\n') + '\n');
    const job = await core.jobs.createFromPath(input, { endpoint: 'income_classifier' }, { trusted: true });
    const t = Date.now();
    const done = await core.jobs.runToEnd(job.id);
    console.log('ms', Date.now() - t, done.state, done.rowsDone, done.message);
    expect(done.state).toBe('completed');
    expect(done.rowsDone).toBe(3000);
    const out = readFileSync(done.outputPath!, 'utf8').split('\n');
    console.log(out.slice(0, 3).join('\n'));
    expect(out[0]).toContain(',prediction,probability_<=50K,probability_>50K,error');
  });
});
