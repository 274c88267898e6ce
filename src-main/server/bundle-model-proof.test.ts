import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureModel, fixtureSample } from '../../test/fixtures/index.ts';
import { download, filesOf, openBundle, rebuild, registryListing, sha256, upload, type ZipEntry } from '../../test/helpers/bundles.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

/**
 * Issue 20 item 12: a bundle's hashes prove only that its files are the ones it names. Before
 * anything is applied, every model the import creates is loaded in onnxruntime as registration
 * loads it, and its signature must be the manifest's; otherwise the import is refused (a dry
 * run too) and nothing changes.
 */
describe('imports prove their models', () => {
  let source: TestServer;
  let target: TestServer;
  let manifest: any;
  let entries: ZipEntry[];

  beforeAll(async () => {
    [source, target] = await Promise.all([startTestServer({ seed: false }), startTestServer()]);
    const iris = { feature_names: JSON.stringify(fixtureSample('iris_lr').featureNames) };
    expect((await source.register('iris_lr', { endpoint: 'iris', name: 'lr', version: '1', status: 'production', ...iris })).status).toBe(201);
    ({ manifest, entries } = await openBundle(await download(source)));
  });
  afterAll(async () => {
    await source?.stop();
    await target?.stop();
  });

  async function expectRefused(bundle: Buffer, message: RegExp) {
    const before = { listing: await registryListing(target), files: filesOf(target) };
    for (const query of ['?dry_run=true', '']) {
      const res = await upload(target, bundle, query);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body).toMatchObject({ status: 'Error', field: 'file' });
      expect(res.body.message).toMatch(message);
    }
    expect({ listing: await registryListing(target), files: filesOf(target) }).toEqual(before);
  }

  it('the untouched bundle is accepted, so each refusal below is down to its one change', async () => {
    const res = await upload(target, await rebuild(manifest, entries), '?dry_run=true');
    expect(res.status).toBe(200);
    expect(res.body.counts.algorithms.added).toBe(1);
  });

  it('refuses a model file whose hash matches the manifest but which onnxruntime cannot load', async () => {
    for (const bytes of [Buffer.from('definitely not an ONNX model, though the manifest names its hash'), fixtureModel('iris_lr').subarray(0, 300)]) {
      const m = structuredClone(manifest);
      const sha = sha256(bytes);
      m.algorithms[0].artifact_sha256 = sha;
      m.algorithms[0].artifact_bytes = bytes.length;
      await expectRefused(
        await rebuild(m, [{ name: `artifacts/${sha}.onnx`, data: bytes }]),
        /the model file of "iris\/lr" version "1" \(artifacts\/[0-9a-f]{64}\.onnx\) is refused as a registration would refuse it/
      );
    }
  });

  it('refuses a real model whose manifest signature, task or classes are false', async () => {
    const wrongType = structuredClone(manifest);
    wrongType.algorithms[0].signature.inputs[0].type = 'float64';
    await expectRefused(
      await rebuild(wrongType, entries),
      /the manifest does not describe the model file of "iris\/lr" version "1": signature\.inputs\.0\.type is "float32" in the file, "float64" in the manifest/
    );
    const wrongShape = structuredClone(manifest);
    wrongShape.algorithms[0].signature.inputs[0].shape = [null, 13];
    await expectRefused(await rebuild(wrongShape, entries), /signature\.inputs\.0\.shape\.1 is 4 in the file, 13 in the manifest/);
    const wrongClasses = structuredClone(manifest);
    wrongClasses.algorithms[0].classes = ['setosa', 'versicolor', 'virginica'];
    wrongClasses.algorithms[0].signature.classes = ['setosa', 'versicolor', 'virginica'];
    await expectRefused(await rebuild(wrongClasses, entries), /signature\.classes\.0 is 0 in the file, "setosa" in the manifest/);
    const wrongTask = structuredClone(manifest);
    wrongTask.algorithms[0].task = 'regression';
    await expectRefused(await rebuild(wrongTask, entries), /task: the file is a classification model, the manifest says regression/);
  });

  it('refuses options registration would refuse (feature names that do not fit the input)', async () => {
    const m = structuredClone(manifest);
    m.algorithms[0].feature_names = ['a', 'b'];
    await expectRefused(await rebuild(m, entries), /refused as a registration would refuse it: feature_names has 2 names but input "float_input" has 4 columns/);
  });
});
