import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { perAlgorithmSettingNames, servingDefaults, servingSettingNames, settingRow } from '../contract/serving-settings.ts';

/** values of the wrong kind or out of the row's range, each refused (the server coerces "8" and true to numbers, as everywhere) */
function badValues(name: (typeof servingSettingNames)[number]): unknown[] {
  const row = settingRow(name);
  return row.type === 'boolean' ? ['yes', 2] : [row.minimum - 1, row.maximum + 1, row.minimum + 0.5, 'many'];
}

describe('/api/v1/serving follows the settings table', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ seed: true });
  });
  afterAll(() => server.stop());

  const put = (json: unknown) => server.json('/api/v1/serving', { method: 'PUT', admin: true, json });

  it('reports every setting, with the table default in effect and under defaults', async () => {
    const { body } = await server.json('/api/v1/serving', { admin: true });
    expect(body.defaults).toEqual(servingDefaults);
    for (const name of servingSettingNames) expect(body[name], name).toBe(servingDefaults[name]);
  });

  it('refuses a value of the wrong kind or out of range for each setting, naming the field, and saves nothing', async () => {
    for (const name of servingSettingNames) {
      for (const value of badValues(name)) {
        const res = await put({ [name]: value });
        expect(res.status, `${name}: ${JSON.stringify(value)}`).toBe(400);
        expect(res.body.field, `${name}: ${JSON.stringify(value)}`).toBe(name);
      }
    }
    for (const name of perAlgorithmSettingNames) {
      for (const value of badValues(name)) {
        const res = await put({ algorithms: { '1': { [name]: value } } });
        expect(res.status, `algorithms.1.${name}: ${JSON.stringify(value)}`).toBe(400);
        expect(res.body.field).toBe(`algorithms.1.${name}`);
      }
    }
    for (const name of servingSettingNames.filter((n) => !(perAlgorithmSettingNames as string[]).includes(n))) {
      const res = await put({ algorithms: { '1': { [name]: servingDefaults[name] } } });
      expect(res.status, `algorithms.1.${name} is not an override`).toBe(400);
      expect(res.body.field).toBe(`algorithms.1.${name}`);
    }
    expect((await server.json('/api/v1/serving', { admin: true })).body.saved).toEqual({});
  });

  it('takes each setting at both ends of its range', async () => {
    for (const name of servingSettingNames) {
      const row = settingRow(name);
      for (const value of row.type === 'boolean' ? [true, false] : [row.minimum, row.maximum]) {
        const res = await put({ [name]: value, ...(row.perAlgorithm ? { algorithms: { '1': { [name]: value } } } : {}) });
        expect(res.status, `${name}: ${value}`).toBe(200);
        expect(res.body.saved[name]).toBe(value);
      }
    }
    expect((await put({})).status).toBe(200);
  });
});

describe('serving.json in the former names (camelCase, batching nested)', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'modeldesk-serving-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const file = () => join(dataDir, 'serving.json');

  it('is read as it was meant, and the next save rewrites it in the table names', async () => {
    writeFileSync(file(), JSON.stringify({ intraOpThreads: 2, workerThreads: false, batching: { maxBatchSize: 16, maxWaitUs: 100 }, algorithms: { '2': { maxBatchSize: 1 } } }));
    const server = await startTestServer({ dataDir });
    try {
      const { body } = await server.json('/api/v1/serving', { admin: true });
      expect(body).toMatchObject({ intra_op_threads: 2, worker_threads: false, max_batch_size: 16, max_wait_us: 100, algorithms: { '2': { max_batch_size: 1 } } });
      expect(body.saved).toEqual({ intra_op_threads: 2, worker_threads: false, max_batch_size: 16, max_wait_us: 100, algorithms: { '2': { max_batch_size: 1 } } });
      // the file stays as it was until something is saved
      expect(JSON.parse(readFileSync(file(), 'utf8'))).toHaveProperty('batching');

      const res = await server.json('/api/v1/serving', { method: 'PATCH', admin: true, json: { max_wait_us: 200 } });
      expect(res.status).toBe(200);
      expect(JSON.parse(readFileSync(file(), 'utf8'))).toEqual({ intra_op_threads: 2, worker_threads: false, max_batch_size: 16, max_wait_us: 200, algorithms: { '2': { max_batch_size: 1 } } });
    } finally {
      await server.stop();
    }
  });

  it('a setting named both ways, or an unknown key in batching, stops the start with it named', async () => {
    const cases: [unknown, RegExp][] = [
      [{ intraOpThreads: 2, intra_op_threads: 2 }, /intra_op_threads is set twice/],
      [{ max_batch_size: 8, batching: { maxBatchSize: 8 } }, /max_batch_size is set twice/],
      [{ batching: { maxBatchSise: 8 } }, /unknown setting "batching\.maxBatchSise"/],
      [{ batching: { maxBatchSize: 0 } }, /max_batch_size must be an integer from 1 to 100000/],
      [{ algorithms: { '2': { intraOpThreads: 2 } } }, /algorithms\.2\.intraOpThreads: an algorithm can override max_batch_size, max_wait_us/]
    ];
    for (const [stored, message] of cases) {
      writeFileSync(file(), JSON.stringify(stored));
      await expect(startTestServer({ dataDir }), JSON.stringify(stored)).rejects.toThrow(message);
    }
  });
});
