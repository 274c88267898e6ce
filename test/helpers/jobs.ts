import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../fixtures/index.ts';
import type { TestServer } from './server.ts';

/**
 * Adult census rows as a CSV file a user would have (the UCI file's header, its ", " separators
 * and empty fields for missing values), `rows` long: the file repeated as needed.
 */
export function adultCsv(rows: number): string {
  const [header, ...lines] = readFileSync(join(repoRoot, 'test/fixtures/adult.csv'), 'utf8').split('\n');
  const data = lines.filter((line) => line.trim() !== '');
  const out = [header!];
  for (let i = 0; i < rows; i++) out.push(data[i % data.length]!);
  return out.join('\n') + '\n';
}

/** POST /api/v1/jobs with a multipart upload. */
export async function uploadJob(server: TestServer, name: string, content: string | Uint8Array, fields: Record<string, string>): Promise<{ status: number; body: any }> {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  form.set('file', new Blob([typeof content === 'string' ? content : new Uint8Array(content)]), name);
  const res = await server.request('/api/v1/jobs', { method: 'POST', body: form, admin: true });
  return { status: res.status, body: await res.json() };
}

/** Polls the job until it has ended (or `until` says so); returns its last view. */
export async function waitForJob(server: TestServer, id: number, until: (job: any) => boolean = (job) => ['completed', 'failed', 'cancelled'].includes(job.state), timeoutMs = 120_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await server.json(`/api/v1/jobs/${id}`, { admin: true });
    if (until(body)) return body;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${body.state} after ${timeoutMs} ms: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A finished job's result or error rows, as text. */
export async function jobFile(server: TestServer, id: number, which: 'result' | 'errors'): Promise<string> {
  const res = await server.request(`/api/v1/jobs/${id}/${which}`, { admin: true });
  if (res.status !== 200) throw new Error(`GET ${which} of job ${id}: ${res.status} ${await res.text()}`);
  return res.text();
}
