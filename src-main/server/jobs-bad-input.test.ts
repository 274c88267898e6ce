import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureModelPath } from '../../test/fixtures/index.ts';
import { adultCsv, uploadJob, waitForJob } from '../../test/helpers/jobs.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

let server: TestServer;
const outside = mkdtempSync(join(tmpdir(), 'modeldesk-outside-'));
const allowed = mkdtempSync(join(tmpdir(), 'modeldesk-allowed-'));

beforeAll(async () => {
  server = await startTestServer({ serving: { job_worker_threads: 1 }, jobInputDirs: [allowed] });
});
afterAll(async () => {
  await server?.stop();
  rmSync(outside, { recursive: true, force: true });
  rmSync(allowed, { recursive: true, force: true });
});

const jobCount = () => (server.core.sqlite.prepare('select count(*) as n from jobs').get() as { n: number }).n;
const incoming = () => {
  try {
    return readdirSync(join(server.dataDir, 'jobs', 'incoming'));
  } catch {
    return [];
  }
};

describe('a job that cannot start is refused with a 4xx naming the problem, and nothing is written', () => {
  const header = adultCsv(0).trim();
  it.each([
    ['a model file (binary)', 'model.csv', readFileSync(fixtureModelPath('iris_lr')), {}, 'is not a CSV or JSON Lines file: it holds binary data'],
    ['a 0-byte upload', 'empty.csv', '', {}, 'the uploaded file is empty (0 bytes)'],
    ['blank lines only', 'blank.csv', '\n\n  \n', {}, 'the file is empty (blank lines only)'],
    ['a header and no rows', 'header.csv', `${header}\n`, {}, 'the file has a header but no rows'],
    ['a header without a feature column', 'no-age.csv', adultCsv(3).replace(/^age, /, 'years, '), {}, 'the header has no column for the model\'s field "age"'],
    ['JSON that is not JSON Lines', 'list.jsonl', '[1, 2, 3]\n', {}, 'each line of a JSON Lines file must be a JSON object'],
    ['an input column the output adds', 'clash.csv', adultCsv(2).replace('income', 'prediction'), {}, 'the input has a column "prediction", which the output adds: rename it'],
    ['an unknown endpoint', 'adult.csv', adultCsv(2), { endpoint: 'nope' }, 'ML algorithm is not available: no endpoint named "nope"'],
    ['an unknown version', 'adult.csv', adultCsv(2), { version: '9.9.9' }, 'ML algorithm is not available: no algorithm on "income_classifier" with version "9.9.9"'],
    ['a version of another endpoint', 'adult.csv', adultCsv(2), { algorithm_id: '999' }, 'ML algorithm is not available: algorithm 999 is not on "income_classifier"'],
    ['a bad format', 'adult.csv', adultCsv(2), { format: 'parquet' }, 'format must be one of csv, jsonl'],
    ['a bad max_failed_fraction', 'adult.csv', adultCsv(2), { max_failed_fraction: '2' }, 'max_failed_fraction must be a number from 0 to 1'],
    ['an unknown field', 'adult.csv', adultCsv(2), { versoin: '1' }, 'versoin is not a field of this request (a typo?)']
  ])('%s', async (_what, name, content, fields, message) => {
    const before = jobCount();
    const res = await uploadJob(server, name, content, { endpoint: 'income_classifier', ...fields });
    expect(res.status).toBe(400);
    expect(res.body.status).toBe('Error');
    expect(res.body.message).toContain(message);
    expect(jobCount()).toBe(before);
    expect(incoming()).toEqual([]);
  });

  it('a multipart request without a file', async () => {
    const form = new FormData();
    form.set('endpoint', 'income_classifier');
    const res = await server.request('/api/v1/jobs', { method: 'POST', body: form, admin: true });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toBe('send the input as a multipart part named "file" (or a JSON body with "path")');
  });

  it('no token: 401, and the upload is never read', async () => {
    const form = new FormData();
    form.set('endpoint', 'income_classifier');
    form.set('file', new Blob([adultCsv(2)]), 'adult.csv');
    const res = await server.request('/api/v1/jobs', { method: 'POST', body: form });
    expect(res.status).toBe(401);
    expect(incoming()).toEqual([]);
  });
});

describe('a file on the server by path', () => {
  it('is read inside an allowed folder', async () => {
    const file = join(allowed, 'adult.csv');
    writeFileSync(file, adultCsv(50));
    const res = await server.json('/api/v1/jobs', { method: 'POST', admin: true, json: { endpoint: 'income_classifier', path: file } });
    expect(res.status).toBe(202);
    expect(res.body.input).toMatchObject({ name: 'adult.csv', uploaded: false });
    const job = await waitForJob(server, res.body.id);
    expect(job).toMatchObject({ state: 'completed', rows_done: 50 });
  });

  it.each([
    ['outside every allowed folder', () => writeAndReturn(join(outside, 'secret.csv')), 'is outside the folders jobs may read'],
    ['reached through a link out of the folder', () => linkOut(), 'is outside the folders jobs may read'],
    ['a ../ escape', () => join(allowed, '..', outside.split('/').pop()!, 'secret.csv'), 'is outside the folders jobs may read'],
    ['relative', () => 'adult.csv', 'path must be absolute'],
    ['missing', () => join(allowed, 'nothing.csv'), 'no file at'],
    ['a folder', () => allowed, 'is outside the folders jobs may read']
  ])('is refused when %s', async (_what, pathOf, message) => {
    const before = jobCount();
    const res = await server.json('/api/v1/jobs', { method: 'POST', admin: true, json: { endpoint: 'income_classifier', path: pathOf() } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 'Error', field: 'path' });
    expect(res.body.message).toContain(message);
    expect(jobCount()).toBe(before);
  });

  it('names a missing field of the JSON body', async () => {
    const res = await server.json('/api/v1/jobs', { method: 'POST', admin: true, json: { path: '/x.csv' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ field: 'endpoint' });
  });
});

describe('ids and states', () => {
  it('an unknown job id is a 404 on every route', async () => {
    for (const [method, path] of [['GET', '/api/v1/jobs/999'], ['DELETE', '/api/v1/jobs/999'], ['GET', '/api/v1/jobs/999/result'], ['GET', '/api/v1/jobs/999/events']]) {
      const res = await server.json(path!, { method: method!, admin: true });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.message).toBe('job 999 does not exist');
    }
  });

  it('cancelling a finished job is a 409, and changes nothing', async () => {
    const created = await uploadJob(server, 'adult.csv', adultCsv(10), { endpoint: 'income_classifier' });
    const job = await waitForJob(server, created.body.id);
    const res = await server.json(`/api/v1/jobs/${job.id}`, { method: 'DELETE', admin: true });
    expect(res.status).toBe(409);
    expect(res.body.message).toBe(`job ${job.id} is already completed; only a queued or running job can be cancelled`);
    expect((await server.json(`/api/v1/jobs/${job.id}`, { admin: true })).body.state).toBe('completed');
  });
});

describe('refused job requests', () => {
  it('are counted with the refused predictions, by endpoint and reason; accepted jobs and lookups are not', async () => {
    const heard: [string, string | null, number][] = [];
    const off = server.core.events.on('request.refused', (r) => heard.push([r.reason, r.endpoint?.name ?? null, r.status]));
    try {
      await uploadJob(server, 'no-age.csv', adultCsv(3).replace(/^age, /, 'years, '), { endpoint: 'income_classifier' });
      await uploadJob(server, 'adult.csv', adultCsv(2), { endpoint: 'nope' });
      await server.json('/api/v1/jobs/replay', { method: 'POST', admin: true, json: { endpoint: 'income_classifier', candidate_algorithm_id: 999, last: 10 } });
      await server.json('/api/v1/jobs', { method: 'POST', json: { endpoint: 'income_classifier', path: '/x.csv' } });
      const accepted = await uploadJob(server, 'adult.csv', adultCsv(5), { endpoint: 'income_classifier' });
      expect(accepted.status).toBe(202);
      await waitForJob(server, accepted.body.id);
      await server.json('/api/v1/jobs/999', { admin: true });
    } finally {
      off();
    }
    expect(heard).toEqual([
      ['validation', 'income_classifier', 400],
      ['unknown_endpoint', null, 400],
      ['no_algorithm', 'income_classifier', 400],
      // refused before its body is read: the endpoint it named is not known
      ['auth', null, 401]
    ]);
    server.core.refusals.flush();
    const summary = await server.json('/api/v1/refusals?endpoint=income_classifier', { admin: true });
    expect(summary.body.by_reason).toMatchObject({ validation: expect.any(Number), no_algorithm: expect.any(Number), auth: expect.any(Number) });
  });
});

function writeAndReturn(path: string): string {
  writeFileSync(path, adultCsv(5));
  return path;
}

function linkOut(): string {
  const target = writeAndReturn(join(outside, 'linked.csv'));
  const link = join(allowed, 'sub', 'linked.csv');
  mkdirSync(join(allowed, 'sub'), { recursive: true });
  symlinkSync(target, link);
  return link;
}
