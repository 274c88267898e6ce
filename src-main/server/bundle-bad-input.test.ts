import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureModel } from '../../test/fixtures/index.ts';
import { download, filesOf, openBundle, rebuild, registryListing, sha256, upload, zip, type ZipEntry } from '../../test/helpers/bundles.ts';
import { startTestServer, testToken, type TestServer } from '../../test/helpers/server.ts';
import type { ModelDeskError } from '../core/errors.ts';
import { httpStatusOf } from './error-handler.ts';

/**
 * Issue #5, "bad input": each broken or hostile bundle is refused with a message naming the
 * problem, and the importing registry, its artifact store and its temp folder are untouched.
 */
describe('bad bundles are refused and change nothing', () => {
  let source: TestServer;
  let target: TestServer;
  let good: Buffer;
  let manifest: any;
  let entries: ZipEntry[];

  beforeAll(async () => {
    source = await startTestServer({ seed: false });
    target = await startTestServer(); // seeded, so "unchanged" compares a non-empty registry
    for (const [endpoint, fixture] of [['iris', 'iris_lr'], ['diabetes', 'diabetes_gbr']] as const) {
      expect((await source.register(fixture, { endpoint, name: 'm', version: '1', status: 'production' })).status).toBe(201);
    }
    good = await download(source);
    ({ manifest, entries } = await openBundle(good));
  });

  afterAll(async () => {
    await source?.stop();
    await target?.stop();
  });

  const copy = () => structuredClone(manifest);
  const artifactName = (i: number) => `artifacts/${manifest.algorithms[i].artifact_sha256}.onnx`;

  async function expectRefused(bundle: Buffer, message: RegExp, status = 400) {
    const before = { listing: await registryListing(target), files: filesOf(target) };
    for (const query of ['?dry_run=true', '', '?on_conflict=rename']) {
      const res = await upload(target, bundle, query);
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body.status).toBe('Error');
      expect(res.body.message).toMatch(message);
    }
    expect({ listing: await registryListing(target), files: filesOf(target) }).toEqual(before);
  }

  it('accepts the untouched bundle (dry run), so every refusal below is down to its one defect', async () => {
    const res = await upload(target, good, '?dry_run=true');
    expect(res.status).toBe(200);
    expect(res.body.algorithms.added).toHaveLength(2);
  });

  it('a model file whose hash differs from the manifest', async () => {
    // the second artifact is altered, so the first has already been verified into a temp file
    const altered = entries.map((e) => (e.name === artifactName(1) ? { ...e, data: Buffer.from(e.data).fill(7, 100, 120) } : e));
    await expectRefused(await rebuild(manifest, altered), /model file artifacts\/[0-9a-f]{64}\.onnx does not match the SHA-256/);
  });

  it('an entry path outside the bundle: "../"', async () => {
    await expectRefused(await rebuild(manifest, [...entries, { name: 'QQ/evil', data: Buffer.from('x') }], { 'QQ/evil': '../evil' }), /entry "\.\.\/evil" points outside the bundle/);
  });

  it('an entry path outside the bundle: absolute', async () => {
    await expectRefused(await rebuild(manifest, [...entries, { name: 'QQQQ/evil', data: Buffer.from('x') }], { 'QQQQ/evil': '/etc/evil' }), /entry "\/etc\/evil" is an absolute path/);
  });

  it('an entry path with a backslash, an unexpected entry, and a duplicate entry', async () => {
    await expectRefused(await rebuild(manifest, [...entries, { name: 'QQQQ', data: Buffer.from('x') }], { QQQQ: '..\\x' }), /contains a backslash/);
    await expectRefused(await rebuild(manifest, [...entries, { name: 'run.sh', data: Buffer.from('x') }]), /unexpected entry "run\.sh"/);
    await expectRefused(await rebuild(manifest, [...entries, entries[0]!]), /appears twice/);
  });

  it('an entry larger than its declared size', async () => {
    const m = copy();
    m.algorithms[0].artifact_bytes -= 10;
    await expectRefused(await rebuild(m, entries), /is \d+ bytes, larger than the \d+ bytes declared in the manifest/);
  });

  it('a decompression bomb: refused from the ZIP directory, before inflating', async () => {
    const zeros = Buffer.alloc(20 * 1024 * 1024);
    const m = copy();
    m.algorithms[0].artifact_sha256 = sha256(zeros);
    m.algorithms[0].artifact_bytes = zeros.length;
    const bomb = entries.map((e) => (e.name === artifactName(0) ? { name: `artifacts/${sha256(zeros)}.onnx`, data: zeros } : e));
    // declared honestly: the compression ratio gives it away
    await expectRefused(await rebuild(m, bomb), /compression ratio of \d+:1, past the limit of 200:1/);
    // declared tiny: the size check fires first
    m.algorithms[0].artifact_bytes = 1000;
    await expectRefused(await rebuild(m, bomb), /larger than the 1000 bytes declared/);
  });

  it('a manifest that does not match its schema', async () => {
    const m = copy();
    delete m.algorithms[0].signature;
    await expectRefused(await rebuild(m, entries), /invalid bundle manifest: algorithms\.0 must have required property 'signature'/);
    const n = copy();
    n.endpoints[0].name = 'Not A Name';
    await expectRefused(await rebuild(n, entries), /invalid bundle manifest: endpoints\.0\.name must match pattern/);
    const o = copy();
    o.statuses = [];
    await expectRefused(await rebuild(o, entries), /must have exactly one active status, found 0/);
    await expectRefused(await zip([...entries, { name: 'manifest.json', data: Buffer.from('{"format_version": 1,') }]), /manifest\.json is not valid JSON/);
  });

  it('a format version newer than this app', async () => {
    const m = copy();
    m.format_version = 999;
    m.something_new = true;
    await expectRefused(await rebuild(m, entries), /format version 999 is newer than this ModelDesk reads \(up to 2\); upgrade ModelDesk/);
  });

  it('a truncated file (the first half of a valid bundle)', async () => {
    await expectRefused(good.subarray(0, Math.floor(good.length / 2)), /truncated/);
  });

  it('a file that is not a bundle: random bytes, a text file, a ZIP without manifest, an empty body', async () => {
    await expectRefused(randomBytes(4096), /not a ModelDesk bundle: the file is not a ZIP archive/);
    await expectRefused(Buffer.from('name,age\nana,37\n'), /not a ModelDesk bundle/);
    await expectRefused(await zip([{ name: 'artifacts/readme.txt', data: Buffer.from('hi') }]), /unexpected entry/);
    await expectRefused(await zip(entries), /not a ModelDesk bundle: the archive has no manifest\.json/);
    await expectRefused(Buffer.alloc(0), /bundle|empty/);
  });

  it('a model file the manifest names but the archive lacks, and one it does not name', async () => {
    await expectRefused(await rebuild(manifest, entries.slice(1)), /is missing/);
    const extra = fixtureModel('iris_lr');
    const stray = { name: `artifacts/${sha256(Buffer.concat([extra, Buffer.from('x')]))}.onnx`, data: Buffer.concat([extra, Buffer.from('x')]) };
    await expectRefused(await rebuild(manifest, [...entries, stray]), /is not a model file of any algorithm/);
  });

  it('an altered request log', async () => {
    const withRequests = await openBundle(await download(source, '?include_requests=true'));
    const m = withRequests.manifest;
    const line = JSON.stringify({ algorithm: { endpoint: 'iris', name: 'm', version: '1' }, ab_test: null, shadow: false, input: '{}', response: '{}', label: 'x', status: 'OK', latency_us: 1, client_key: null, feedback: null, feedback_at: null, created_at: '2024-01-01T00:00:00.000Z', origin: { registry_id: m.registry_id, request_id: 1 } });
    const log = Buffer.from(`${line}\n`);
    m.requests = { path: 'requests.jsonl', count: 1, bytes: log.length, sha256: sha256(log) };
    const others = withRequests.entries.filter((e) => e.name !== 'requests.jsonl');
    expect((await upload(target, await rebuild(m, [...others, { name: 'requests.jsonl', data: log }]), '?dry_run=true')).status).toBe(200);
    const forged = Buffer.from(log.toString().replace('"label":"x"', '"label":"y"'));
    await expectRefused(await rebuild(m, [...others, { name: 'requests.jsonl', data: forged }]), /requests\.jsonl does not match the SHA-256/);
    const unknown = Buffer.from(log.toString().replace('"name":"m"', '"name":"q"'));
    m.requests.sha256 = sha256(unknown);
    await expectRefused(await rebuild(m, [...others, { name: 'requests.jsonl', data: unknown }]), /line 1 refers to an algorithm the manifest does not list/);
  });

  it('bad requests: a wrong multipart part, an unknown on_conflict, a suffix that is not a version', async () => {
    const form = new FormData();
    form.set('bundle', new Blob([good]), 'registry.modeldesk');
    const res = await target.request('/api/v1/registry/import', { method: 'POST', admin: true, body: form });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).message).toBe('send the bundle as a multipart part named "file"');
    const mode = await upload(target, good, '?on_conflict=overwrite');
    expect(mode).toMatchObject({ status: 400, body: { message: 'on_conflict must be one of fail, skip, rename', field: 'on_conflict' } });
    const suffix = await upload(target, good, '?on_conflict=rename&rename_suffix=a%2Fb');
    expect(suffix.status).toBe(400);
    expect(suffix.body.field).toBe('rename_suffix');
    const text = await target.request('/api/v1/registry/import', { method: 'POST', admin: true, body: 'hello', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
  });

  it('a failing transaction removes the model files it had added, and only those', async () => {
    // a trigger makes the last insert fail, after the model files were moved into the store
    target.core.sqlite.exec(`create trigger fail_import before insert on algorithm_statuses
      when new.created_by = 'import-test-failure' begin select raise(abort, 'boom'); end`);
    try {
      const m = copy();
      m.statuses[m.statuses.length - 1].created_by = 'import-test-failure';
      const before = { listing: await registryListing(target), files: filesOf(target) };
      const res = await upload(target, await rebuild(m, entries));
      expect(res.status).toBe(500);
      expect({ listing: await registryListing(target), files: filesOf(target) }).toEqual(before);
    } finally {
      target.core.sqlite.exec('drop trigger fail_import');
    }
  });

  it('a disk without room for the new model files is refused before anything is written (507 over HTTP)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'modeldesk-bundle-')), 'registry.modeldesk');
    writeFileSync(file, good);
    const before = { listing: await registryListing(target), files: filesOf(target) };
    const needed = manifest.algorithms.reduce((n: number, a: { artifact_bytes: number }) => n + a.artifact_bytes, 0);
    const error = await target.core.bundles.import(file, { freeSpace: () => needed }).catch((err: unknown) => err);
    expect(error).toMatchObject({ kind: 'insufficient_storage' });
    expect((error as Error).message).toMatch(
      /not enough disk space to import this bundle: [\d.]+ MiB needed for its new model files and request log \(with 64 MiB of headroom\), [\d.]+ MiB free/
    );
    expect(httpStatusOf((error as ModelDeskError).kind)).toBe(507);
    // a dry run writes nothing, so it is not held back by the disk
    await expect(target.core.bundles.import(file, { dryRun: true, freeSpace: () => 0 })).resolves.toMatchObject({ dry_run: true });
    expect({ listing: await registryListing(target), files: filesOf(target) }).toEqual(before);
    rmSync(join(file, '..'), { recursive: true, force: true });
  });

  it('an upload declaring more bytes than the disk holds is refused with 507 before it is read', async () => {
    const before = filesOf(target);
    const answer = await new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = request(`${target.url}/api/v1/registry/import`, {
        method: 'POST',
        headers: { authorization: `Bearer ${testToken}`, 'content-type': 'application/zip', 'content-length': String(2 ** 50) }
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
          req.destroy(); // the declared body is never sent
        });
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(answer.status).toBe(507);
    expect(answer.body.message).toMatch(/not enough disk space to import this bundle: [\d.]+ MiB needed for the upload/);
    expect(filesOf(target)).toEqual(before);
  });
});
