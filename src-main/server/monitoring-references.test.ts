import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adultRows, torchFixtureModel, torchFixtureSample } from '../../test/fixtures/index.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

/**
 * Reference profiles over the API: from a training file, from the version's own requests, from a
 * profile document; and every bad input a 4xx that names the problem, with nothing written.
 */
const rows = adultRows(1200);
const header = 'age,workclass,fnlwgt,education,education-num,marital-status,occupation,relationship,race,sex,capital-gain,capital-loss,hours-per-week,native-country,income';
const csvLines = rows.map((r) => [...Object.values(r.record), r.income].join(','));
const csv = (lines: string[], head = header) => [head, ...lines].join('\n');

describe('reference profiles', { timeout: 60_000 }, () => {
  let server: TestServer;
  const upload = async (algorithm: number | string, content: string | Uint8Array, name = 'train.csv') => {
    const form = new FormData();
    form.set('file', new Blob([typeof content === 'string' ? content : Buffer.from(content)]), name);
    return server.json(`/api/v1/monitoring/references?algorithm=${algorithm}&created_by=ana`, { method: 'POST', body: form, admin: true });
  };
  const profiles = async (algorithm: number) => (await server.json(`/api/v1/monitoring/references?algorithm=${algorithm}`, { admin: true })).body;

  beforeAll(async () => {
    server = await startTestServer({ monitoring: { flushIntervalMs: 60_000 } });
  });
  afterAll(() => server.stop());

  it('from a training file: features under the model\'s names, its predictions profiled, extra columns ignored', async () => {
    const res = await upload(2, csv(csvLines));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      algorithm_id: 2,
      active: true,
      source: 'file',
      rows: 1200,
      predictions: ['label', 'probability'],
      created_by: 'ana',
      description: 'train.csv (1200 rows; columns not used: income)'
    });
    expect(res.body.features).toContain('education_num');
    const one = await server.json(`/api/v1/monitoring/references/${res.body.id}`, { admin: true });
    expect(one.body.profile.features.find((f: any) => f.name === 'age')).toMatchObject({ kind: 'numeric', count: 1200 });
    // the logistic regression's own answers on these rows: both labels occur
    expect(one.body.profile.predictions[0].categories.sort()).toEqual(['<=50K', '>50K']);
  });

  it('JSON Lines work too, and a new profile retires the previous one', async () => {
    const jsonl = rows.slice(0, 300).map((r) => JSON.stringify(r.record)).join('\n');
    const res = await upload(2, jsonl, 'train.jsonl');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const list = await profiles(2);
    expect(list.map((p: any) => [p.id, p.active, p.rows])).toEqual([[res.body.id, true, 300], [expect.any(Number), false, 1200]]);
  });

  describe('bad input: a 4xx naming the problem, nothing written', () => {
    const refusedWith = async (status: number, pattern: RegExp, send: () => Promise<{ status: number; body: any }>) => {
      const before = await profiles(1);
      const res = await send();
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body.message).toMatch(pattern);
      expect(await profiles(1)).toEqual(before);
      return res.body;
    };

    it('a missing feature column', async () => {
      const head = header.replace('hours-per-week,', '');
      const lines = rows.slice(0, 10).map((r) => {
        const { 'hours-per-week': _h, ...rest } = r.record;
        return [...Object.values(rest), r.income].join(',');
      });
      const body = await refusedWith(400, /no column for the model's feature "hours_per_week" \(columns found: age, workclass/, () => upload(1, csv(lines, head)));
      expect(body.field).toBe('file');
    });

    it('an unparsable number, naming the line and the field', async () => {
      const lines = csvLines.slice(0, 20);
      lines[6] = lines[6]!.replace(/^\d+,/, 'thirty-nine,');
      await refusedWith(400, /data row 7: .*"age"/, () => upload(1, csv(lines)));
    });

    it('the wrong encoding', async () => {
      const latin1 = Uint8Array.from(Buffer.from(`${csv(csvLines.slice(0, 5))}\n`.replace('Mexico', 'México'), 'latin1'));
      latin1[latin1.length - 2] = 0xe9;
      await refusedWith(400, /not UTF-8 text.*Latin-1/, () => upload(1, latin1));
      const utf16 = Buffer.from(`\uFEFF${csv(csvLines.slice(0, 5))}`, 'utf16le');
      await refusedWith(400, /UTF-16/, () => upload(1, utf16));
    });

    it('a profile for an unknown algorithm', async () => {
      expect(await upload('abc', csv(csvLines.slice(0, 5)))).toMatchObject({ status: 400, body: { field: 'algorithm' } });
      const res = await upload(99, csv(csvLines.slice(0, 5)));
      expect(res).toMatchObject({ status: 404, body: { field: 'algorithm', message: expect.stringMatching(/^algorithm 99 not found/) } });
      const json = await server.json('/api/v1/monitoring/references/from-profile', { method: 'POST', admin: true, json: { algorithm: 99, profile: {} } });
      expect(json).toMatchObject({ status: 404, body: { field: 'algorithm' } });
    });

    it('a time range with no requests', async () => {
      await refusedWith(400, /has no answered requests logged from 2020-01-01T00:00:00.000Z to 2020-02-01T00:00:00.000Z/, () =>
        server.json('/api/v1/monitoring/references/from-requests', { method: 'POST', admin: true, json: { algorithm: 1, from: '2020-01-01T00:00:00Z', to: '2020-02-01T00:00:00Z' } })
      );
      await refusedWith(400, /from \(.*\) must be before to/, () =>
        server.json('/api/v1/monitoring/references/from-requests', { method: 'POST', admin: true, json: { algorithm: 1, from: '2021-01-01T00:00:00Z', to: '2020-01-01T00:00:00Z' } })
      );
    });

    it('a header without rows, an empty file, a profile that does not fit the model', async () => {
      await refusedWith(400, /a header but no rows/, () => upload(1, header));
      await refusedWith(400, /the file is empty/, () => upload(1, ''));
      const other = await server.json(`/api/v1/monitoring/references/${(await profiles(2))[0].id}`, { admin: true });
      const { profile } = other.body;
      profile.features[0].name = 'height';
      await refusedWith(400, /the profile's feature "height" is not one of algorithm 1's \(age, workclass/, () =>
        server.json('/api/v1/monitoring/references/from-profile', { method: 'POST', admin: true, json: { algorithm: 1, profile } })
      );
      await refusedWith(400, /invalid reference profile/, () =>
        server.json('/api/v1/monitoring/references/from-profile', { method: 'POST', admin: true, json: { algorithm: 1, profile: { profile_version: 1 } } })
      );
    });
  });

  it('from the version\'s own requests: a range, or re-baseline now', async () => {
    const sent = await server.json('/api/v1/income_classifier/predict?algorithm_id=1', { method: 'POST', json: rows.slice(0, 250).map((r) => r.record) });
    expect(sent.status).toBe(200);
    const res = await server.json('/api/v1/monitoring/references/from-requests', { method: 'POST', admin: true, json: { algorithm: 1, window: '1h', created_by: 'ana' } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ source: 'requests', rows: 250, backfilling: true, description: expect.stringMatching(/^requests .* \(250 rows\)$/) });
    // applied to the requests it was built from: the same traffic shows no drift against itself
    await server.core.monitoring.flush();
    const drift = await server.json('/api/v1/monitoring/drift?endpoint=income_classifier&algorithm=1&window=1h', { admin: true });
    expect(drift.body).toMatchObject({ rows: 250, verdict: 'no_drift', reference: { id: res.body.id, backfilling: false } });
  });

  it('a model with only tensor inputs: drift needs named features, its predictions are monitored', async () => {
    // one [batch, 30] input without feature names (a PyTorch model): records are arrays of numbers
    const form = new FormData();
    form.set('file', new Blob([torchFixtureModel('breast_cancer_logit')]), 'cancer.onnx');
    for (const [k, v] of Object.entries({ endpoint: 'cancer', name: 'mlp', version: '1', status: 'production' })) form.set(k, v);
    const registered = await server.json('/api/v1/mlalgorithms', { method: 'POST', body: form, admin: true });
    expect(registered.status).toBe(201);
    const id = registered.body.id;

    const empty = await server.json('/api/v1/monitoring/drift?endpoint=cancer', { admin: true });
    expect(empty.body.features_note).toMatch(/only tensor inputs without feature names: data drift needs named features, so ModelDesk monitors its predictions only/);
    expect(empty.body.empty_reason).toMatch(/only its predictions can be monitored: build it from this version's logged requests/);

    const file = await upload(id, 'input\n1\n', 'inputs.csv');
    expect(file).toMatchObject({ status: 400, body: { message: expect.stringMatching(/drift needs named features.*set its reference from its logged requests instead/) } });

    const samples = torchFixtureSample('breast_cancer_logit').records as { input: number[] }[];
    const batch = Array.from({ length: 220 }, (_, i) => samples[i % samples.length]!.input);
    const sent = await server.json('/api/v1/cancer/predict', { method: 'POST', json: batch });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    const ref = await server.json('/api/v1/monitoring/references/from-requests', { method: 'POST', admin: true, json: { algorithm: id, window: '1h' } });
    expect(ref.status, JSON.stringify(ref.body)).toBe(201);
    expect(ref.body.features).toEqual([]);
    expect(ref.body.predictions.length).toBeGreaterThan(0);
    await server.core.monitoring.flush();
    const report = await server.json('/api/v1/monitoring/drift?endpoint=cancer', { admin: true });
    expect(report.body).toMatchObject({ features: [], rows: 220, prediction: { verdict: 'no_drift' } });
    expect(report.body.prediction.columns.length).toBe(ref.body.predictions.length);
  });

  it('a tensor model registered as a logits classifier: label and probability drift, its named features from records keyed by input name', async () => {
    const sample = torchFixtureSample('breast_cancer_logit');
    const register = async (endpoint: string, fields: Record<string, string>) => {
      const form = new FormData();
      form.set('file', new Blob([torchFixtureModel('breast_cancer_logit')]), 'cancer.onnx');
      const all = { endpoint, name: 'mlp', version: '1', status: 'production', output_kind: 'logits', classes: JSON.stringify(sample.classes), ...fields };
      for (const [k, v] of Object.entries(all)) form.set(k, v);
      const res = await server.json('/api/v1/mlalgorithms', { method: 'POST', body: form, admin: true });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as number;
    };
    // issue 21's records: keyed by input name, each value the example's tensor
    const batch = Array.from({ length: 220 }, (_, i) => sample.records[i % sample.records.length]!);
    for (const [endpoint, fields] of [['cancer_tensor', {}], ['cancer_named', { feature_names: JSON.stringify(sample.featureNames) }]] as const) {
      const id = await register(endpoint, fields);
      const sent = await server.json(`/api/v1/${endpoint}/predict`, { method: 'POST', json: batch });
      expect(sent.status, JSON.stringify(sent.body)).toBe(200);
      expect(sent.body.predictions[0]).toMatchObject({ label: expect.any(String), probability: expect.any(Number) });
      const ref = await server.json('/api/v1/monitoring/references/from-requests', { method: 'POST', admin: true, json: { algorithm: id, window: '1h' } });
      expect(ref.status, JSON.stringify(ref.body)).toBe(201);
      expect(ref.body.predictions).toEqual(['label', 'probability']);
      expect(ref.body.features).toEqual('feature_names' in fields ? sample.featureNames : []);
      await server.core.monitoring.flush();
      const report = (await server.json(`/api/v1/monitoring/drift?endpoint=${endpoint}`, { admin: true })).body;
      expect(report.prediction.columns.map((c: any) => [c.name, c.verdict])).toEqual([['label', 'no_drift'], ['probability', 'no_drift']]);
      if ('feature_names' in fields) {
        expect(report.features).toHaveLength(30);
        expect(report.features.every((f: any) => f.current_count === 220)).toBe(true);
      } else expect(report.features_note).toMatch(/drift needs named features/);
    }
  });
});
