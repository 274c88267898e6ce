import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { abTestArms, abTests } from '../../db/schema.ts';
import { abTestListing, download, filesOf, registryListing, upload } from '../../test/helpers/bundles.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

/**
 * Issue #5: the same endpoint, name and version with a different model file is never
 * overwritten silently. on_conflict=fail (default) refuses, skip keeps ours, rename imports
 * theirs as a new version; the production invariant and "one running test" hold throughout.
 */
/** Ours is a diabetes regressor, so theirs also breaks the endpoint's input contract (issue 12 §1): accepted here. */
const breaking = '&allow_breaking_change=true&reason=conflict%20test';

describe('importing a bundle that conflicts with the registry', () => {
  let bundle: Buffer;
  let target: TestServer;

  beforeAll(async () => {
    const source = await startTestServer({ seed: false });
    try {
      const first = await source.register('iris_lr', { endpoint: 'iris', name: 'classifier', version: '1.0', status: 'production' });
      const second = await source.register('iris_lr', { endpoint: 'iris', name: 'classifier', version: '2.0', status: 'testing' });
      await source.register('diabetes_gbr', { endpoint: 'diabetes', name: 'gbr', version: '1', status: 'production' });
      // a running A/B test between the conflicting version and a new one
      const db = source.core.db;
      const test = db.insert(abTests).values({
        title: 'v1 vs v2', endpointId: first.body.parent_endpoint, mode: 'split', metric: 'accuracy', createdBy: 'ana',
        createdAt: '2024-05-01T00:00:00.000Z', state: 'running'
      }).returning().get();
      db.insert(abTestArms).values([
        { abTestId: test.id, position: 0, algorithmId: first.body.id, weight: 1 },
        { abTestId: test.id, position: 1, algorithmId: second.body.id, weight: 1 }
      ]).run();
      bundle = await download(source);
    } finally {
      await source.stop();
    }
  });

  beforeEach(async () => {
    target = await startTestServer({ seed: false });
    // same key as the bundle's production algorithm, different model file
    const ours = await target.register('diabetes_gbr', { endpoint: 'iris', name: 'classifier', version: '1.0', status: 'production' });
    expect(ours.status).toBe(201);
  });
  afterEach(() => target.stop());

  it('a dry run reports the conflict with what each choice would do', async () => {
    const { status, body } = await upload(target, bundle, '?dry_run=true');
    expect(status).toBe(200);
    expect(body.algorithms.conflicts).toEqual([
      expect.objectContaining({
        endpoint: 'iris', name: 'classifier', version: '1.0', resolution: 'fail', rename_to: '1.0-imported-1',
        existing_sha256: expect.stringMatching(/^[0-9a-f]{64}$/), bundle_sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        action: expect.stringMatching(/refuses the import/)
      })
    ]);
    expect(body.algorithms.conflicts[0].existing_sha256).not.toBe(body.algorithms.conflicts[0].bundle_sha256);
    expect(body.ab_tests.skipped).toEqual([expect.objectContaining({ title: 'v1 vs v2', reason: expect.stringMatching(/different model/) })]);
  });

  it('fail (the default) refuses the whole import with 409, naming the conflict and the choices', async () => {
    const before = { listing: await registryListing(target), files: filesOf(target) };
    const { status, body } = await upload(target, bundle);
    expect(status).toBe(409);
    expect(body.message).toMatch(/"iris\/classifier" version "1\.0".*on_conflict=skip.*on_conflict=rename/);
    expect({ listing: await registryListing(target), files: filesOf(target) }).toEqual(before);
  });

  it('skip keeps our version, imports the rest, and leaves out the A/B test that used theirs', async () => {
    const { status, body } = await upload(target, bundle, '?on_conflict=skip' + breaking);
    expect(status).toBe(200);
    expect(body.applied).toBe(true);
    expect(body.algorithms.conflicts[0]).toMatchObject({ resolution: 'skip', action: expect.stringMatching(/keeps this registry/) });
    const versions = (await target.json('/api/v1/mlalgorithms')).body.map((a: any) => `${a.endpoint}/${a.version}/${a.current_status}`);
    expect(versions.sort()).toEqual(['diabetes/1/production', 'iris/1.0/production', 'iris/2.0/testing']);
    expect(abTestListing(target)).toEqual([]);
    // and again: nothing more
    const again = await upload(target, bundle, '?on_conflict=skip' + breaking);
    expect(again.body).toMatchObject({ applied: false });
  });

  it('rename imports theirs as a new version; production stays ours; a second import finds it', async () => {
    const { status, body } = await upload(target, bundle, '?on_conflict=rename' + breaking);
    expect(status).toBe(200);
    expect(body.algorithms.conflicts[0]).toMatchObject({ resolution: 'rename', rename_to: '1.0-imported-1' });
    expect(body.algorithms.renamed.find((a: any) => a.local_version === '1.0-imported-1')).toMatchObject({
      version: '1.0', status: 'staging', reason: expect.stringMatching(/on_conflict=rename imports this one as "1\.0-imported-1".*already in production/)
    });
    const list = (await target.json('/api/v1/mlalgorithms?endpoint=iris')).body;
    const renamed = list.find((a: any) => a.version === '1.0-imported-1');
    expect(renamed.current_status).toBe('staging');
    expect(list.filter((a: any) => a.current_status === 'production').map((a: any) => a.version)).toEqual(['1.0']);
    const history = (await target.json(`/api/v1/mlalgorithmstatuses?algorithm=${renamed.id}`)).body;
    expect(history.map((s: any) => [s.status, s.active])).toEqual([['production', false], ['staging', false], ['staging', true]]);
    expect(history[1].reason).toMatch(/imported as staging: "classifier" version "1\.0" is already in production/);
    expect(history[2].reason).toMatch(/^imported; breaking change accepted .*: conflict test$/);
    // the A/B test now runs between the renamed version and 2.0
    const tests = abTestListing(target);
    expect(tests).toMatchObject([{ title: 'v1 vs v2', state: 'running', arms: [{ algorithm: 'iris/classifier/1.0-imported-1' }, { algorithm: 'iris/classifier/2.0' }] }]);

    const before = { listing: await registryListing(target), files: filesOf(target) };
    for (const query of ['?on_conflict=rename', '', '?on_conflict=skip']) {
      const again = await upload(target, bundle, query);
      expect(again.status).toBe(200);
      expect(again.body.applied).toBe(false);
      expect(again.body.algorithms.identical).toContainEqual(expect.objectContaining({ endpoint: 'iris', name: 'classifier', version: '1.0', local_version: '1.0-imported-1' }));
    }
    expect({ listing: await registryListing(target), files: filesOf(target) }).toEqual(before);
  });

  it('rename with a suffix of the user\'s choice', async () => {
    const { status, body } = await upload(target, bundle, '?on_conflict=rename&rename_suffix=team-b' + breaking);
    expect(status).toBe(200);
    expect(body.algorithms.conflicts[0].rename_to).toBe('1.0-team-b');
    expect((await target.json('/api/v1/mlalgorithms?endpoint=iris')).body.map((a: any) => a.version).sort()).toEqual(['1.0', '1.0-team-b', '2.0']);
    const bad = await upload(target, bundle, '?on_conflict=rename&rename_suffix=../x');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/rename_suffix/);
  });

  it('a running test is imported stopped when the endpoint already runs one', async () => {
    const ours = (await target.json('/api/v1/mlalgorithms?endpoint=iris')).body[0];
    const other = await target.register('iris_lr', { endpoint: 'iris', name: 'other', version: '1', status: 'testing', allow_breaking_change: 'true', reason: 'test' });
    const db = target.core.db;
    const running = db.insert(abTests).values({
      title: 'ours', endpointId: ours.parent_endpoint, mode: 'split', metric: 'accuracy', createdBy: 'me', createdAt: '2024-06-01T00:00:00.000Z', state: 'running'
    }).returning().get();
    db.insert(abTestArms).values([
      { abTestId: running.id, position: 0, algorithmId: ours.id, weight: 1 },
      { abTestId: running.id, position: 1, algorithmId: other.body.id, weight: 1 }
    ]).run();
    const { status, body } = await upload(target, bundle, '?on_conflict=rename' + breaking);
    expect(status).toBe(200);
    expect(body.ab_tests.added).toEqual([expect.objectContaining({ title: 'v1 vs v2', state: 'stopped', reason: expect.stringMatching(/imported as stopped/) })]);
    const imported = abTestListing(target).find((t) => t.title === 'v1 vs v2')!;
    expect(imported).toMatchObject({ state: 'stopped', endedAt: expect.any(String), summary: expect.stringMatching(/Stopped on import/) });
    expect(abTestListing(target).filter((t) => t.state === 'running').map((t) => t.title)).toEqual(['ours']);
  });
});
