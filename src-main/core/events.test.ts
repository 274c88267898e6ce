import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixtureSample, tutorialRecord } from '../../test/fixtures/index.ts';
import { download, upload } from '../../test/helpers/bundles.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { servingDefaults } from '../contract/serving-settings.ts';
import { CoreEvents, type CoreEventMap, type CoreEventName } from './events.ts';

describe('CoreEvents', () => {
  it('calls every subscriber of an event, in the order they subscribed, until each unsubscribes', () => {
    const events = new CoreEvents();
    const heard: string[] = [];
    const offA = events.on('settings.changed', () => heard.push('a'));
    events.on('settings.changed', () => heard.push('b'));
    events.on('experiment.started', () => heard.push('other event'));
    const settings = { ...servingDefaults, algorithms: {} };
    events.emit('settings.changed', { settings });
    offA();
    events.emit('settings.changed', { settings });
    expect(heard).toEqual(['a', 'b', 'b']);
  });

  it('a listener that throws stops neither the others nor the code that emitted', () => {
    const failures: [unknown, CoreEventName][] = [];
    const events = new CoreEvents((err, event) => failures.push([err, event]));
    const heard: number[] = [];
    events.on('feedback.recorded', () => {
      throw new Error('broken subscriber');
    });
    events.on('feedback.recorded', ({ request }) => heard.push(request.id));
    expect(() => events.emit('feedback.recorded', { request: { id: 7 } as CoreEventMap['feedback.recorded']['request'] })).not.toThrow();
    expect(heard).toEqual([7]);
    expect(failures).toEqual([[new Error('broken subscriber'), 'feedback.recorded']]);
  });
});

type Heard = { [K in CoreEventName]: { event: K; payload: CoreEventMap[K] } }[CoreEventName];

/** Every change a user can make is announced once, with what changed, to every subscriber. */
describe('the core announces what changed', () => {
  let server: TestServer;
  let heard: Heard[];
  let alsoHeard: CoreEventName[];
  const names: CoreEventName[] = [
    'registry.changed',
    'status.changed',
    'experiment.started',
    'experiment.stopped',
    'settings.changed',
    'requests.logged',
    'feedback.recorded',
    'feedback.cleared',
    'model.ran',
    'reference.changed'
  ];
  const take = () => heard.splice(0);

  // seeded: the forest (1) in production, the logistic regression (2) in testing
  beforeEach(async () => {
    server = await startTestServer();
    heard = [];
    alsoHeard = [];
    for (const event of names) {
      server.core.events.on(event, (payload) => heard.push({ event, payload } as Heard));
      // a second subscriber of the same events hears the same
      server.core.events.on(event, () => alsoHeard.push(event));
    }
  });
  afterEach(() => server.stop());

  it('a registration: the new algorithm, then its first status', async () => {
    const { status, body } = await server.register('iris_lr', {
      endpoint: 'iris',
      name: 'iris lr',
      version: '1',
      status: 'production',
      feature_names: JSON.stringify(fixtureSample('iris_lr').featureNames)
    });
    expect(status).toBe(201);
    expect(take()).toEqual([
      { event: 'registry.changed', payload: { cause: 'registered', algorithm: expect.objectContaining({ id: body.id, endpointName: 'iris' }) } },
      {
        event: 'status.changed',
        payload: { cause: 'registered', transitions: [expect.objectContaining({ algorithmId: body.id, from: null, to: 'production' })] }
      }
    ]);
    expect(alsoHeard.splice(0)).toEqual(['registry.changed', 'status.changed']);
  });

  it('a promotion: the previous production is demoted first, in the same event', async () => {
    const res = await server.json('/api/v1/mlalgorithmstatuses', {
      method: 'POST',
      admin: true,
      json: { status: 'production', created_by: 'ana', parent_mlalgorithm: 2, reason: 'better' }
    });
    expect(res.status).toBe(201);
    expect(take()).toEqual([
      {
        event: 'status.changed',
        payload: {
          cause: 'status',
          transitions: [
            expect.objectContaining({ algorithmId: 1, from: 'production', to: 'staging', createdBy: 'ana' }),
            expect.objectContaining({ algorithmId: 2, from: 'testing', to: 'production', reason: 'better', statusId: res.body.id })
          ]
        }
      }
    ]);
  });

  it('a prediction: its model run and its logged rows; then its feedback', async () => {
    const { body } = await server.json('/api/v1/income_classifier/predict', { method: 'POST', json: tutorialRecord });
    expect(take()).toEqual([
      { event: 'model.ran', payload: { algorithm: expect.objectContaining({ id: 1 }), rows: 1, queuedSeconds: [expect.any(Number)] } },
      { event: 'requests.logged', payload: { rows: [expect.objectContaining({ algorithmId: 1, status: 'OK' })], ids: [body.request_id] } }
    ]);
    await server.json(`/api/v1/mlrequests/${body.request_id}`, { method: 'PUT', json: { feedback: '>50K' } });
    expect(take()).toEqual([{ event: 'feedback.recorded', payload: { request: expect.objectContaining({ id: body.request_id, feedback: '>50K' }) } }]);
    await server.json(`/api/v1/mlrequests/${body.request_id}`, { method: 'PUT', json: { feedback: '' } });
    expect(take()).toEqual([{ event: 'feedback.cleared', payload: { request: expect.objectContaining({ id: body.request_id, feedback: '' }) } }]);
  });

  it('a reference profile: the version and the profile\'s summary', async () => {
    const { body } = await server.json('/api/v1/income_classifier/predict', { method: 'POST', json: Array.from({ length: 3 }, () => tutorialRecord) });
    take();
    const res = await server.json('/api/v1/monitoring/references/from-requests', { method: 'POST', admin: true, json: { algorithm: 1, window: '1h' } });
    expect(res.status).toBe(201);
    expect(body.predictions).toHaveLength(3);
    expect(take()).toEqual([{ event: 'reference.changed', payload: { algorithmId: 1, reference: expect.objectContaining({ id: res.body.id, source: 'requests', rows: 3 }) } }]);
  });

  it('an A/B test: its arms\' statuses, then its start; at its stop, the statuses and the outcome', async () => {
    const started = await server.json('/api/v1/abtests', {
      method: 'POST',
      admin: true,
      json: { title: 'rf vs lr', created_by: 'ana', parent_mlalgorithm_1: 1, parent_mlalgorithm_2: 2 }
    });
    expect(started.status).toBe(201);
    expect(take()).toEqual([
      { event: 'status.changed', payload: { cause: 'experiment.started', transitions: [expect.objectContaining({ algorithmId: 1, to: 'ab_testing' }), expect.objectContaining({ algorithmId: 2, to: 'ab_testing' })] } },
      { event: 'experiment.started', payload: { test: expect.objectContaining({ id: started.body.id, state: 'running' }) } }
    ]);
    const stopped = await server.json(`/api/v1/stop_ab_test/${started.body.id}`, {
      method: 'POST',
      admin: true,
      json: { created_by: 'ana', force_winner: 1, reason: 'a decision' }
    });
    expect(stopped.status).toBe(200);
    expect(take()).toEqual([
      {
        event: 'status.changed',
        payload: {
          cause: 'experiment.stopped',
          transitions: [
            expect.objectContaining({ algorithmId: 1, from: 'ab_testing', to: 'production' }),
            expect.objectContaining({ algorithmId: 2, from: 'ab_testing', to: 'testing' })
          ]
        }
      },
      { event: 'experiment.stopped', payload: { test: expect.objectContaining({ state: 'stopped' }), outcome: expect.objectContaining({ promotedAlgorithmId: 1, forced: true }) } }
    ]);
  });

  it('saved serving settings: those in effect', async () => {
    const res = await server.json('/api/v1/serving', { method: 'PATCH', admin: true, json: { max_batch_size: 8 } });
    expect(res.status).toBe(200);
    expect(take()).toEqual([{ event: 'settings.changed', payload: { settings: expect.objectContaining({ max_batch_size: 8 }) } }]);
  });

  it('an applied import, once, with its report', async () => {
    const other = await startTestServer({ seed: false });
    try {
      const imported: CoreEventMap['registry.changed'][] = [];
      other.core.events.on('registry.changed', (change) => imported.push(change));
      const { status } = await upload(other, await download(server));
      expect(status).toBe(200);
      expect(imported).toEqual([{ cause: 'imported', result: expect.objectContaining({ applied: true }) }]);
    } finally {
      await other.stop();
    }
  });
});
