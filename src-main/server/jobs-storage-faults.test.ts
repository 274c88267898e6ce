/**
 * Batch jobs meet storage faults (issue 20 with issue 16): a disk that fills under a job's output
 * fails the job saying so and where, with nothing half-written left behind and the next job
 * running once there is room; a full database refuses a new job with 507 and keeps no upload.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { adultCsv, uploadJob, waitForJob } from '../../test/helpers/jobs.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { canMountSmallDisks, mountSmallDisk, type SmallDisk } from '../../test/helpers/small-disk.ts';

const mountable = canMountSmallDisks();

let server: TestServer | undefined;
let disk: SmallDisk | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await server?.stop();
  disk?.unmount();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  server = disk = undefined;
});
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

describe.runIf(mountable)('a disk that fills under a job (a real tmpfs on <data>/jobs)', () => {
  it('fails the job saying the disk is full and where, leaves no part file, and the next job runs once there is room', async () => {
    const dataDir = tempDir('modeldesk-jobs-full-');
    const inputs = tempDir('modeldesk-jobs-in-');
    disk = mountSmallDisk(join(dataDir, 'jobs'), 256 * 1024);
    server = await startTestServer({ dataDir, jobInputDirs: [inputs], serving: { job_worker_threads: 1 } });
    const big = join(inputs, 'big.csv');
    writeFileSync(big, adultCsv(4000));

    const created = await server.json('/api/v1/jobs', { method: 'POST', admin: true, json: { endpoint: 'income_classifier', path: big } });
    expect(created.status).toBe(202);
    const failed = await waitForJob(server, created.body.id);
    expect(failed.state).toBe('failed');
    expect(failed.message).toContain('the disk is full');
    expect(failed.message).toContain(join(dataDir, 'jobs', String(failed.id)));
    expect(failed.message).toContain('free some space');
    expect(readdirSync(join(dataDir, 'jobs', String(failed.id)))).toEqual([]);
    expect((await server.json(`/api/v1/jobs/${failed.id}/result`, { admin: true })).status).toBe(404);

    // the failed job's parts were removed: a small job fits
    const small = join(inputs, 'small.csv');
    writeFileSync(small, adultCsv(20));
    const next = await server.json('/api/v1/jobs', { method: 'POST', admin: true, json: { endpoint: 'income_classifier', path: small } });
    expect(await waitForJob(server, next.body.id)).toMatchObject({ state: 'completed', rows_done: 20 });
  });
});

describe('a full database', () => {
  it('refuses a new job with 507 naming the database, keeps no upload, and takes jobs again once there is room', async () => {
    server = await startTestServer({ serving: { job_worker_threads: 1 } });
    const { sqlite } = server.core;
    const jobsBefore = (await server.json('/api/v1/jobs', { admin: true })).body.length;
    // the file may not grow, and its free pages are taken: the next row that needs a page fails as on a full disk
    sqlite.exec('create table filler (x blob)');
    sqlite.pragma(`max_page_count = ${Number(sqlite.pragma('page_count', { simple: true }))}`);
    const fill = sqlite.prepare('insert into filler values (zeroblob(512))');
    for (;;) {
      try {
        fill.run();
      } catch {
        break;
      }
    }
    // a job row with a long header needs pages of its own (the job keeps its header to write it back)
    const wide = adultCsv(10)
      .trim()
      .split('\n')
      .map((line, i) => `${line}, ${i === 0 ? 'n'.repeat(20_000) : ''}`)
      .join('\n');
    const refused = await uploadJob(server, 'adult.csv', wide, { endpoint: 'income_classifier' });
    expect(refused.status).toBe(507);
    expect(refused.body.message).toContain('the disk is full');
    expect(refused.body.message).toContain(join(server.dataDir, 'modeldesk.db'));
    expect(readdirSync(join(server.dataDir, 'jobs', 'incoming'))).toEqual([]);
    expect(readdirSync(join(server.dataDir, 'jobs')).filter((name) => name !== 'incoming')).toEqual([]);
    expect((await server.json('/api/v1/jobs', { admin: true })).body.length).toBe(jobsBefore);

    sqlite.pragma('max_page_count = 1073741823');
    const accepted = await uploadJob(server, 'adult.csv', adultCsv(10), { endpoint: 'income_classifier' });
    expect(accepted.status).toBe(202);
    expect(await waitForJob(server, accepted.body.id)).toMatchObject({ state: 'completed', rows_done: 10 });
  });
});
