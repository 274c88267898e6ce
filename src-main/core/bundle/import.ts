import { mkdirSync, renameSync, rmSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/open.ts';
import { algorithms } from '../../../db/schema.ts';
import { nowIso } from '../clock.ts';
import { conflict, insufficientStorage, invalidInput } from '../errors.ts';
import type { ArtifactStore } from '../registry/artifact-store.ts';
import type { RowCodec } from '../requests/row-codec.ts';
import { applyDecisions, loadTargetState } from './apply.ts';
import { artifactEntry, manifestEntry, requestsEntry, type Manifest } from './manifest-schema.ts';
import { planImport, type ImportReport, type OnConflict, type PlanOptions } from './plan.ts';
import { RequestLineChecker } from './request-lines.ts';
import { describeRef, parseManifest } from './validate.ts';
import { checkEntrySize, openBundle, readEntry, streamEntry, type OpenedBundle } from './zip-reader.ts';

export interface ImportOptions {
  /** verify everything and report the plan, change nothing */
  dryRun?: boolean;
  /** what to do with a version that exists here with a different model (default fail) */
  onConflict?: OnConflict;
  renameSuffix?: string;
  /** refuse entries that inflate more than this (default 200:1) */
  maxCompressionRatio?: number;
  /** bytes verified so far, of the total to verify */
  onProgress?: (done: number, total: number) => void;
  /** free bytes for unprivileged writers on the disk holding dir (default: statfs) */
  freeSpace?: (dir: string) => number;
}

/** room kept free beyond the import's own files: SQLite's growth, the WAL, the OS */
const diskHeadroom = 64 * 2 ** 20;

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)} MiB`;

function statfsFreeSpace(dir: string): number {
  const stats = statfsSync(dir);
  return stats.bavail * stats.bsize;
}

/**
 * Refuses (507) before anything is written when the disk holding `dir` cannot take `bytes` more
 * plus some headroom: a disk that fills halfway leaves temp files and fails on whatever came last.
 */
export function ensureDiskRoom(dir: string, bytes: number, what: string, freeSpace: (dir: string) => number = statfsFreeSpace): void {
  const free = freeSpace(dir);
  if (bytes + diskHeadroom > free) {
    throw insufficientStorage(
      `not enough disk space to import this bundle: ${mib(bytes + diskHeadroom)} needed for ${what} ` +
        `(with ${mib(diskHeadroom)} of headroom), ${mib(free)} free where ModelDesk keeps its data`
    );
  }
}

export interface ImportResult extends ImportReport {
  dry_run: boolean;
  applied: boolean;
  format_version: number;
  app_version: string;
  created_at: string;
  on_conflict: OnConflict;
  /** request log rows imported (or, in a dry run, that would be) */
  requests: number;
  /** model files this registry does not have yet */
  artifacts: { new: number; bytes: number };
}

const maxManifestBytes = 64 * 1024 * 1024;
const defaultMaxRatio = 200;
const renameSuffixPattern = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Imports a bundle file. Order matters for "bad input changes nothing": every entry name,
 * size, ratio, the manifest schema and every hash are checked before anything is written;
 * model files then go from temp files into the store, and all rows go in one transaction.
 * If that transaction fails, the model files this import added (and no row uses) are removed.
 */
export async function importBundle(db: Db, store: ArtifactStore, codec: RowCodec, tmpRoot: string, file: string, options: ImportOptions = {}): Promise<ImportResult> {
  const onConflict = options.onConflict ?? 'fail';
  if (!['fail', 'skip', 'rename'].includes(onConflict)) throw invalidInput('on_conflict must be fail, skip or rename', 'on_conflict');
  if (options.renameSuffix !== undefined && !renameSuffixPattern.test(options.renameSuffix)) {
    throw invalidInput('rename_suffix must be 1-64 letters, digits, ".", "_" or "-"', 'rename_suffix');
  }
  const dryRun = options.dryRun ?? false;
  const maxRatio = options.maxCompressionRatio ?? defaultMaxRatio;
  const tmpDir = join(tmpRoot, `import-${randomUUID()}`);
  const bundle = await openBundle(file);
  try {
    mkdirSync(tmpDir, { recursive: true });
    const manifest = await readManifest(bundle, maxRatio);
    checkEntriesAgainstManifest(bundle, manifest, maxRatio);

    const now = nowIso();
    const planOptions: PlanOptions = { onConflict, now, ...(options.renameSuffix ? { renameSuffix: options.renameSuffix } : {}) };
    const first = planImport(manifest, loadTargetState(db), planOptions);
    const toStore = new Map<string, number>();
    for (const { algorithm: a } of first.decisions.inserts.values()) {
      if (!store.has(a.artifact_sha256)) toStore.set(a.artifact_sha256, a.artifact_bytes);
    }

    if (!dryRun) {
      const needed = [...toStore.values()].reduce((n, b) => n + b, 0) + (manifest.requests?.bytes ?? 0);
      ensureDiskRoom(tmpDir, needed, 'its new model files and request log', options.freeSpace);
    }
    const total = [...bundle.artifacts.values()].reduce((n, e) => n + e.uncompressedSize, 0) + (manifest.requests?.bytes ?? 0);
    let done = 0;
    const onBytes = (n: number) => options.onProgress?.((done += n), total);
    for (const [sha, entry] of bundle.artifacts) {
      const declared = entry.uncompressedSize; // equal to the manifest's bytes, checked above
      const temp = !dryRun && toStore.has(sha) ? join(tmpDir, `${sha}.onnx`) : null;
      const got = await streamEntry(bundle.zip, entry, declared, temp, { onBytes });
      if (got.sha256 !== sha || got.bytes !== declared) {
        throw invalidInput(
          `invalid bundle: model file ${entry.fileName} does not match the SHA-256 in its manifest (it hashes to ${got.sha256}, ${got.bytes} bytes): the bundle is damaged or was altered`,
          'file'
        );
      }
    }
    const requestsFile = manifest.requests ? join(tmpDir, requestsEntry) : null;
    const perAlgorithm = await verifyRequests(bundle, manifest, dryRun ? null : requestsFile, onBytes);

    const { report, decisions } = first;
    const result: ImportResult = {
      dry_run: dryRun,
      applied: false,
      format_version: manifest.format_version,
      app_version: manifest.app_version,
      created_at: manifest.created_at,
      on_conflict: onConflict,
      ...report,
      requests: [...decisions.inserts.keys()].reduce((n, key) => n + (perAlgorithm.get(key) ?? 0), 0),
      artifacts: { new: toStore.size, bytes: [...toStore.values()].reduce((n, b) => n + b, 0) }
    };
    if (dryRun) return result;
    if (decisions.conflictsRefused.length) throw refusal(decisions.conflictsRefused);
    const nothingNew = !decisions.newEndpoints.length && !decisions.inserts.size && !decisions.tests.length;
    if (nothingNew) return result; // the idempotent re-import: not even an empty transaction

    const created: string[] = [];
    try {
      for (const sha of toStore.keys()) {
        if (store.has(sha)) continue; // registered meanwhile: same bytes, keep theirs
        renameSync(join(tmpDir, `${sha}.onnx`), store.pathOf(sha));
        created.push(sha);
      }
      db.transaction((tx) => {
        const again = planImport(manifest, loadTargetState(tx), planOptions);
        if (JSON.stringify(again.report) !== JSON.stringify(report)) {
          throw conflict('the registry changed while the bundle was being verified; run the import again');
        }
        applyDecisions(tx, manifest, again.decisions, requestsFile, now, codec);
      });
    } catch (err) {
      for (const sha of created) {
        const used = db.select({ id: algorithms.id }).from(algorithms).where(eq(algorithms.artifactSha256, sha)).get();
        if (!used) store.remove(sha);
      }
      throw err;
    }
    return { ...result, applied: true };
  } finally {
    bundle.close();
    rmSync(tmpDir, { recursive: true, force: true });
  }
}

async function readManifest(bundle: OpenedBundle, maxRatio: number): Promise<Manifest> {
  const entry = bundle.entries.get(manifestEntry);
  if (!entry) throw invalidInput(`not a ModelDesk bundle: the archive has no ${manifestEntry}`, 'file');
  if (entry.uncompressedSize > maxManifestBytes) {
    throw invalidInput(`invalid bundle: ${manifestEntry} is ${entry.uncompressedSize} bytes, more than the ${maxManifestBytes} a manifest may have`, 'file');
  }
  checkEntrySize(entry, entry.uncompressedSize, maxRatio);
  return parseManifest(await readEntry(bundle.zip, entry, Math.min(entry.uncompressedSize, maxManifestBytes)));
}

/** Every model file the manifest names is there with its declared size; nothing else is. */
function checkEntriesAgainstManifest(bundle: OpenedBundle, manifest: Manifest, maxRatio: number): void {
  const declared = new Map<string, string>();
  for (const a of manifest.algorithms) {
    const entry = bundle.artifacts.get(a.artifact_sha256);
    if (!entry) {
      throw invalidInput(`invalid bundle: ${artifactEntry(a.artifact_sha256)}, the model file of ${describeRef(a)}, is missing`, 'file');
    }
    checkEntrySize(entry, a.artifact_bytes, maxRatio);
    declared.set(a.artifact_sha256, a.endpoint);
  }
  for (const sha of bundle.artifacts.keys()) {
    if (!declared.has(sha)) throw invalidInput(`invalid bundle: ${artifactEntry(sha)} is not a model file of any algorithm in the manifest`, 'file');
  }
  const requests = bundle.entries.get(requestsEntry);
  if (manifest.requests && !requests) throw invalidInput(`invalid bundle: the manifest lists a request log but ${requestsEntry} is missing`, 'file');
  if (!manifest.requests && requests) throw invalidInput(`invalid bundle: ${requestsEntry} is present but the manifest does not list it`, 'file');
  if (manifest.requests && requests) checkEntrySize(requests, manifest.requests.bytes, maxRatio);
}

async function verifyRequests(
  bundle: OpenedBundle,
  manifest: Manifest,
  tempFile: string | null,
  onBytes: (n: number) => void
): Promise<Map<string, number>> {
  const declared = manifest.requests;
  const entry = bundle.entries.get(requestsEntry);
  if (!declared || !entry) return new Map();
  const checker = new RequestLineChecker(manifest);
  const got = await streamEntry(bundle.zip, entry, declared.bytes, tempFile, { onBytes, through: checker });
  if (got.sha256 !== declared.sha256) {
    throw invalidInput(`invalid bundle: ${requestsEntry} does not match the SHA-256 in its manifest: the bundle is damaged or was altered`, 'file');
  }
  if (checker.lines !== declared.count) {
    throw invalidInput(`invalid bundle: ${requestsEntry} has ${checker.lines} requests, the manifest says ${declared.count}`, 'file');
  }
  return checker.perAlgorithm;
}

function refusal(conflicts: ImportReport['algorithms']['conflicts']) {
  const listed = conflicts
    .slice(0, 5)
    .map((c) => `"${c.endpoint}/${c.name}" version "${c.version}" (here ${c.existing_sha256.slice(0, 12)}…, bundle ${c.bundle_sha256.slice(0, 12)}…)`)
    .join('; ');
  const more = conflicts.length > 5 ? ` and ${conflicts.length - 5} more` : '';
  return conflict(
    `import refused, nothing was changed: ${conflicts.length} algorithm version(s) exist here with a different model file: ${listed}${more}. ` +
      `Choose on_conflict=skip to keep this registry's versions, or on_conflict=rename to import the bundle's as new versions (e.g. "${conflicts[0]!.rename_to}").`,
    'on_conflict'
  );
}
