import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adultRows, fixtureModel, type AdultRow } from '../../test/fixtures/index.ts';
import { seededRandom, shuffledIndexes } from '../../test/helpers/random.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

/**
 * Monitoring with real data, end to end: the Adult census rows the income models were trained on
 * (test/fixtures/adult.csv, UCI, CC BY 4.0) sent as traffic through the real server to the
 * income logistic regression, against a reference profile uploaded from the training rows.
 * Split as in the drift library's tests: reference = rows whose index is not a multiple of 5
 * (26,048), held-out = the others (6,513).
 */
const rows = adultRows();
const training = rows.filter((_, i) => i % 5 !== 0);
const heldOut = rows.filter((_, i) => i % 5 === 0);
const columns = Object.keys(rows[0]!.record);
const trainingCsv = [[...columns, 'income'].join(','), ...training.map((r) => [...columns.map((c) => r.record[c]), r.income].join(','))].join('\n');

describe('monitoring on the Adult census data', { timeout: 180_000 }, () => {
  let server: TestServer;
  let referenceId: number;
  /** version name → algorithm id, each a copy of the income logistic regression with the same reference */
  const versions = new Map<string, number>();

  const register = async (version: string) => {
    const form = new FormData();
    form.set('file', new Blob([fixtureModel('income_lr')]), 'lr.onnx');
    for (const [k, v] of Object.entries({ endpoint: 'adult', name: 'logistic regression', version, status: 'testing' })) form.set(k, v);
    const res = await server.json('/api/v1/mlalgorithms', { method: 'POST', body: form, admin: true });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const copy = await server.json('/api/v1/monitoring/references/from-profile', {
      method: 'POST',
      admin: true,
      json: { algorithm: res.body.id, profile: (await server.json(`/api/v1/monitoring/references/${referenceId}`, { admin: true })).body.profile }
    });
    expect(copy.status, JSON.stringify(copy.body)).toBe(201);
    versions.set(version, res.body.id);
    return res.body.id as number;
  };
  /** Traffic as a client sends it: batch predict calls of the records, pinned to one version. */
  const send = async (algorithm: number, current: readonly AdultRow[]): Promise<{ id: number; label: string }[]> => {
    const answers: { id: number; label: string }[] = [];
    for (let at = 0; at < current.length; at += 5000) {
      const res = await server.json(`/api/v1/adult/predict?algorithm_id=${algorithm}`, { method: 'POST', json: current.slice(at, at + 5000).map((r) => r.record) });
      expect(res.status).toBe(200);
      for (const p of res.body.predictions) answers.push({ id: p.request_id, label: p.label });
    }
    return answers;
  };
  const drift = async (algorithm: number) => {
    const res = await server.json(`/api/v1/monitoring/drift?algorithm=${algorithm}&window=1h`, { admin: true });
    expect(res.status).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    // The test decides when the aggregator counts, so it can place traffic in time first; and it
    // counts every row of these bursts for drift (a busy server counts a uniform sample instead:
    // batch.test.ts), so each report is exactly the rows sent.
    server = await startTestServer({ seed: false, monitoring: { flushIntervalMs: 600_000, driftRowsPerSecond: Infinity } });
    const form = new FormData();
    form.set('file', new Blob([fixtureModel('income_lr')]), 'lr.onnx');
    for (const [k, v] of Object.entries({ endpoint: 'adult', name: 'logistic regression', version: 'reference', status: 'production' })) form.set(k, v);
    const first = await server.json('/api/v1/mlalgorithms', { method: 'POST', body: form, admin: true });
    const upload = new FormData();
    upload.set('file', new Blob([trainingCsv]), 'adult-training.csv');
    const ref = await server.json(`/api/v1/monitoring/references?algorithm=${first.body.id}`, { method: 'POST', body: upload, admin: true });
    expect(ref.status, JSON.stringify(ref.body)).toBe(201);
    expect(ref.body.rows).toBe(26_048);
    referenceId = ref.body.id;
  });
  afterAll(() => server.stop());

  it('raises no false alarm: 20 random held-out samples of 1,000–5,000 rows, each "no drift"', async () => {
    const samples: [number, AdultRow[]][] = [];
    for (let seed = 1; seed <= 20; seed++) {
      const random = seededRandom(seed);
      const size = 1000 + Math.floor(random() * 4001);
      const order = shuffledIndexes(heldOut.length, random);
      const algorithm = await register(`seed-${seed}`);
      samples.push([algorithm, order.slice(0, size).map((i) => heldOut[i]!)]);
    }
    for (const [algorithm, sample] of samples) await send(algorithm, sample);
    await server.core.monitoring.flush();

    const alarms: string[] = [];
    for (const [algorithm, sample] of samples) {
      const report = await drift(algorithm);
      expect(report.rows).toBe(sample.length);
      expect(report.verdict, `algorithm ${algorithm}`).toBe('no_drift');
      expect(report.prediction.verdict, `algorithm ${algorithm}`).toBe('no_drift');
      for (const c of [...report.features, ...report.prediction.columns]) if (c.verdict !== 'no_drift') alarms.push(`${algorithm}: ${c.name} ${c.verdict}`);
    }
    // "at most a few single-feature warnings in total", and no single feature drifting
    expect(alarms.length, alarms.join('\n')).toBeLessThanOrEqual(3);
    expect(alarms.filter((a) => a.endsWith('drift'))).toEqual([]);
  });

  it('flags age and the features that go with it when only people aged 50+ arrive, and the prediction', async () => {
    const algorithm = await register('age-50-plus');
    const older = heldOut.filter((r) => (r.record.age as number) >= 50);
    await send(algorithm, older);
    await server.core.monitoring.flush();
    const report = await drift(algorithm);
    expect(report.rows).toBe(older.length);
    // every request of the window counted (a busy server would count a uniform sample)
    expect(report.sample_share).toBe(1);
    const verdict = (name: string) => report.features.find((f: any) => f.name === name).verdict;
    // the same features the drift library flags on the raw rows (adult-drift.test.ts), under the model's names
    expect(report.drifted).toEqual(['age', 'workclass', 'fnlwgt', 'education', 'education_num', 'marital_status', 'occupation', 'relationship']);
    expect(verdict('age')).toBe('drift');
    for (const unrelated of ['race', 'native_country', 'capital_loss']) expect(verdict(unrelated), unrelated).toBe('no_drift');
    // older people earn more in 1994: the model says >50K more often
    expect(report.prediction.verdict).toBe('drift');
    expect(report.verdict).toBe('drift');
    const age = report.features.find((f: any) => f.name === 'age');
    expect(age.current_mean).toBeGreaterThan(57);
    expect(age.sparkline.filter((v: number | null) => v !== null).length).toBeGreaterThan(0);

    const histogram = await server.json(`/api/v1/monitoring/histogram?algorithm=${algorithm}&column=age&window=1h`, { admin: true });
    expect(histogram.body).toMatchObject({ column: 'age', role: 'feature', binning: 'fine', current_total: older.length });
    const share = (label: string) => histogram.body.bins.find((b: any) => b.label === label);
    expect(share('30')).toMatchObject({ current: 0 });
    expect(share('55').current).toBeGreaterThan(share('55').reference);

    const metrics = await (await server.request('/metrics')).text();
    const labels = `endpoint="adult",algorithm="logistic regression",version="age-50-plus"`;
    expect(metrics).toContain(`modeldesk_dataset_drift_verdict{${labels}} 2`);
    expect(metrics).toContain(`modeldesk_drift_verdict{${labels},feature="age",role="input"} 2`);
    expect(metrics).toContain(`modeldesk_drift_verdict{${labels},feature="race",role="input"} 0`);
    expect(metrics).toMatch(new RegExp(`modeldesk_drift_score\\{${labels},feature="age",role="input",metric="psi"\\} [1-9]`));

    const status = await server.json('/api/v1/monitoring/status', { admin: true });
    expect(status.body.find((s: any) => s.algorithm_id === algorithm)).toMatchObject({ drift: 'drift', prediction_drift: 'drift', alert: true });
  });

  it('shows a quality drop in the bucket where it happened, each interval covering the true rate', async () => {
    const algorithm = await register('quality');
    const random = seededRandom(99);
    const sample = heldOut.slice(0, 2400);
    const answers = await send(algorithm, sample);
    // The model's accuracy on all held-out rows: the rate each bucket's 1,200 predictions estimate.
    const all = await server.json('/api/v1/adult/predict?algorithm_id=1', { method: 'POST', json: heldOut.map((r) => r.record) });
    const accuracy = all.body.predictions.filter((p: any, i: number) => p.label === heldOut[i]!.income).length / heldOut.length;

    // As if the first half had been served three days ago and the second half one day ago
    // (predictions are placed in time before the aggregator counts them).
    const hour = Math.floor(Date.now() / 3_600_000);
    const at = (hoursAgo: number) => new Date((hour - hoursAgo) * 3_600_000 + 600_000).toISOString();
    const ids = answers.map((a) => a.id);
    const place = server.core.sqlite.prepare('update requests set created_at = ? where id >= ? and id <= ?');
    place.run(at(72), ids[0], ids[1199]);
    place.run(at(24), ids[1200], ids[2399]);
    await server.core.monitoring.flush();

    // Ground truth arrives; after the change a third of the labels the world gives are flipped.
    const flip = (income: string) => (income === '>50K' ? '<=50K' : '>50K');
    const feedback = sample.map((r, i) => (i >= 1200 && random() < 1 / 3 ? flip(r.income) : r.income));
    for (let i = 0; i < answers.length; i += 40) {
      await Promise.all(
        answers.slice(i, i + 40).map((a, k) => server.json(`/api/v1/mlrequests/${a.id}`, { method: 'PUT', json: { feedback: feedback[i + k] } }))
      );
    }
    await server.core.monitoring.flush();

    const series = await server.json(`/api/v1/monitoring/series?endpoint=adult&algorithm=${algorithm}&window=7d`, { admin: true });
    expect(series.status).toBe(200);
    const withFeedback = series.body.points.filter((p: any) => p.quality.feedback > 0);
    expect(withFeedback.map((p: any) => p.start)).toEqual([at(72).slice(0, 13) + ':00:00.000Z', at(24).slice(0, 13) + ':00:00.000Z']);
    const [before, after] = withFeedback.map((p: any) => p.quality);
    expect(before).toMatchObject({ predictions: 1200, feedback: 1200, coverage: { value: 1 } });
    const covers = (q: any, rate: number) => q.accuracy.ci_low <= rate && rate <= q.accuracy.ci_high;
    expect(covers(before, accuracy), JSON.stringify(before.accuracy)).toBe(true);
    // a third flipped: right when the model was right and the label kept, or wrong and flipped
    const trueAfter = accuracy * (2 / 3) + (1 - accuracy) / 3;
    expect(covers(after, trueAfter), JSON.stringify(after.accuracy)).toBe(true);
    expect(after.accuracy.ci_high).toBeLessThan(before.accuracy.ci_low);
    expect(before.feedback_delay_seconds.median).toBeGreaterThan(72 * 3600 - 3600);
  });
});
