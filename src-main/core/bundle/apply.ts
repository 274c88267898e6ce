import { and, eq } from 'drizzle-orm';
import { closeSync, openSync, readSync } from 'node:fs';
import type { Db } from '../../../db/open.ts';
import { abTestArms, abTests, algorithms, algorithmStatuses, endpoints, requests } from '../../../db/schema.ts';
import type { Manifest, RequestLine } from './manifest-schema.ts';
import type { Decisions, TargetState } from './plan.ts';
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
    .select({ algorithmId: algorithmStatuses.algorithmId })
    .from(algorithmStatuses)
    .where(and(eq(algorithmStatuses.active, true), eq(algorithmStatuses.status, 'production')))
    .all();
  for (const { algorithmId } of active) {
    const a = byId.get(algorithmId);
    if (a) production.set(names.get(a.endpointId)!, { name: a.name, version: a.version });
  }
  return {
    endpoints: [...names.values()],
    algorithms: rows.map((r) => ({ endpoint: names.get(r.endpointId)!, name: r.name, version: r.version, sha256: r.sha256 })),
    production,
    abTests: db
      .select({ endpointId: abTests.endpointId, title: abTests.title, created_at: abTests.createdAt, state: abTests.state })
      .from(abTests)
      .all()
      .map((t) => ({ endpoint: names.get(t.endpointId)!, title: t.title, created_at: t.created_at, state: t.state }))
  };
}

const json = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));

/**
 * Writes the plan's decisions. Runs inside the caller's transaction: any throw rolls back all
 * of it. Rows keep the bundle's timestamps and authors; only ids are new. Returns how many
 * requests were inserted.
 */
export function applyDecisions(tx: Db, m: Manifest, decisions: Decisions, requestsFile: string | null, now: string): number {
  const endpointIds = new Map(tx.select({ id: endpoints.id, name: endpoints.name }).from(endpoints).all().map((e) => [e.name, e.id]));
  for (const e of m.endpoints) {
    if (!decisions.newEndpoints.includes(e.name)) continue;
    const row = tx.insert(endpoints).values({ name: e.name, description: e.description, owner: e.owner, createdAt: e.created_at }).returning({ id: endpoints.id }).get();
    endpointIds.set(e.name, row.id);
  }

  const algorithmIds = new Map<string, number>();
  for (const [key, { algorithm: a, version }] of decisions.inserts) {
    const row = tx
      .insert(algorithms)
      .values({
        endpointId: endpointIds.get(a.endpoint)!,
        name: a.name,
        version,
        description: a.description,
        owner: a.owner,
        code: a.code,
        artifactSha256: a.artifact_sha256,
        artifactBytes: a.artifact_bytes,
        signature: JSON.stringify(a.signature),
        task: a.task,
        classes: json(a.classes),
        positiveClass: json(a.positive_class),
        threshold: a.threshold,
        featureNames: json(a.feature_names),
        createdAt: a.created_at
      })
      .returning({ id: algorithms.id })
      .get();
    algorithmIds.set(key, row.id);
  }
  for (const [key, ref] of decisions.existing) {
    const row = tx
      .select({ id: algorithms.id })
      .from(algorithms)
      .where(and(eq(algorithms.endpointId, endpointIds.get(ref.endpoint)!), eq(algorithms.name, ref.name), eq(algorithms.version, ref.version)))
      .get();
    if (row) algorithmIds.set(key, row.id);
  }

  // Status history in the bundle's order; an active production that would be a second one
  // here is kept as history (inactive) and followed by an active staging row saying why.
  for (const s of m.statuses) {
    const key = refKey(s.algorithm);
    const planned = decisions.inserts.get(key);
    if (!planned) continue;
    const demoted = s.active && planned.demoteReason !== null;
    tx.insert(algorithmStatuses)
      .values({
        algorithmId: algorithmIds.get(key)!,
        endpointId: endpointIds.get(s.algorithm.endpoint)!,
        status: s.status,
        active: s.active && !demoted,
        createdBy: s.created_by,
        reason: s.reason,
        createdAt: s.created_at
      })
      .run();
    if (demoted) {
      tx.insert(algorithmStatuses)
        .values({
          algorithmId: algorithmIds.get(key)!,
          endpointId: endpointIds.get(s.algorithm.endpoint)!,
          status: 'staging',
          active: true,
          createdBy: 'import',
          reason: planned.demoteReason!,
          createdAt: now
        })
        .run();
    }
  }

  const endpointNames = new Map([...endpointIds].map(([name, id]) => [id, name]));
  const testIds = new Map<string, number>();
  for (const t of tx.select({ id: abTests.id, endpointId: abTests.endpointId, title: abTests.title, createdAt: abTests.createdAt }).from(abTests).all()) {
    testIds.set(abTestKey(endpointNames.get(t.endpointId)!, t.title, t.createdAt), t.id);
  }
  for (const { test, state, endedAt, summary } of decisions.tests) {
    const row = tx
      .insert(abTests)
      .values({
        title: test.title,
        endpointId: endpointIds.get(test.endpoint)!,
        mode: test.mode,
        metric: test.metric,
        createdBy: test.created_by,
        createdAt: test.created_at,
        endedAt,
        summary,
        result: json(test.result),
        state
      })
      .returning({ id: abTests.id })
      .get();
    testIds.set(abTestKey(test.endpoint, test.title, test.created_at), row.id);
    for (const arm of test.arms) {
      tx.insert(abTestArms).values({ abTestId: row.id, position: arm.position, algorithmId: algorithmIds.get(refKey(arm.algorithm))!, weight: arm.weight }).run();
    }
  }

  if (!requestsFile) return 0;
  let inserted = 0;
  let batch: (typeof requests.$inferInsert)[] = [];
  const flush = () => {
    if (batch.length) tx.insert(requests).values(batch).run();
    inserted += batch.length;
    batch = [];
  };
  for (const line of readLinesSync(requestsFile)) {
    const r = JSON.parse(line) as RequestLine;
    const key = refKey(r.algorithm);
    // requests follow their algorithm: only those of algorithms this import creates, so a
    // second import of the same bundle cannot duplicate the log
    if (!decisions.inserts.has(key)) continue;
    batch.push({
      endpointId: endpointIds.get(r.algorithm.endpoint)!,
      algorithmId: algorithmIds.get(key)!,
      abTestId: r.ab_test ? (testIds.get(abTestKey(r.algorithm.endpoint, r.ab_test.title, r.ab_test.created_at)) ?? null) : null,
      shadow: r.shadow,
      input: r.input,
      response: r.response,
      label: r.label,
      status: r.status,
      latencyUs: r.latency_us,
      clientKey: r.client_key,
      feedback: r.feedback,
      feedbackAt: r.feedback_at,
      createdAt: r.created_at
    });
    if (batch.length >= 500) flush();
  }
  flush();
  return inserted;
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
