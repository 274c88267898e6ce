import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tutorialRecord } from '../../test/fixtures/index.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

/** Debian's prometheus package (CI installs it, .ci/run); without it the promtool check is skipped, saying so. */
const promtool = spawnSync('promtool', ['--version']).status === 0;

/** Issue 14, "Prometheus": a live /metrics after real traffic passes promtool and says what the issue asks. */
describe('/metrics after traffic', () => {
  let server: TestServer;
  let text: string;
  /** a scrape once drift has been computed (monitoring's gauges present) */
  let driftText: string;
  beforeAll(async () => {
    server = await startTestServer();
    const predict = (json: unknown, headers: Record<string, string> = {}) => server.request('/api/v1/income_classifier/predict', { method: 'POST', json, headers });
    const ok = (await (await predict([tutorialRecord, tutorialRecord, tutorialRecord])).json()) as { predictions: { request_id: number }[] };
    await predict({ ...tutorialRecord, age: 'old' });
    await predict(tutorialRecord, { origin: 'http://elsewhere.example' });
    await server.request(`/api/v1/mlrequests/${ok.predictions[0]!.request_id}`, { method: 'PUT', json: { feedback: '<=50K' } });
    const tensors = Object.entries(tutorialRecord).map(([name, v]) => ({ name: name.replaceAll('-', '_'), shape: [1, 1], datatype: typeof v === 'string' ? 'BYTES' : 'FP32', data: [v] }));
    expect((await server.request('/v2/models/income_classifier/versions/0.0.1@2/infer', { method: 'POST', json: { inputs: tensors } })).status).toBe(200);
    await server.request('/v2/models/nope/infer', { method: 'POST', json: { inputs: tensors } });
    await server.json('/api/v1/abtests', { method: 'POST', admin: true, json: { title: 't', created_by: 'me', parent_mlalgorithm_1: 1, parent_mlalgorithm_2: 2 } });
    await predict(tutorialRecord, { 'x-client-key': 'someone' });
    // API keys (issue 17): uses counted per key on any route; refused predictions counted as auth
    const keyOf = async (name: string, scope: string) => (await server.json('/api/v1/keys', { method: 'POST', admin: true, json: { name, scope } })).body.key as string;
    const client = await keyOf('metrics client', 'predict');
    const reader = await keyOf('dashboard', 'read');
    expect((await server.request('/v2/models/income_classifier/ready', { headers: { authorization: `Bearer ${client}` } })).status).toBe(200);
    expect((await server.request('/metrics', { headers: { authorization: `Bearer ${client}` } })).status).toBe(403);
    expect((await predict(tutorialRecord, { authorization: `Bearer ${reader}` })).status).toBe(403);
    expect((await predict(tutorialRecord, { authorization: 'Bearer not-a-credential' })).status).toBe(401);
    text = await (await server.request('/metrics')).text();
    // drift (issue 15): a reference profile from this traffic, more of it, counted
    const reference = await server.json('/api/v1/monitoring/references/from-requests', { method: 'POST', admin: true, json: { algorithm: 1, window: '1h' } });
    expect(reference.status, JSON.stringify(reference.body)).toBe(201);
    await predict(Array.from({ length: 250 }, () => tutorialRecord), { 'x-client-key': 'drift' });
    await server.core.monitoring.flush();
    driftText = await (await server.request('/metrics')).text();
  });
  afterAll(() => server.stop());

  it.skipIf(!promtool)('passes promtool check metrics without a single remark, before and after drift was computed', () => {
    for (const scrape of [text, driftText]) {
      const checked = spawnSync('promtool', ['check', 'metrics'], { input: scrape, encoding: 'utf8' });
      expect(`${checked.stdout}${checked.stderr}`.trim()).toBe('');
      expect(checked.status).toBe(0);
    }
  });

  it('has the drift gauges once a version has a reference profile, labelled like the model series', () => {
    expect(text).not.toContain('modeldesk_dataset_drift_verdict{');
    const rf = 'endpoint="income_classifier",algorithm="random forest",version="0.0.1"';
    for (const family of ['modeldesk_drift_score', 'modeldesk_drift_verdict', 'modeldesk_dataset_drift_verdict', 'modeldesk_prediction_drift_verdict', 'modeldesk_dataset_drifted_share']) {
      expect(driftText).toContain(`# TYPE ${family} gauge`);
    }
    expect(driftText).toMatch(new RegExp(`modeldesk_dataset_drift_verdict\\{${rf}\\} (-1|0|1|2)\n`));
    expect(driftText).toMatch(new RegExp(`modeldesk_drift_verdict\\{${rf},feature="age",role="input"\\} (-1|0|1|2)\n`));
    expect(driftText).toMatch(new RegExp(`modeldesk_prediction_drift_verdict\\{${rf}\\} (-1|0|1|2)\n`));
  });

  it('counts requests once each, by outcome, and failures by reason, refusals included', () => {
    const rf = 'endpoint="income_classifier",algorithm="random forest",version="0.0.1"';
    const lr = 'endpoint="income_classifier",algorithm="logistic regression",version="0.0.1"';
    expect(text).toContain(`modeldesk_inference_requests_total{${lr},outcome="success"} 1`);
    expect(text).toMatch(new RegExp(`modeldesk_inference_requests_total\\{${rf},outcome="success"\\} [12]`));
    expect(text).toContain(`modeldesk_inference_request_failures_total{${rf},reason="validation"} 1`);
    // a foreign Origin, a read key, a wrong credential
    expect(text).toContain('modeldesk_inference_request_failures_total{endpoint="income_classifier",algorithm="",version="",reason="auth"} 3');
    expect(text).toContain('modeldesk_inference_request_failures_total{endpoint="",algorithm="",version="",reason="unknown_endpoint"} 1');
    expect(text).toMatch(new RegExp(`modeldesk_inferences_total\\{${rf},status="OK"\\} [34]`));
  });

  it('has the latency histogram, its split, in flight, batch size, loaded models and HTTP counts', () => {
    for (const family of [
      'modeldesk_inference_request_duration_seconds histogram',
      'modeldesk_inference_queue_duration_seconds histogram',
      'modeldesk_inference_compute_duration_seconds histogram',
      'modeldesk_inference_log_commit_duration_seconds histogram',
      'modeldesk_inference_requests_in_flight gauge',
      'modeldesk_inference_batch_size histogram',
      'modeldesk_model_loaded gauge',
      'modeldesk_http_requests_total counter',
      'modeldesk_feedback_total counter',
      'modeldesk_ab_arm_requests_total counter',
      'modeldesk_api_key_requests_total counter'
    ]) {
      expect(text).toContain(`# TYPE ${family}`);
    }
    expect(text).toContain('modeldesk_model_loaded{endpoint="income_classifier",algorithm="random forest",version="0.0.1"} 1');
    expect(text).toMatch(/modeldesk_http_requests_total\{method="POST",route="\/v2\/models\/:name\/versions\/:version\/infer",status_code="200"\} 1/);
    expect(text).toMatch(/modeldesk_ab_arm_requests_total\{ab_test="1",endpoint="income_classifier",algorithm="[a-z ]+",version="0.0.1",shadow="false"\} 1/);
    expect(text).not.toMatch(/nodejs_active_\w+_total/);
    expect(text).toContain('modeldesk_api_key_requests_total{key="metrics client"} 2');
    expect(text).toContain('modeldesk_api_key_requests_total{key="dashboard"} 1');
  });
});
