import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { tutorialRecord } from '../../test/fixtures/index.ts';

/** The classic tutorial's client, unchanged (seed-api.md §4.6, §4.5). */
describe('the tutorial flow on a fresh data directory', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('seeds the income classifier: random forest in production, logistic regression testing', async () => {
    const { body: endpoints } = await server.json('/api/v1/endpoints');
    expect(endpoints).toEqual([expect.objectContaining({ id: 1, name: 'income_classifier', owner: 'Piotr' })]);
    const { body: algorithms } = await server.json('/api/v1/mlalgorithms');
    expect(algorithms.map((a: any) => [a.id, a.name, a.version, a.parent_endpoint, a.current_status])).toEqual([
      [1, 'random forest', '0.0.1', 1, 'production'],
      [2, 'logistic regression', '0.0.1', 1, 'testing']
    ]);
    expect(Object.keys(algorithms[0]).slice(0, 9)).toEqual([
      'id', 'name', 'description', 'code', 'version', 'owner', 'created_at', 'parent_endpoint', 'current_status'
    ]);
  });

  it('predicts the tutorial record with hyphenated keys, then stores form-encoded feedback', async () => {
    const { status, body } = await server.json('/api/v1/income_classifier/predict', {
      method: 'POST',
      json: tutorialRecord
    });
    expect(status).toBe(200);
    expect(Object.keys(body).slice(0, 4)).toEqual(['probability', 'label', 'status', 'request_id']);
    expect(body).toMatchObject({ label: '<=50K', status: 'OK', request_id: 1, algorithm_id: 1, version: '0.0.1' });
    expect(body.probability).toBeGreaterThanOrEqual(0);
    expect(body.probability).toBeLessThan(0.5);
    expect(body.probabilities['>50K']).toBeCloseTo(body.probability, 6);
    expect(body.outputs).toHaveProperty('output_label');

    const feedback = await server.request('/api/v1/mlrequests/1', {
      method: 'PUT',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'feedback=%3E50K'
    });
    expect(feedback.status).toBe(200);
    expect(await feedback.json()).toMatchObject({ id: 1, feedback: '>50K', response: '<=50K' });

    const { body: stored } = await server.json('/api/v1/mlrequests/1', { admin: true });
    expect(stored).toMatchObject({ id: 1, feedback: '>50K', response: '<=50K', parent_mlalgorithm: 1, status: 'OK' });
    expect(JSON.parse(stored.input_data)).toEqual(tutorialRecord);
    expect(JSON.parse(stored.full_response)).toMatchObject({ label: '<=50K', status: 'OK' });
  });

  it('accepts JSON feedback through PATCH, and numeric strings and form-encoded records in predict', async () => {
    const asStrings = Object.fromEntries(Object.entries(tutorialRecord).map(([k, v]) => [k, String(v)]));
    const form = await server.request('/api/v1/income_classifier/predict', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(asStrings).toString()
    });
    const formBody = (await form.json()) as any;
    const { body: jsonBody } = await server.json('/api/v1/income_classifier/predict', { method: 'POST', json: asStrings });
    expect(formBody.label).toBe('<=50K');
    expect(formBody.probability).toBe(jsonBody.probability);

    const { status, body } = await server.json(`/api/v1/mlrequests/${formBody.request_id}`, {
      method: 'PATCH',
      json: { feedback: '<=50K' }
    });
    expect(status).toBe(200);
    expect(body.feedback).toBe('<=50K');
  });

  it('answers an array of records with one request_id each', async () => {
    const { status, body } = await server.json('/api/v1/income_classifier/predict', {
      method: 'POST',
      json: [tutorialRecord, { ...tutorialRecord, 'capital-gain': 99999 }]
    });
    expect(status).toBe(200);
    expect(body.status).toBe('OK');
    expect(body.predictions).toHaveLength(2);
    const [a, b] = body.predictions;
    expect(b.request_id).toBe(a.request_id + 1);
    expect(b.probability).toBeGreaterThan(a.probability);
  });

  it('lists the request log in Django REST framework\'s paginated shape, with filters', async () => {
    const { body } = await server.json('/api/v1/mlrequests?page_size=2', { admin: true });
    expect(body.count).toBeGreaterThanOrEqual(5);
    expect(body.results).toHaveLength(2);
    expect(body.previous).toBeNull();
    expect(body.next).toContain('page=2');
    const { body: withFeedback } = await server.json('/api/v1/mlrequests?feedback=true', { admin: true });
    expect(withFeedback.results.map((r: any) => r.feedback)).toEqual(['>50K', '<=50K']);
    const { body: newest } = await server.json('/api/v1/mlrequests?order=desc&page_size=1', { admin: true });
    expect(newest.results[0].id).toBe(body.count);
  });
});

describe('Prometheus metrics', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('counts logged predictions, their latency and feedback', async () => {
    const first = await server.json('/api/v1/income_classifier/predict', { method: 'POST', json: [tutorialRecord, tutorialRecord, tutorialRecord] });
    await server.json(`/api/v1/mlrequests/${first.body.predictions[0].request_id}`, { method: 'PUT', json: { feedback: '<=50K' } });
    const res = await server.request('/metrics');
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    const rf = 'endpoint="income_classifier",algorithm="random forest",version="0.0.1"';
    // one request of three records: one request, three inferences, one model run of three
    expect(text).toContain(`modeldesk_inference_requests_total{${rf},outcome="success"} 1`);
    expect(text).toContain(`modeldesk_inferences_total{${rf},status="OK"} 3`);
    expect(text).toContain(`modeldesk_inference_request_duration_seconds_count{${rf}} 1`);
    expect(text).toContain(`modeldesk_inference_compute_duration_seconds_count{${rf}} 1`);
    expect(text).toContain('modeldesk_feedback_total{endpoint="income_classifier"} 1');
    expect(text).toContain(`modeldesk_inference_batch_size_sum{${rf}} 3`);
    expect(text).toMatch(/modeldesk_inference_queue_duration_seconds_count\{endpoint="income_classifier",algorithm="random forest",version="0.0.1"\} 1/);
    expect(text).toMatch(/process_resident_memory_bytes \d+/);
  });
});
