import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

describe('a predict job in the core (what the CLI runs)', () => {
  it('scores a CSV file into its input lines + prediction columns + error', async () => {
    const input = join(dir, 'small.csv');
    const lines = readFileSync(join(repoRoot, 'test/fixtures/adult.csv'), 'utf8').split('\n').slice(0, 3001);
    writeFileSync(input, lines.join('\n') + '\n');
    const job = await core.jobs.createFromPath(input, { endpoint: 'income_classifier' }, { trusted: true });
    const done = await core.jobs.runToEnd(job.id);
    expect(done.state).toBe('completed');
    expect(done.rowsDone).toBe(3000);
    const out = readFileSync(done.outputPath!, 'utf8').split('\n');
    // the input's header as written, then the added columns
    expect(out[0]).toBe(`${lines[0]},prediction,probability_<=50K,probability_>50K,error`);
    expect(out[1]).toMatch(/^39, State-gov, .*, <=50K,<=50K,0\.\d+,0\.\d+,$/);
    expect(out).toHaveLength(3002);
    // a job started here is not run by a server's queue
    expect(core.jobs.list()[0]).toMatchObject({ id: job.id, state: 'completed', rowsTotal: 3000, rowsFailed: 0 });
  });

  it('fails, saying so, when its input changed between creation and start, and writes nothing', async () => {
    const input = join(dir, 'changing.csv');
    const lines = readFileSync(join(repoRoot, 'test/fixtures/adult.csv'), 'utf8').split('\n').slice(0, 101);
    writeFileSync(input, lines.join('\n') + '\n');
    const job = await core.jobs.createFromPath(input, { endpoint: 'income_classifier' }, { trusted: true });
    writeFileSync(input, lines.slice(0, 50).join('\n') + '\n');
    const done = await core.jobs.runToEnd(job.id);
    expect(done.state).toBe('failed');
    expect(done.message).toMatch(/^the input file changed since the job was created \(SHA-256 [0-9a-f]{12}…, was [0-9a-f]{12}…\)/);
    expect(existsSync(done.outputPath!)).toBe(false);
    expect(existsSync(`${done.outputPath!}.part`)).toBe(false);
  });
});
