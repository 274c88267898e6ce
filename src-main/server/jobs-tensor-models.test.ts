/**
 * Issue 16 on tensor models (issue 21): a JSON Lines job on a PyTorch export answers each record
 * as predict does (classifiers with their classes and output kind, multi-output models, dynamic
 * sequence lengths, images), and a CSV that cannot hold a tensor is refused naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { torchFixtureSample, type TorchFixtureName } from '../../test/fixtures/index.ts';
import { jobFile, uploadJob, waitForJob } from '../../test/helpers/jobs.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { registerTorch } from '../../test/helpers/torch-models.ts';

const names: TorchFixtureName[] = ['wine_logits', 'multi_regressor', 'seq_dynamic', 'digits_image'];

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ seed: false, serving: { job_worker_threads: 1 } });
  for (const name of names) {
    const { status, body } = await registerTorch(server, name);
    expect(status, JSON.stringify(body)).toBe(201);
  }
});
afterAll(async () => server?.stop());

const jsonl = (records: unknown[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

/** Numbers within `tolerance` of each other, nested alike. */
function near(got: unknown, want: unknown, tolerance = 1e-5): boolean {
  if (Array.isArray(want)) return Array.isArray(got) && got.length === want.length && want.every((w, i) => near(got[i], w, tolerance));
  if (typeof want === 'number') return typeof got === 'number' && Math.abs(got - want) <= tolerance * Math.max(1, Math.abs(want));
  return got === want;
}

describe('batch jobs on tensor models', () => {
  it.each(names)('%s: every JSON Lines record gets the answer predict gives it', async (name) => {
    const { records } = torchFixtureSample(name);
    const created = await uploadJob(server, `${name}.jsonl`, jsonl(records), { endpoint: name });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    const job = await waitForJob(server, created.body.id);
    expect(job, JSON.stringify(job)).toMatchObject({ state: 'completed', rows_done: records.length, rows_failed: 0 });
    const lines = (await jobFile(server, job.id, 'result')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const online = await server.json(`/api/v1/${name}/predict`, { method: 'POST', json: records });
    expect(online.status).toBe(200);
    online.body.predictions.forEach((answer: any, i: number) => {
      const line = lines[i]!;
      expect(line.error, `record ${i}`).toBeNull();
      if (answer.label !== undefined) {
        expect(line.prediction, `record ${i}`).toEqual(answer.label);
        for (const [cls, p] of Object.entries(answer.probabilities as Record<string, number>)) {
          expect(near(line[`probability_${cls}`], p), `record ${i}, class ${cls}: ${String(line[`probability_${cls}`])} vs ${p}`).toBe(true);
        }
      } else {
        // a model that is neither: one column per output (spread across its width), as predict's outputs
        for (const [output, value] of Object.entries(answer.outputs as Record<string, unknown>)) {
          const flat = [value].flat(Infinity) as number[];
          const columns = flat.length === 1 ? [line[output]] : flat.map((_, k) => line[`${output}_${k}`] ?? line[output]);
          expect(near(columns.flat(Infinity), flat), `record ${i}, output ${output}`).toBe(true);
        }
      }
    });
  });

  it('refuses a CSV for a model reading a tensor per record (an image), naming the field, and writes nothing', async () => {
    const jobsBefore = (await server.json('/api/v1/jobs', { admin: true })).body.length;
    const created = await uploadJob(server, 'digits.csv', 'image\n0.5\n', { endpoint: 'digits_image' });
    expect(created.status).toBe(400);
    expect(created.body.status).toBe('Error');
    expect(created.body.message).toContain('"image"');
    expect(created.body.message).toContain('JSON Lines');
    expect((await server.json('/api/v1/jobs', { admin: true })).body.length).toBe(jobsBefore);
  });

  it('refuses a CSV for a model that takes one array of numbers without feature names, naming the file', async () => {
    const created = await uploadJob(server, 'wine.csv', 'a,b\n1,2\n', { endpoint: 'wine_logits' });
    expect(created.status).toBe(400);
    expect(created.body.message).toContain('send JSON Lines');
  });
});
