import { and, eq } from 'drizzle-orm';
import { closeSync, openSync, readSync } from 'node:fs';
import type { Db } from '../../../db/open.ts';
import { abTestArms, abTests, algorithms, algorithmStatuses, endpoints, requests } from '../../../db/schema.ts';
import { applyStatusChange, recordPastStatus } from '../registry/status-transitions.ts';
import type { RowCodec } from '../requests/row-codec.ts';
import type { ImportRequestEntry, PlanKind } from '../../contract/bundles.ts';
import type { Manifest, RequestLine } from './manifest-schema.ts';
import { emptyKind, type Decisions, type TargetState } from './plan.ts';
import type { ProvenSignatures } from './model-proof.ts';
import { importProfiles } from './reference-profiles.ts';
import { originText, type RequestPlanner } from './request-merge.ts';
import { abTestKey, refKey } from './validate.ts';

/** The importing registry as the planner sees it. */
export function loadTargetState(db: Db): TargetState {
  const names = new Map(db.select({ id: endpoints.id, name: endpoints.name }).from(endpoints).all().map((e) => [e.id, e.name]));
  const rows = db
    .select({ id: algorithms.id, endpointId: algorithms.endpointId, name: algorithms.name, version: algorithms.version, sha256: algorithms.artifactSha256 })
    .from(algorithms)
    .all();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const production = new Map<string, { name: string; version: string }>();
  const active = db
    .select({ algorithmId: algorithmStatuses.algorithmId, status: algorithmStatuses.status })
    .from(algorithmStatuses)
    .where(eq(algorithmStatuses.active, true))
    .all();
  const statusOf = new Map(active.map((s) => [s.algorithmId, s.status]));
  for (const { algorithmId, status } of active) {
    const a = byId.get(algorithmId);
    if (a && status === 'production') production.set(names.get(a.endpointId)!, { name: a.name, version: a.version });
  }
  return {
    endpoints: [...names.values()],
    algorithms: rows.map((r) => ({ endpoint: names.get(r.endpointId)!, name: r.name, version: r.version, sha256: r.sha256, status: statusOf.get(r.id) ?? null })),
    production,
    abTests: db
      .select({ endpointId: abTests.endpointId, title: abTests.title, created_at: abTests.createdAt, state: abTests.state })
      .from(abTests)
      .all()
      .map((t) => ({ endpoint: names.get(t.endpointId)!, title: t.title, created_at: t.created_at, state: t.state }))
  };
}

/** Local ids of what the bundle names, filled in as the steps insert rows. */
interface LocalIds {
  /** endpoint name → id */
  endpoints: Map<string, number>;
  /** bundle refKey → algorithm id (new or identical) */
  algorithms: Map<string, number>;
  /** abTestKey → test id */
  tests: Map<string, number>;
}

/** The request log to write: the verified temp file, and the planner that decides each row. */
export interface RequestSource {
  file: string;
  planner: RequestPlanner;
}

/**
 * Writes the plan's decisions, step by step. Runs inside the caller's transaction: any throw
 * rolls back all of it. Rows keep the bundle's timestamps and authors; only ids are new.
 * Returns what happened to the request rows (the planner's count, made as they were written).
 */
export function applyDecisions(
  tx: Db,
  m: Manifest,
  decisions: Decisions,
  { requests, signatures, now, codec }: { requests: RequestSource | null; signatures: ProvenSignatures; now: string; codec: RowCodec }
): PlanKind<ImportRequestEntry> {
  const ids: LocalIds = { endpoints: insertEndpoints(tx, m, decisions), algorithms: new Map(), tests: new Map() };
  insertAlgorithms(tx, decisions, signatures, ids);
  findIdenticalAlgorithms(tx, decisions, ids);
  replayStatusHistory(tx, m, decisions, ids, now);
  insertAbTests(tx, decisions, ids);
  // before the request rows: the profiles count the rows this import brings (reference-profiles.ts)
  importProfiles(tx, m, new Map([...decisions.inserts.keys()].map((k) => [k, ids.algorithms.get(k)!])), now);
  if (!requests) return emptyKind();
  insertRequests(tx, requests, ids, codec);
  return requests.planner.report();
}

/** The bundle's new endpoints; returns every endpoint's id by name. */
function insertEndpoints(tx: Db, m: Manifest, decisions: Decisions): Map<string, number> {
  const ids = new Map(tx.select({ id: endpoints.id, name: endpoints.name }).from(endpoints).all().map((e) => [e.name, e.id]));
  for (const e of m.endpoints) {
    if (!decisions.newEndpoints.includes(e.name)) continue;
    const row = tx.insert(endpoints).values({ name: e.name, description: e.description, owner: e.owner, createdAt: e.created_at }).returning({ id: endpoints.id }).get();
    ids.set(e.name, row.id);
  }
  return ids;
}

/** The new algorithms, with the signature proven against their model file (model-proof.ts). */
function insertAlgorithms(tx: Db, decisions: Decisions, signatures: ProvenSignatures, ids: LocalIds): void {
  for (const [key, { algorithm: a, version }] of decisions.inserts) {
    const row = tx
      .insert(algorithms)
      .values({
        endpointId: ids.endpoints.get(a.endpoint)!,
        name: a.name,
        version,
        description: a.description,
        owner: a.owner,
        code: a.code,
        artifactSha256: a.artifact_sha256,
        artifactBytes: a.artifact_bytes,
        signature: signatures.get(key) ?? a.signature,
        task: a.task,
        classes: a.classes ?? null,
        positiveClass: a.positive_class ?? null,
        threshold: a.threshold,
        featureNames: a.feature_names ?? null,
        outputKind: a.output_kind ?? null,
        handlesMissing: a.handles_missing ?? null,
        createdAt: a.created_at
      })
      .returning({ id: algorithms.id })
      .get();
    ids.algorithms.set(key, row.id);
  }
}

/** Algorithms the registry already has (identical, or renamed by an earlier import): A/B arms may name them. */
function findIdenticalAlgorithms(tx: Db, decisions: Decisions, ids: LocalIds): void {
  for (const [key, ref] of decisions.existing) {
    const row = tx
      .select({ id: algorithms.id })
      .from(algorithms)
      .where(and(eq(algorithms.endpointId, ids.endpoints.get(ref.endpoint)!), eq(algorithms.name, ref.name), eq(algorithms.version, ref.version)))
      .get();
    if (row) ids.algorithms.set(key, row.id);
  }
}

/**
 * The new algorithms' status history, in the bundle's order. Past rows are kept as history;
 * the current one goes through applyStatusChange, as a live change would. An active production
 * that would be a second one here is kept as history and followed by a staging row saying why.
 */
function replayStatusHistory(tx: Db, m: Manifest, decisions: Decisions, ids: LocalIds, now: string): void {
  for (const s of m.statuses) {
    const key = refKey(s.algorithm);
    const planned = decisions.inserts.get(key);
    if (!planned) continue;
    const change = {
      algorithmId: ids.algorithms.get(key)!,
      endpointId: ids.endpoints.get(s.algorithm.endpoint)!,
      status: s.status,
      createdBy: s.created_by,
      reason: s.reason,
      createdAt: s.created_at,
      // a bundle's running test brings its arms' ab_testing with it
      by: 'import' as const
    };
    if (!s.active || planned.demoteReason !== null) recordPastStatus(tx, change);
    if (!s.active) continue;
    if (planned.demoteReason === null) applyStatusChange(tx, change);
    else applyStatusChange(tx, { ...change, status: 'staging', createdBy: 'import', reason: planned.demoteReason, createdAt: now });
  }
}

function insertAbTests(tx: Db, decisions: Decisions, ids: LocalIds): void {
  const endpointNames = new Map([...ids.endpoints].map(([name, id]) => [id, name]));
  for (const t of tx.select({ id: abTests.id, endpointId: abTests.endpointId, title: abTests.title, createdAt: abTests.createdAt }).from(abTests).all()) {
    ids.tests.set(abTestKey(endpointNames.get(t.endpointId)!, t.title, t.createdAt), t.id);
  }
  for (const { test, state, endedAt, summary } of decisions.tests) {
    const row = tx
      .insert(abTests)
      .values({
        title: test.title,
        endpointId: ids.endpoints.get(test.endpoint)!,
        mode: test.mode,
        metric: test.metric,
        createdBy: test.created_by,
        createdAt: test.created_at,
        endedAt,
        summary,
        result: test.result ?? null,
        state
      })
      .returning({ id: abTests.id })
      .get();
    ids.tests.set(abTestKey(test.endpoint, test.title, test.created_at), row.id);
    for (const arm of test.arms) {
      tx.insert(abTestArms).values({ abTestId: row.id, position: arm.position, algorithmId: ids.algorithms.get(refKey(arm.algorithm))!, weight: arm.weight }).run();
    }
  }
}

/**
 * The request rows the planner admits (request-merge.ts): those of the algorithms this import
 * creates, and those of identical algorithms that are not here yet, each with its origin, in
 * batches of 500. The unique index on origin is the last guard: a row already here is never
 * written twice, even one the planner could not see (ON CONFLICT DO NOTHING).
 */
function insertRequests(tx: Db, { file, planner }: RequestSource, ids: LocalIds, codec: RowCodec): void {
  let batch: (typeof requests.$inferInsert)[] = [];
  const inBatch = new Set<string>();
  const flush = () => {
    if (batch.length) tx.insert(requests).values(batch).onConflictDoNothing().run();
    batch = [];
    inBatch.clear();
  };
  for (const line of readLinesSync(file)) {
    const r = JSON.parse(line) as RequestLine;
    const fate = planner.fate(r, inBatch);
    if (fate.outcome !== 'added' && fate.outcome !== 'renamed') continue;
    const key = refKey(r.algorithm);
    const origin = r.origin ? originText(r.origin) : null;
    if (origin) inBatch.add(origin);
    const algorithmId = ids.algorithms.get(key)!;
    const abTestId = r.ab_test ? (ids.tests.get(abTestKey(r.algorithm.endpoint, r.ab_test.title, r.ab_test.created_at)) ?? null) : null;
    // stored lean only where it decodes to the very text the bundle carries (row-codec.ts)
    const stored = codec.encodeTexts({ algorithmId, abTestId }, r.status, r.input, r.response);
    batch.push({
      endpointId: ids.endpoints.get(r.algorithm.endpoint)!,
      algorithmId,
      abTestId,
      shadow: r.shadow,
      input: stored.input,
      response: stored.response,
      label: r.label,
      status: r.status,
      latencyUs: r.latency_us,
      clientKey: r.client_key,
      clientRequestId: r.client_request_id ?? null,
      feedback: r.feedback,
      feedbackAt: r.feedback_at,
      createdAt: r.created_at,
      origin
    });
    if (batch.length >= 500) flush();
  }
  flush();
}

/** Lines of a file, read synchronously in 1 MiB chunks (the transaction cannot await). */
export function* readLinesSync(path: string): Generator<string> {
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.alloc(1024 * 1024);
    let rest = Buffer.alloc(0);
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      let data = Buffer.concat([rest, chunk.subarray(0, n)]);
      let newline: number;
      while ((newline = data.indexOf(0x0a)) !== -1) {
        const line = data.subarray(0, newline).toString('utf8');
        data = data.subarray(newline + 1);
        if (line) yield line;
      }
      rest = Buffer.from(data);
    }
    if (rest.length) yield rest.toString('utf8');
  } finally {
    closeSync(fd);
  }
}
