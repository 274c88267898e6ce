import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../core/index.ts';
import { repoRoot } from '../../test/fixtures/index.ts';
import { adultCsv } from '../../test/helpers/jobs.ts';

const dir = mkdtempSync(join(tmpdir(), 'modeldesk-predict-cli-'));
const data = join(dir, 'data');
const input = join(dir, 'adult.csv');
const rows = 60_000;
const token = 'resume-test-token';

beforeAll(async () => {
  // a data directory with the shipped models, as `serve` leaves it
  const core = await createCore({ dataDir: data, migrationsDir: join(repoRoot, 'db', 'migrations'), modelsDir: join(repoRoot, 'models') });
  await core.close();
  const lines = adultCsv(rows).split('\n');
  // a few bad rows, so the error rows are resumed too
  for (const i of [10, 20_000, 45_000]) lines[i] = lines[i]!.replace(/^\d+/, 'n/a');
  writeFileSync(input, lines.join('\n'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]): { child: ChildProcess; output: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  // tsx as a loader of this very process (its CLI would run the command in a grandchild, out of reach of the kill)
  const child = spawn(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', ...args], {
    cwd: repoRoot,
    env: { ...process.env, MODELDESK_ADMIN_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return { child, output: new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr }))) };
}

const predictArgs = (output: string) => ['predict', input, '-o', output, '--endpoint', 'income_classifier', '--data', data, '--workers', '1'];

function jobRow(output: string): { id: number; state: string; rows_done: number } | undefined {
  const db = new Database(join(data, 'modeldesk.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('select id, state, rows_done from jobs where output_path = ? order by id desc').get(output) as never;
  } finally {
    db.close();
  }
}

describe('modeldesk predict', () => {
  it('killed with SIGKILL mid-job, resumes from its last chunk and writes the same bytes as an uninterrupted run', async () => {
    const reference = join(dir, 'reference.csv');
    const whole = await cli(...predictArgs(reference)).output;
    expect(whole.stderr).toBe('');
    expect(whole.code).toBe(0);
    expect(whole.stdout).toContain(`completed: ${rows} rows, 3 failed`);

    const output = join(dir, 'scores.csv');
    const first = cli(...predictArgs(output));
    // wait until some chunks are done, but not all
    let row: ReturnType<typeof jobRow>;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      row = existsSync(join(data, 'modeldesk.db')) ? jobRow(output) : undefined;
      if (row && row.rows_done >= 2048) break;
    }
    first.child.kill('SIGKILL');
    const killed = await first.output;
    expect(killed.code).toBeNull();
    row = jobRow(output)!;
    expect(row.state).toBe('running');
    expect(row.rows_done).toBeLessThan(rows);
    // nothing half-written in place: only the parts exist
    expect(existsSync(output)).toBe(false);
    expect(existsSync(`${output}.part`)).toBe(true);

    const resumed = await cli(...predictArgs(output)).output;
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`Resuming job ${row.id} after row`);
    expect(jobRow(output)).toMatchObject({ id: row.id, state: 'completed', rows_done: rows });
    expect(readFileSync(output).equals(readFileSync(reference))).toBe(true);
    expect(readFileSync(join(dir, 'scores.errors.csv')).equals(readFileSync(join(dir, 'reference.errors.csv')))).toBe(true);
    expect(existsSync(`${output}.part`)).toBe(false);
  }, 180_000);

  it('a server killed with SIGKILL mid-job resumes the job at its next start, with the same bytes', async () => {
    const reference = join(dir, 'reference.csv');
    if (!existsSync(reference)) expect((await cli(...predictArgs(reference)).output).code).toBe(0);
    const serve = () => {
      const run = cli('serve', '--port', '0', '--data', data, '--job-input-dir', dir, '--job-workers', '1');
      const url = new Promise<string>((resolve, reject) => {
        let seen = '';
        run.child.stdout!.on('data', (d: Buffer) => {
          seen += d.toString();
          const match = /Open (http:\/\/[^\s/]+)\//.exec(seen);
          if (match) resolve(match[1]!);
        });
        void run.output.then((o) => reject(new Error(`serve exited: ${o.stderr}`)));
      });
      return { ...run, url };
    };
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const first = serve();
    const created = await fetch(`${await first.url}/api/v1/jobs`, { method: 'POST', headers, body: JSON.stringify({ endpoint: 'income_classifier', path: input }) });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: number };
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const job = (await (await fetch(`${await first.url}/api/v1/jobs/${id}`, { headers })).json()) as { rows_done: number };
      if (job.rows_done >= 2048) break;
    }
    first.child.kill('SIGKILL');
    await first.output;
    const stopped = jobRow(join(data, 'jobs', String(id), 'result.csv'))!;
    expect(stopped).toMatchObject({ id, state: 'running' });
    expect(stopped.rows_done).toBeLessThan(rows);

    const second = serve();
    let job: { state: string; rows_done: number };
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = (await (await fetch(`${await second.url}/api/v1/jobs/${id}`, { headers })).json()) as typeof job;
      if (job.state !== 'running') break;
    }
    expect(job).toMatchObject({ state: 'completed', rows_done: rows });
    const result = await fetch(`${await second.url}/api/v1/jobs/${id}/result`, { headers });
    expect(Buffer.from(await result.arrayBuffer()).equals(readFileSync(reference))).toBe(true);
    second.child.kill('SIGTERM');
    await second.output;
  }, 180_000);

  it('a job killed mid-way and then cancelled keeps the rows it finished, in place', async () => {
    const output = join(dir, 'cancelled.csv');
    const run = cli(...predictArgs(output));
    let row: ReturnType<typeof jobRow>;
    do {
      await new Promise((resolve) => setTimeout(resolve, 20));
      row = existsSync(join(data, 'modeldesk.db')) ? jobRow(output) : undefined;
    } while (!row || row.rows_done < 2048);
    run.child.kill('SIGKILL');
    await run.output;
    const core = await createCore({ dataDir: data, migrationsDir: join(repoRoot, 'db', 'migrations') });
    try {
      const job = await core.jobs.cancel(jobRow(output)!.id);
      expect(job.state).toBe('cancelled');
      expect(job.message).toBe(`cancelled after ${job.rowsDone} rows: the result holds rows 1 to ${job.rowsDone}`);
      const kept = readFileSync(output, 'utf8').split('\n');
      expect(kept).toHaveLength(job.rowsDone + 2);
      expect(readFileSync(join(dir, 'reference.csv'), 'utf8').startsWith(kept.join('\n'))).toBe(true);
      expect(existsSync(`${output}.part`)).toBe(false);
    } finally {
      await core.close();
    }
  }, 120_000);

  it('refuses a header without the model\'s fields, naming them, and writes nothing', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'a,b\n1,2\n');
    const run = await cli('predict', bad, '-o', join(dir, 'bad-out.csv'), '--endpoint', 'income_classifier', '--data', data).output;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the header has no column for the model\'s fields "age"');
    expect(existsSync(join(dir, 'bad-out.csv'))).toBe(false);
    expect(existsSync(join(dir, 'bad-out.csv.part'))).toBe(false);
  }, 60_000);
});
