import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adultCsv, jobFile, uploadJob, waitForJob } from '../../test/helpers/jobs.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

let server: TestServer;
const heard: string[] = [];
beforeAll(async () => {
  server = await startTestServer({ serving: { job_worker_threads: 1 } });
  server.core.events.on('job.started', ({ job, resumed }) => heard.push(`started ${job.id}${resumed ? ' (resumed)' : ''}`));
  server.core.events.on('job.finished', ({ job }) => heard.push(`finished ${job.id} ${job.state}`));
});
afterAll(async () => server?.stop());

describe('cancelling a running job', () => {
  it('keeps the rows it finished, says so, and its result is the start of the full result', async () => {
    const csv = adultCsv(80_000);
    const full = await uploadJob(server, 'adult.csv', csv, { endpoint: 'income_classifier' });
    const whole = await jobFile(server, (await waitForJob(server, full.body.id)).id, 'result');

    const created = await uploadJob(server, 'adult.csv', csv, { endpoint: 'income_classifier' });
    const running = await waitForJob(server, created.body.id, (job) => job.rows_done > 0);
    expect(running.state).toBe('running');
    expect(running.rows_per_second).toBeGreaterThan(0);
    expect(running.eta_seconds).toBeGreaterThanOrEqual(0);
    expect(running.progress).toBeGreaterThan(0);

    const cancel = await server.json(`/api/v1/jobs/${created.body.id}`, { method: 'DELETE', admin: true });
    expect(cancel.status).toBe(200);
    const job = cancel.body;
    expect(job.state).toBe('cancelled');
    expect(job.rows_done).toBeGreaterThan(0);
    expect(job.rows_done).toBeLessThan(80_000);
    expect(job.message).toBe(`cancelled after ${job.rows_done} rows: the result holds rows 1 to ${job.rows_done}`);
    expect(job.files).toMatchObject({ partial: true });
    const kept = await jobFile(server, job.id, 'result');
    expect(kept.split('\n')).toHaveLength(job.rows_done + 2);
    expect(whole.startsWith(kept)).toBe(true);
    expect(heard).toContain(`finished ${job.id} cancelled`);
  }, 120_000);

  it('cancels a queued job before it starts', async () => {
    const first = await uploadJob(server, 'adult.csv', adultCsv(40_000), { endpoint: 'income_classifier' });
    const second = await uploadJob(server, 'adult.csv', adultCsv(10), { endpoint: 'income_classifier' });
    expect(second.body.state).toBe('queued');
    const cancel = await server.json(`/api/v1/jobs/${second.body.id}`, { method: 'DELETE', admin: true });
    expect(cancel.body).toMatchObject({ state: 'cancelled', rows_done: 0, message: 'cancelled before it started' });
    const result = await server.json(`/api/v1/jobs/${second.body.id}/result`, { admin: true });
    expect(result.status).toBe(404);
    await server.json(`/api/v1/jobs/${first.body.id}`, { method: 'DELETE', admin: true });
  }, 60_000);
});

describe('watching a job', () => {
  it('streams progress as server-sent events, then the end', async () => {
    const created = await uploadJob(server, 'adult.csv', adultCsv(20_000), { endpoint: 'income_classifier' });
    const res = await server.request(`/api/v1/jobs/${created.body.id}/events`, { admin: true });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const text = await res.text();
    const events = text.trim().split('\n\n').map((block) => {
      const [event, data] = block.split('\n');
      return { event: event!.slice('event: '.length), job: JSON.parse(data!.slice('data: '.length)) };
    });
    expect(events.at(-1)).toMatchObject({ event: 'end', job: { state: 'completed', rows_done: 20_000 } });
    expect(events.slice(0, -1).every((e) => e.event === 'progress')).toBe(true);
    expect(heard).toContain(`started ${created.body.id}`);
    expect(heard).toContain(`finished ${created.body.id} completed`);
  }, 60_000);

  it('lists jobs newest first, with who, when, which version and the input fingerprint', async () => {
    const { body } = await server.json('/api/v1/jobs', { admin: true });
    expect(body.length).toBeGreaterThanOrEqual(4);
    expect(body[0].id).toBeGreaterThan(body[1].id);
    expect(body[0]).toMatchObject({ kind: 'predict', endpoint: 'income_classifier', version: '0.0.1', input: { name: 'adult.csv' } });
    expect(body[0].input.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('downloads with a one-time link (for the browser), which opens once', async () => {
    const created = await uploadJob(server, 'adult.csv', adultCsv(10), { endpoint: 'income_classifier' });
    await waitForJob(server, created.body.id);
    const ticket = await server.json(`/api/v1/jobs/${created.body.id}/tickets`, { method: 'POST', admin: true, json: { file: 'result' } });
    expect(ticket.status).toBe(201);
    const first = await server.request(ticket.body.url);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-disposition')).toBe(`attachment; filename="adult.job-${created.body.id}.result.csv"`);
    expect((await first.text()).split('\n')).toHaveLength(12);
    expect((await server.request(ticket.body.url)).status).toBe(401);
  });

  it('documents every job route in the OpenAPI document', async () => {
    const { body } = await server.json('/openapi.json');
    expect(Object.keys(body.paths).filter((p) => p.startsWith('/api/v1/jobs')).sort()).toEqual([
      '/api/v1/jobs',
      '/api/v1/jobs/replay',
      '/api/v1/jobs/{id}',
      '/api/v1/jobs/{id}/errors',
      '/api/v1/jobs/{id}/events',
      '/api/v1/jobs/{id}/result',
      '/api/v1/jobs/{id}/tickets'
    ]);
    expect(Object.keys(body.paths['/api/v1/jobs'].post.requestBody.content).sort()).toEqual(['application/json', 'multipart/form-data']);
  });

  it("refuses a running job's files with a 409", async () => {
    const created = await uploadJob(server, 'adult.csv', adultCsv(40_000), { endpoint: 'income_classifier' });
    await waitForJob(server, created.body.id, (job) => job.state === 'running');
    const res = await server.json(`/api/v1/jobs/${created.body.id}/result`, { admin: true });
    expect(res.status).toBe(409);
    expect(res.body.message).toBe(`job ${created.body.id} is running: its files are written when it ends`);
    await server.json(`/api/v1/jobs/${created.body.id}`, { method: 'DELETE', admin: true });
  }, 60_000);
});
