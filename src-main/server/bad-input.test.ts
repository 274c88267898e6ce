import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { fixtureModel, tutorialRecord } from '../../test/fixtures/index.ts';

const predict = '/api/v1/income_classifier/predict';

/** Each bad input: a 4xx `{"status":"Error","message":…}` naming the problem, nothing written. */
describe('bad input is refused clearly and writes nothing', () => {
  let server: TestServer;
  const logCount = async () => (await server.json('/api/v1/mlrequests?page_size=1', { admin: true })).body.count as number;
  const algorithmCount = async () => (await server.json('/api/v1/mlalgorithms')).body.length as number;
  const artifactFiles = () => readdirSync(join(server.dataDir, 'artifacts')).sort();

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  const expectError = (res: { status: number; body: any }, status: number, mention: RegExp) => {
    expect(res.status).toBe(status);
    expect(res.body.status).toBe('Error');
    expect(res.body.message).toMatch(mention);
  };

  const post = (body: string, contentType = 'application/json', path = predict) =>
    server.json(path, { method: 'POST', headers: { 'content-type': contentType }, body });

  it.each([
    ['malformed JSON', '{"age": 37,', 400, /JSON/],
    ['a non-object body', '"hello"', 400, /JSON object/],
    ['an empty array', '[]', 400, /empty/],
    ['a missing field', JSON.stringify({ ...tutorialRecord, workclass: undefined }), 400, /workclass/],
    ['a non-numeric string for a number', JSON.stringify({ ...tutorialRecord, age: 'old' }), 400, /age/],
    ['a number for a string', JSON.stringify({ ...tutorialRecord, workclass: 5 }), 400, /workclass/],
    ['NaN as a string', JSON.stringify({ ...tutorialRecord, age: 'NaN' }), 400, /age/],
    ['Infinity as a string', JSON.stringify({ ...tutorialRecord, fnlwgt: 'Infinity' }), 400, /fnlwgt/],
    ['a bare NaN literal (not JSON)', '{"age": NaN}', 400, /JSON/],
    ['one bad record in an array', JSON.stringify([tutorialRecord, { ...tutorialRecord, sex: null, age: 'x' }]), 400, /record 1.*age|age.*record 1/]
  ])('predict with %s', async (_what, body, status, mention) => {
    const before = await logCount();
    expectError(await post(body), status, mention);
    expect(await logCount()).toBe(before);
  });

  it('predict on an unknown endpoint, version or status', async () => {
    expectError(await post(JSON.stringify(tutorialRecord), 'application/json', '/api/v1/nope/predict'), 400, /not available.*nope/);
    expectError(
      await post(JSON.stringify(tutorialRecord), 'application/json', `${predict}?version=9.9.9`),
      400,
      /not available.*9\.9\.9/
    );
    expectError(await post(JSON.stringify(tutorialRecord), 'application/json', `${predict}?status=retired`), 400, /status/);
    expectError(await post(JSON.stringify(tutorialRecord), 'application/json', `${predict}?status=staging`), 400, /not available/);
  });

  it('predict with an unsupported media type or an oversized body', async () => {
    expectError(await post('age=37', 'text/plain'), 415, /media type/);
    const huge = JSON.stringify(Array.from({ length: 60_000 }, () => tutorialRecord));
    expectError(await post(huge), 413, /too large/);
  });

  it('feedback for an unknown request, or a non-integer id', async () => {
    const res = await server.json('/api/v1/mlrequests/999999', { method: 'PUT', json: { feedback: 'x' } });
    expectError(res, 404, /request 999999 not found/);
    expectError(await server.json('/api/v1/mlrequests/abc', { method: 'PUT', json: { feedback: 'x' } }), 404, /not found/);
  });

  it('a status no algorithm can have, or for an unknown algorithm', async () => {
    const set = (json: unknown) => server.json('/api/v1/mlalgorithmstatuses', { method: 'POST', admin: true, json });
    expectError(await set({ status: 'retired', created_by: 'me', parent_mlalgorithm: 1 }), 400, /status must be one of/);
    expectError(await set({ status: 'production', created_by: 'me', parent_mlalgorithm: 99 }), 404, /algorithm 99/);
    expectError(await set({ status: 'production', parent_mlalgorithm: 1 }), 400, /created_by/);
  });

  it('a value outside one of the contract\'s enums names the field and every choice', async () => {
    const choices = (field: string, values: string) => new RegExp(`^${field} must be one of ${values}$`);
    const statuses = 'production, staging, testing, ab_testing, archived';
    const set = await server.json('/api/v1/mlalgorithmstatuses', { method: 'POST', admin: true, json: { status: 'retired', created_by: 'me', parent_mlalgorithm: 1 } });
    expectError(set, 400, choices('status', statuses));
    expect(set.body.field).toBe('status');
    expectError(await server.json('/api/v1/mlalgorithms?status=retired'), 400, choices('status', statuses));
    expectError(await server.json('/api/v1/mlrequests?status=ok', { admin: true }), 400, choices('status', 'OK, Error'));
    const abtest = (patch: object) =>
      server.json('/api/v1/abtests', { method: 'POST', admin: true, json: { title: 't', created_by: 'me', parent_mlalgorithm_1: 1, parent_mlalgorithm_2: 2, ...patch } });
    expectError(await abtest({ mode: 'canary' }), 400, choices('mode', 'split, shadow'));
    expectError(await abtest({ metric: 'f1' }), 400, choices('metric', 'accuracy, rmse, mae'));
    expect((await server.json('/api/v1/abtests')).body).toEqual([]);
  });

  describe('registration', () => {
    const upload = async (file: Uint8Array | null, fields: Record<string, string>) => {
      const form = new FormData();
      if (file) form.set('file', new Blob([file]), 'model.onnx');
      for (const [k, v] of Object.entries(fields)) form.set(k, v);
      const res = await server.request('/api/v1/mlalgorithms', { method: 'POST', body: form, admin: true });
      return { status: res.status, body: (await res.json()) as any };
    };
    const base = { endpoint: 'iris', name: 'lr', version: '1' };

    it.each([
      ['a non-ONNX file', () => new TextEncoder().encode('this is not a model'), base, /file/],
      ['a truncated ONNX file', () => fixtureModel('income_lr').subarray(0, 4000), base, /file/],
      ['no file', () => null, base, /file is required/],
      ['no version', () => fixtureModel('iris_lr'), { ...base, version: '' }, /version/],
      ['a bad endpoint name', () => fixtureModel('iris_lr'), { ...base, endpoint: 'Iris Flowers' }, /endpoint/],
      ['feature_names that are not JSON', () => fixtureModel('iris_lr'), { ...base, feature_names: '[a,b' }, /feature_names/],
      ['feature_names of the wrong length', () => fixtureModel('iris_lr'), { ...base, feature_names: '["a","b"]' }, /feature_names/],
      ['a threshold out of range', () => fixtureModel('income_lr'), { ...base, threshold: '1.5' }, /threshold/],
      ['an unknown initial status', () => fixtureModel('iris_lr'), { ...base, status: 'live' }, /status/]
    ])('refuses %s and leaves no row and no file', async (_what, file, fields, mention) => {
      const [algorithms, files] = [await algorithmCount(), artifactFiles()];
      const res = await upload(file(), fields);
      expectError(res, 400, mention);
      expect(res.body.field).toBeDefined();
      expect(await algorithmCount()).toBe(algorithms);
      expect(artifactFiles()).toEqual(files);
    });

    it('refuses a duplicate (endpoint, name, version) with 409 and keeps one row', async () => {
      const fields = { ...base, feature_names: '["a","b","c","d"]' };
      expect((await upload(fixtureModel('iris_lr'), fields)).status).toBe(201);
      const count = await algorithmCount();
      expectError(await upload(fixtureModel('iris_lr'), fields), 409, /already exists/);
      expect(await algorithmCount()).toBe(count);
    });
  });

  it('the server keeps serving after all of the above', async () => {
    const res = await post(JSON.stringify(tutorialRecord));
    expect(res.status).toBe(200);
    expect(res.body.label).toBe('<=50K');
  });
});

describe('a model upload under the wrong part name', () => {
  it('is refused by name, and the server still closes cleanly', async () => {
    const server = await startTestServer({ seed: false });
    const form = new FormData();
    form.set('model', new Blob([fixtureModel('iris_lr')]), 'iris.onnx');
    form.set('endpoint', 'iris');
    const res = await server.request('/api/v1/mlalgorithms', { method: 'POST', body: form, admin: true });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).message).toMatch(/unexpected file part "model"/);
    await server.stop();
  });
});
