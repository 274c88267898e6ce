import { mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/open.ts';
import { algorithms } from '../../../db/schema.ts';
import { countPlan, type ImportRequestEntry, type PlanCounts, type PlanKind } from '../../contract/bundles.ts';
import { nowIso } from '../clock.ts';
import { conflict, invalidInput } from '../errors.ts';
import type { ArtifactStore } from '../registry/artifact-store.ts';
import type { RowCodec } from '../requests/row-codec.ts';
import type { ContractCheck } from '../compatibility/index.ts';
import type { WriteGate } from '../storage/write-gate.ts';
import { applyDecisions, loadTargetState } from './apply.ts';
import { consentToBreaks, findContractBreaks, recordAcceptedBreaks, type ContractBreak } from './contract-gate.ts';
import { ensureDiskRoom } from './disk-room.ts';
import { insertMetadata } from './metadata.ts';
import { artifactEntry, manifestEntry, requestsEntry, type Manifest } from './manifest-schema.ts';
import { ModelProver } from './model-proof.ts';
import { planImport, type Decisions, type ImportReport, type OnConflict, type PlanOptions } from './plan.ts';
import { OriginLookup, RequestPlanner } from './request-merge.ts';
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
  /** import algorithms that break an endpoint's input contract anyway (with a reason, kept in their status history) */
  allowBreakingChange?: boolean;
  reason?: string;
}

/** Where an import reads and writes. */
export interface ImportTarget {
  db: Db;
  /** the same connection, for the per-row origin lookups (request-merge.ts) */
  sqlite: Database.Database;
  /** write transactions (BEGIN IMMEDIATE, never blocking the event loop; storage/write-gate.ts) */
  writes: WriteGate;
  store: ArtifactStore;
  /** the data dir's tmp folder */
  tmpRoot: string;
  /** this registry's id (registry/identity.ts) */
  registryId: string;
  /** new algorithms of endpoints already here are checked against their input contract */
  contracts: ContractCheck;
  /** how the request log stores the rows' input and response (requests/row-codec.ts) */
  codec: RowCodec;
}

export interface ImportResult extends ImportReport {
  dry_run: boolean;
  applied: boolean;
  format_version: number;
  app_version: string;
  created_at: string;
  /** the registry that wrote the bundle; null for format 1 */
  registry_id: string | null;
  on_conflict: OnConflict;
  /** request log rows, per algorithm and outcome (a real import: as written) */
  requests: PlanKind<ImportRequestEntry>;
  counts: PlanCounts;
  /** model files this registry does not have yet */
  artifacts: { new: number; bytes: number };
  /** new algorithms that would break the input contract of an endpoint already here (contract-gate.ts) */
  breaking_changes: ContractBreak[];
}

const maxManifestBytes = 64 * 1024 * 1024;
const defaultMaxRatio = 200;
const renameSuffixPattern = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Imports a bundle file. Order matters for "bad input changes nothing": every entry name,
 * size, ratio, the manifest schema and every hash are checked, and every model the import
 * creates is loaded and compared with its manifest, before anything is written; model files
 * then go from temp files into the store, and all rows go in one transaction. If that
 * transaction fails, the model files this import added (and no row uses) are removed.
 */
export async function importBundle(target: ImportTarget, file: string, options: ImportOptions = {}): Promise<ImportResult> {
  const { db, store, writes } = target;
  const onConflict = options.onConflict ?? 'fail';
  if (!['fail', 'skip', 'rename'].includes(onConflict)) throw invalidInput('on_conflict must be fail, skip or rename', 'on_conflict');
  if (options.renameSuffix !== undefined && !renameSuffixPattern.test(options.renameSuffix)) {
    throw invalidInput('rename_suffix must be 1-64 letters, digits, ".", "_" or "-"', 'rename_suffix');
  }
  const dryRun = options.dryRun ?? false;
  const maxRatio = options.maxCompressionRatio ?? defaultMaxRatio;
  const tmpDir = join(target.tmpRoot, `import-${randomUUID()}`);
  const bundle = await openBundle(file);
  try {
    mkdirSync(tmpDir, { recursive: true });
    const manifest = await readManifest(bundle, maxRatio);
    checkEntriesAgainstManifest(bundle, manifest, maxRatio);

    const now = nowIso();
    const planOptions: PlanOptions = { onConflict, now, ...(options.renameSuffix ? { renameSuffix: options.renameSuffix } : {}) };
    const { report, decisions } = planImport(manifest, loadTargetState(db), planOptions);
    const toStore = new Map<string, number>();
    for (const { algorithm: a } of decisions.inserts.values()) {
      if (!store.has(a.artifact_sha256)) toStore.set(a.artifact_sha256, a.artifact_bytes);
    }
    const newBytes = [...toStore.values()].reduce((n, b) => n + b, 0);
    if (!dryRun) ensureDiskRoom(tmpDir, newBytes + (manifest.requests?.bytes ?? 0), 'its new model files and request log', options.freeSpace);

    const progress = progressOf(bundle, manifest, options.onProgress);
    const prover = new ModelProver([...decisions.inserts.values()].map((i) => i.algorithm));
    await verifyArtifacts(bundle, toStore, dryRun ? null : tmpDir, prover, progress);
    const signatures = await prover.proveRest((sha) => store.read(sha));
    const tempOf = (sha: string) => join(tmpDir, `${sha}.onnx`);
    const requestsFile = manifest.requests ? join(tmpDir, requestsEntry) : null;
    const lookup = new OriginLookup(target.sqlite, target.registryId);
    const planner = new RequestPlanner(manifest, decisions, lookup);
    await verifyRequests(bundle, manifest, dryRun ? null : requestsFile, planner, progress);

    const breaks = findContractBreaks(db, target.contracts, decisions);
    const result = describe(manifest, onConflict, dryRun, report, planner.report(), { new: toStore.size, bytes: newBytes }, breaks);
    if (dryRun) return result;
    if (decisions.conflictsRefused.length) throw refusal(decisions.conflictsRefused);
    const accepted = consentToBreaks(target.contracts, breaks, options);
    if (nothingNew(decisions, result)) return result; // the idempotent re-import: not even an empty transaction

    const created: string[] = [];
    try {
      for (const sha of toStore.keys()) {
        if (store.has(sha)) continue; // registered meanwhile: same bytes, keep theirs
        renameSync(tempOf(sha), store.pathOf(sha));
        created.push(sha);
      }
      const requests = await writes.transaction('the imported registry', (tx) => {
        const again = planImport(manifest, loadTargetState(tx), planOptions);
        if (JSON.stringify(again.report) !== JSON.stringify(report)) {
          throw conflict('the registry changed while the bundle was being verified; run the import again');
        }
        const rows = requestsFile ? { file: requestsFile, planner: new RequestPlanner(manifest, again.decisions, lookup) } : null;
        const written = applyDecisions(tx, manifest, again.decisions, { requests: rows, signatures, now, codec: target.codec });
        insertMetadata(tx, manifest, again.decisions);
        recordAcceptedBreaks(tx, accepted);
        return written;
      });
      return describe(manifest, onConflict, false, report, requests, result.artifacts, breaks, true);
    } catch (err) {
      for (const sha of created) {
        const used = db.select({ id: algorithms.id }).from(algorithms).where(eq(algorithms.artifactSha256, sha)).get();
        if (!used) store.remove(sha);
      }
      throw err;
    }
  } finally {
    bundle.close();
    rmSync(tmpDir, { recursive: true, force: true });
  }
}

function describe(
  m: Manifest,
  onConflict: OnConflict,
  dryRun: boolean,
  report: ImportReport,
  requests: PlanKind<ImportRequestEntry>,
  artifacts: ImportResult['artifacts'],
  breakingChanges: ContractBreak[],
  applied = false
): ImportResult {
  const lists = { ...report, requests };
  return {
    dry_run: dryRun,
    applied,
    format_version: m.format_version,
    app_version: m.app_version,
    created_at: m.created_at,
    registry_id: m.registry_id ?? null,
    on_conflict: onConflict,
    ...lists,
    counts: countPlan(lists),
    artifacts,
    breaking_changes: breakingChanges
  };
}

/** Nothing to write: no endpoint, algorithm or test, and no request row to add. */
function nothingNew(decisions: Decisions, result: ImportResult): boolean {
  const rows = result.counts.requests.added + result.counts.requests.renamed;
  return !decisions.newEndpoints.length && !decisions.inserts.size && !decisions.tests.length && rows === 0;
}

type Progress = (bytes: number) => void;

function progressOf(bundle: OpenedBundle, manifest: Manifest, onProgress: ImportOptions['onProgress']): Progress {
  const total = [...bundle.artifacts.values()].reduce((n, e) => n + e.uncompressedSize, 0) + (manifest.requests?.bytes ?? 0);
  let done = 0;
  return (n) => onProgress?.((done += n), total);
}

/**
 * Hashes every model file. Those the store lacks are kept in temp files (`<sha>.onnx` in tmpDir;
 * a dry run, tmpDir null, keeps them in memory, one at a time) and proven (model-proof.ts).
 */
async function verifyArtifacts(bundle: OpenedBundle, toStore: Map<string, number>, tmpDir: string | null, prover: ModelProver, onBytes: Progress): Promise<void> {
  for (const [sha, entry] of bundle.artifacts) {
    const declared = entry.uncompressedSize; // equal to the manifest's bytes, checked before
    const isNew = toStore.has(sha);
    const chunks: Buffer[] = [];
    const sink = !isNew ? null : tmpDir ? join(tmpDir, `${sha}.onnx`) : new Writable({ write: (chunk: Buffer, _e, cb) => (chunks.push(chunk), cb()) });
    const got = await streamEntry(bundle.zip, entry, declared, sink, { onBytes });
    if (got.sha256 !== sha || got.bytes !== declared) {
      throw invalidInput(
        `invalid bundle: model file ${entry.fileName} does not match the SHA-256 in its manifest (it hashes to ${got.sha256}, ${got.bytes} bytes): the bundle is damaged or was altered`,
        'file'
      );
    }
    if (isNew) await prover.prove(sha, typeof sink === 'string' ? readFileSync(sink) : Buffer.concat(chunks));
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

/** Checks the request log line by line (the planner decides each row as it passes) and keeps it in a temp file. */
async function verifyRequests(bundle: OpenedBundle, manifest: Manifest, tempFile: string | null, planner: RequestPlanner, onBytes: Progress): Promise<void> {
  const declared = manifest.requests;
  const entry = bundle.entries.get(requestsEntry);
  if (!declared || !entry) return;
  const checker = new RequestLineChecker(manifest, (line) => planner.fate(line));
  const got = await streamEntry(bundle.zip, entry, declared.bytes, tempFile, { onBytes, through: checker });
  if (got.sha256 !== declared.sha256) {
    throw invalidInput(`invalid bundle: ${requestsEntry} does not match the SHA-256 in its manifest: the bundle is damaged or was altered`, 'file');
  }
  if (checker.lines !== declared.count) {
    throw invalidInput(`invalid bundle: ${requestsEntry} has ${checker.lines} requests, the manifest says ${declared.count}`, 'file');
  }
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
