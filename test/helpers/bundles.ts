import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { asc } from 'drizzle-orm';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { abTestArms, abTests, algorithms, endpoints, requests } from '../../db/schema.ts';
import type { TestServer } from './server.ts';

/** Helpers for registry bundle tests: download, upload, take bundles apart, craft bad ones. */

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export async function download(server: TestServer, query = ''): Promise<Buffer> {
  const res = await server.request(`/api/v1/registry/export${query}`, { admin: true });
  if (res.status !== 200) throw new Error(`export failed: ${res.status} ${await res.text()}`);
  return Buffer.from(await res.arrayBuffer());
}

export async function upload(server: TestServer, bundle: Uint8Array, query = ''): Promise<{ status: number; body: any }> {
  const res = await server.request(`/api/v1/registry/import${query}`, {
    method: 'POST',
    admin: true,
    headers: { 'content-type': 'application/zip' },
    body: bundle
  });
  return { status: res.status, body: await res.json() };
}

export interface ZipEntry {
  name: string;
  data: Buffer;
  compress?: boolean;
  /** as read back: bytes in the archive */
  compressedSize?: number;
}

/** Entries of a ZIP, in order. */
export async function unzip(bundle: Buffer): Promise<ZipEntry[]> {
  const zip = await yauzl.fromBufferPromise(bundle, { lazyEntries: true });
  const out: ZipEntry[] = [];
  for await (const entry of zip.eachEntry()) {
    const stream = await zip.openReadStreamPromise(entry);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    out.push({ name: entry.fileName, data: Buffer.concat(chunks), compressedSize: entry.compressedSize });
  }
  return out;
}

/**
 * Builds a ZIP. yazl refuses unsafe names, so `rename` patches names in the finished bytes
 * (local header and central directory) to craft entries that escape the bundle.
 */
export async function zip(entries: ZipEntry[], rename: Record<string, string> = {}): Promise<Buffer> {
  const file = new yazl.ZipFile();
  for (const e of entries) file.addBuffer(e.data, e.name, { compress: e.compress ?? e.compressedSize !== e.data.length });
  file.end();
  const chunks: Buffer[] = [];
  for await (const chunk of file.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  const out = Buffer.concat(chunks);
  for (const [from, to] of Object.entries(rename)) {
    if (from.length !== to.length) throw new Error('patched names must keep their length');
    let at = out.indexOf(from);
    while (at !== -1) {
      out.write(to, at, 'latin1');
      at = out.indexOf(from, at + 1);
    }
  }
  return out;
}

/** Takes a bundle apart into its manifest and other entries, for tests that alter one thing. */
export async function openBundle(bundle: Buffer): Promise<{ manifest: any; entries: ZipEntry[] }> {
  const entries = await unzip(bundle);
  const manifest = JSON.parse(entries.find((e) => e.name === 'manifest.json')!.data.toString('utf8'));
  return { manifest, entries: entries.filter((e) => e.name !== 'manifest.json') };
}

export const rebuild = (manifest: unknown, entries: ZipEntry[], rename?: Record<string, string>): Promise<Buffer> =>
  zip([...entries, { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) }], rename);

const strip = ({ id: _id, parent_endpoint: _p, ...rest }: any) => rest;
const keyOf = (a: any) => `${a.endpoint}/${a.name}/${a.version}`;

/** Everything a registry holds, keyed by natural keys (ids differ between machines). */
export async function registryListing(server: TestServer) {
  const endpointList = (await server.json('/api/v1/endpoints')).body.map(strip);
  const algorithmList = (await server.json('/api/v1/mlalgorithms')).body;
  const keyById = new Map<number, string>(algorithmList.map((a: any) => [a.id, keyOf(a)]));
  const statuses = (await server.json('/api/v1/mlalgorithmstatuses')).body;
  const history: Record<string, unknown[]> = {};
  for (const s of statuses) {
    const key = keyById.get(s.parent_mlalgorithm)!;
    (history[key] ??= []).push({ status: s.status, active: s.active, created_by: s.created_by, reason: s.reason, created_at: s.created_at });
  }
  return {
    endpoints: endpointList.sort((a: any, b: any) => a.name.localeCompare(b.name)),
    algorithms: algorithmList.map(strip).sort((a: any, b: any) => keyOf(a).localeCompare(keyOf(b))),
    history,
    abTests: abTestListing(server)
  };
}

export function abTestListing(server: TestServer) {
  const db = server.core.db;
  const names = new Map(db.select().from(endpoints).all().map((e) => [e.id, e.name]));
  const algos = new Map(db.select().from(algorithms).all().map((a) => [a.id, `${names.get(a.endpointId)}/${a.name}/${a.version}`]));
  const arms = db.select().from(abTestArms).orderBy(asc(abTestArms.position)).all();
  return db
    .select()
    .from(abTests)
    .all()
    .map(({ id, endpointId, ...t }) => ({
      ...t,
      endpoint: names.get(endpointId),
      arms: arms.filter((a) => a.abTestId === id).map((a) => ({ position: a.position, algorithm: algos.get(a.algorithmId), weight: a.weight }))
    }))
    .sort((a, b) => `${a.endpoint}${a.createdAt}`.localeCompare(`${b.endpoint}${b.createdAt}`));
}

/** The request log by natural keys (ids and `origin`, which only imported rows have, left out). */
export function requestListing(server: TestServer) {
  const db = server.core.db;
  const names = new Map(db.select().from(endpoints).all().map((e) => [e.id, e.name]));
  const algos = new Map(db.select().from(algorithms).all().map((a) => [a.id, `${names.get(a.endpointId)}/${a.name}/${a.version}`]));
  const tests = new Map(db.select().from(abTests).all().map((t) => [t.id, `${t.title}@${t.createdAt}`]));
  // through the request log, which decodes input and response however they are stored (row-codec.ts)
  return server.core.requests
    .list({ order: 'asc' }, 1, 1000)
    .results.map(({ id: _id, endpointId, algorithmId, abTestId, origin: _origin, ...r }) => ({
      ...r,
      endpoint: names.get(endpointId),
      algorithm: algos.get(algorithmId),
      abTest: abTestId === null ? null : tests.get(abTestId)
    }));
}

/** Each row's origin as an importing registry sees it: `<registry id>:<id there>` (request-merge.ts). */
export function requestOrigins(server: TestServer): string[] {
  return server.core.db
    .select({ id: requests.id, origin: requests.origin })
    .from(requests)
    .orderBy(asc(requests.id))
    .all()
    .map((r) => r.origin ?? `${server.core.bundles.registryId}:${r.id}`);
}

/** The artifact store's files and the data dir's temp folder: a refused import leaves both as they were. */
export function filesOf(server: TestServer): { artifacts: string[]; tmp: string[] } {
  const list = (dir: string) => {
    try {
      return readdirSync(join(server.dataDir, dir)).sort();
    } catch {
      return [];
    }
  };
  return { artifacts: list('artifacts'), tmp: list('tmp') };
}
