import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureSample } from '../../test/fixtures/index.ts';
import { adultCsv, uploadJob, waitForJob } from '../../test/helpers/jobs.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

/**
 * A batch job's input as a version's drift reference (issue #16's last sentence, issue #15's
 * profiles): POST /api/v1/monitoring/references/from-job, over a real server, the shipped income
 * forest and Adult rows; the refusals name the field at fault and write nothing.
 */
describe('a job\'s input as the drift reference', { timeout: 120_000 }, () => {
  let server: TestServer;
  const fromJob = (json: unknown) => server.json('/api/v1/monitoring/references/from-job', { method: 'POST', admin: true, json });
  const profiles = async (algorithm: number) => (await server.json(`/api/v1/monitoring/references?algorithm=${algorithm}`, { admin: true })).body as any[];
  const runJob = async (name: string, csv: string) => {
    const created = await uploadJob(server, name, csv, { endpoint: 'income_classifier', created_by: 'ana' });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    const job = await waitForJob(server, created.body.id);
    expect(job.state).toBe('completed');
    return job;
  };

  beforeAll(async () => {
    server = await startTestServer({ serving: { job_worker_threads: 1 }, monitoring: { flushIntervalMs: 60_000 } });
  });
  afterAll(() => server.stop());

  it('profiles the job\'s rows exactly as the same file uploaded as training data, for the version the job scored, and drift is measured against it', async () => {
    const csv = adultCsv(600);
    const job = await runJob('adult.csv', csv);
    // the same file as a training upload, for comparison (then replaced by the job's)
    const form = new FormData();
    form.set('file', new Blob([csv]), 'adult.csv');
    const uploaded = await server.json(`/api/v1/monitoring/references?algorithm=${job.algorithm_id}`, { method: 'POST', body: form, admin: true });
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);

    const res = await fromJob({ job: job.id, created_by: 'ana' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      algorithm_id: job.algorithm_id,
      active: true,
      source: 'job',
      rows: job.rows_total,
      created_by: 'ana',
      // the Adult file's target is not a feature; the job's own columns are not mentioned
      description: `job #${job.id} input: adult.csv (600 rows; columns not used: income)`
    });
    expect(res.body.rows).toBe(600);
    const [active, retired] = await profiles(job.algorithm_id);
    expect([active.id, active.active, retired.id, retired.active]).toEqual([res.body.id, true, uploaded.body.id, false]);
    // the same job again (a second click): the active profile is answered, no second entry is stored
    const again = await fromJob({ job: job.id, created_by: 'ana' });
    expect(again.body).toEqual(res.body);
    expect((await profiles(job.algorithm_id)).map((p) => p.id)).toEqual([res.body.id, uploaded.body.id]);

    const fromTheJob = (await server.json(`/api/v1/monitoring/references/${res.body.id}`, { admin: true })).body.profile;
    const fromTheFile = (await server.json(`/api/v1/monitoring/references/${uploaded.body.id}`, { admin: true })).body.profile;
    expect(fromTheJob).toEqual(fromTheFile);

    const drift = await server.json(`/api/v1/monitoring/drift?algorithm=${job.algorithm_id}&window=1h`, { admin: true });
    expect(drift.status).toBe(200);
    expect(drift.body.reference).toMatchObject({ id: res.body.id, source: 'job' });
    expect(drift.body.empty_reason).toBeNull();
    expect(drift.body.features.find((f: any) => f.name === 'age').reference_count).toBe(600);
  });

  it('leaves out the rows the job could not score, and says so; another version of the same endpoint may take it', async () => {
    const lines = adultCsv(300).split('\n');
    lines[7] = lines[7]!.replace(/^\d+/, 'forty');
    const job = await runJob('census.csv', lines.join('\n'));
    expect(job.rows_failed).toBe(1);
    const other = job.algorithm_id === 1 ? 2 : 1;
    const res = await fromJob({ job: job.id, algorithm: other });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ algorithm_id: other, source: 'job', rows: 299 });
    expect(res.body.description).toBe(`job #${job.id} input: census.csv (299 rows; 1 row the job could not score left out; columns not used: income)`);
  });

  describe('refusals: a 4xx naming the field, nothing written', () => {
    const refused = async (status: number, field: string, pattern: RegExp, body: unknown, algorithm = 1) => {
      const before = await profiles(algorithm);
      const res = await fromJob(body);
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body).toMatchObject({ status: 'Error', field });
      expect(res.body.message).toMatch(pattern);
      expect(await profiles(algorithm)).toEqual(before);
    };

    it('an unknown job is 404 naming job; an unknown algorithm 404 naming algorithm', async () => {
      await refused(404, 'job', /job 9999 does not exist/, { job: 9999 });
      const job = (await server.json('/api/v1/jobs', { admin: true })).body.find((j: any) => j.state === 'completed');
      await refused(404, 'algorithm', /algorithm 777 not found/, { job: job.id, algorithm: 777 });
    });

    it('a version of another endpoint is 400 naming algorithm', async () => {
      const iris = await server.register('iris_lr', { endpoint: 'iris', name: 'lr', version: '1', feature_names: JSON.stringify(fixtureSample('iris_lr').featureNames) });
      expect(iris.status).toBe(201);
      const job = (await server.json('/api/v1/jobs', { admin: true })).body.find((j: any) => j.state === 'completed');
      await refused(400, 'algorithm', new RegExp(`algorithm ${iris.body.id} is a version of endpoint "iris", but the job scored endpoint "income_classifier"`), { job: job.id, algorithm: iris.body.id }, iris.body.id);
    });

    it('a replay has no input file: 409', async () => {
      for (let i = 0; i < 3; i++) await server.json('/api/v1/income_classifier/predict', { method: 'POST', json: fixtureSample('income_rf').records[0] });
      const replay = await server.json('/api/v1/jobs/replay', { method: 'POST', admin: true, json: { endpoint: 'income_classifier', candidate_algorithm_id: 2, last: 3 } });
      expect(replay.status, JSON.stringify(replay.body)).toBe(202);
      await waitForJob(server, replay.body.id);
      await refused(409, 'job', /is a replay: a replay has no input file/, { job: replay.body.id });
    });

    it('a job whose rows are gone from disk, or changed since, is 409 saying so', async () => {
      const job = await runJob('gone.csv', adultCsv(50));
      const path = server.core.jobs.get(job.id).outputPath!;
      writeFileSync(path, readFileSync(path, 'utf8').split('\n').slice(0, 20).join('\n') + '\n');
      await refused(409, 'job', new RegExp(`job ${job.id}'s result file holds 19 rows, the job scored 50: it was changed after the job`), { job: job.id });
      rmSync(path);
      await refused(409, 'job', new RegExp(`job ${job.id}'s rows are no longer on disk`), { job: job.id });
    });

    it('a body without a job id is 400', async () => {
      await refused(400, 'job', /job/, { algorithm: 1 });
    });
  });
});
