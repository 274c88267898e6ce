/**
 * Jobs under access control (issue 17 with issue 16): a read key watches jobs and downloads
 * their files but may not start or cancel one; an admin key's job is in the audit log under
 * that key's name, from its start to its end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adultCsv, waitForJob } from '../../test/helpers/jobs.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

let server: TestServer;
let deployer: { id: number; key: string };
let reader: { id: number; key: string };
const as = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });
const jobForm = () => {
  const form = new FormData();
  form.set('endpoint', 'income_classifier');
  form.set('file', new Blob([adultCsv(20)]), 'adult.csv');
  return form;
};

beforeAll(async () => {
  server = await startTestServer({ serving: { job_worker_threads: 1 } });
  deployer = (await server.json('/api/v1/keys', { method: 'POST', admin: true, json: { name: 'deployer', scope: 'admin' } })).body;
  reader = (await server.json('/api/v1/keys', { method: 'POST', admin: true, json: { name: 'analyst', scope: 'read' } })).body;
});
afterAll(async () => server?.stop());

describe('jobs and credentials', () => {
  it('an admin key starts a job; the audit log names it at the start and at the end', async () => {
    const created = await server.request('/api/v1/jobs', { method: 'POST', body: jobForm(), ...as(deployer.key) });
    expect(created.status).toBe(202);
    const job = await waitForJob(server, ((await created.json()) as { id: number }).id);
    expect(job.state).toBe('completed');
    const entries = (await server.json('/api/v1/audit?action=job.&page_size=10', { admin: true })).body.results as { action: string; actor: string; summary: string }[];
    expect(entries.find((e) => e.action === 'job.started')).toMatchObject({
      actor: 'deployer',
      summary: expect.stringMatching(new RegExp(`^started batch job #${job.id} with random forest 0\\.0\\.1 \\(#1\\) on adult\\.csv`))
    });
    expect(entries.find((e) => e.action === 'job.completed')).toMatchObject({ summary: `batch job #${job.id} completed: 20 rows, 0 failed` });
  });

  it('a read key lists and watches jobs and downloads a result, but may not start or cancel one', async () => {
    const [job] = (await server.json('/api/v1/jobs', as(reader.key))).body as { id: number }[];
    expect((await server.json(`/api/v1/jobs/${job!.id}`, as(reader.key))).status).toBe(200);
    const result = await server.request(`/api/v1/jobs/${job!.id}/result`, as(reader.key));
    expect(result.status).toBe(200);
    expect((await result.text()).split('\n')[0]).toContain('prediction');
    const refused = await server.request('/api/v1/jobs', { method: 'POST', body: jobForm(), ...as(reader.key) });
    expect(refused.status).toBe(403);
    expect((await server.json(`/api/v1/jobs/${job!.id}`, { method: 'DELETE', ...as(reader.key) })).status).toBe(403);
  });
});
