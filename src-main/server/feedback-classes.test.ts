import { describe, expect, it, onTestFinished } from 'vitest';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { fixtureSample, tutorialRecord } from '../../test/fixtures/index.ts';

/** Issue 12 §7: a classifier's feedback is one of its classes, unless the endpoint allows free text. */

async function seeded(): Promise<TestServer> {
  const server = await startTestServer();
  onTestFinished(() => server.stop());
  return server;
}

const predict = async (server: TestServer, path = '/api/v1/income_classifier/predict', record: unknown = tutorialRecord) =>
  (await server.json(path, { method: 'POST', json: record })).body.request_id as number;
const feedback = (server: TestServer, id: number, value: unknown) => server.json(`/api/v1/mlrequests/${id}`, { method: 'PUT', json: { feedback: value } });

describe('feedback for a classifier', () => {
  it('must be one of its classes: a typo is a 400 listing them, and nothing is stored', async () => {
    const server = await seeded();
    const id = await predict(server);
    const typo = await feedback(server, id, '<=50k');
    expect(typo.status).toBe(400);
    expect(typo.body).toMatchObject({ field: 'feedback' });
    expect(typo.body.message).toBe('feedback must be one of the classes of random forest v0.0.1: "<=50K", ">50K" (endpoint "income_classifier" does not allow free-text labels)');
    expect((await server.json(`/api/v1/mlrequests/${id}`, { admin: true })).body.feedback_at).toBeNull();
    // the tutorial's form-encoded feedback with a class works as before, surrounding spaces aside
    const form = await server.request(`/api/v1/mlrequests/${id}`, { method: 'PUT', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'feedback=%3E50K%20' });
    expect(form.status).toBe(200);
    expect((await form.json() as any).feedback).toBe('>50K');
    // clearing is always allowed
    const cleared = await feedback(server, id, '');
    expect(cleared.status).toBe(200);
    expect(cleared.body.feedback_at).toBeNull();
  });

  it('matches numeric classes by their text', async () => {
    const server = await seeded();
    const iris = fixtureSample('iris_lr');
    await server.register('iris_lr', { endpoint: 'iris', name: 'lr', version: '1', status: 'production', feature_names: JSON.stringify(iris.featureNames) });
    const id = await predict(server, '/api/v1/iris/predict', iris.records[0]);
    expect((await feedback(server, id, 2)).body.feedback).toBe('2');
    expect((await feedback(server, id, 'setosa')).body.message).toMatch(/one of the classes of lr v1: "0", "1", "2"/);
  });

  it('may be any text where the endpoint allows free-text labels', async () => {
    const server = await seeded();
    const id = await predict(server);
    const allowed = await server.json('/api/v1/endpoints/1', { method: 'PATCH', admin: true, json: { allow_free_text_feedback: true, created_by: 'ana', reason: 'labels from a survey' } });
    expect(allowed.body.allow_free_text_feedback).toBe(true);
    expect((await feedback(server, id, 'about 60K')).body.feedback).toBe('about 60K');
  });

  it('is free for a regression model', async () => {
    const server = await seeded();
    const sample = fixtureSample('diabetes_gbr');
    const registered = await server.register('diabetes_gbr', { endpoint: 'diabetes', name: 'gbr', version: '1', status: 'production', feature_names: JSON.stringify(sample.featureNames) });
    expect(registered.status).toBe(201);
    const id = await predict(server, '/api/v1/diabetes/predict', sample.records[0]);
    expect((await feedback(server, id, '151')).body.feedback).toBe('151');
  });
});
