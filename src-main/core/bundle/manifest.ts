import { and, asc, eq, gt, inArray, lte, max } from 'drizzle-orm';
import type { Db } from '../../../db/open.ts';
import { abTestArms, abTests, algorithms, algorithmStatuses, auditLog, endpoints, requests } from '../../../db/schema.ts';
import packageJson from '../../../package.json' with { type: 'json' };
import { notFound } from '../errors.ts';
import { readMetadata } from './metadata.ts';
import { originOf } from './request-merge.ts';
import type { ModelSignature } from '../inference/index.ts';
import type { RowCodec } from '../requests/row-codec.ts';
import {
  bundleFormatVersion,
  type AlgorithmRef,
  type Manifest,
  type ManifestAbTest,
  type RequestLine
} from './manifest-schema.ts';
import { exportProfiles } from './reference-profiles.ts';

export const appVersion: string = packageJson.version;

/** The manifest without its request section, plus what the exporter needs to stream the rest. */
export interface Snapshot {
  manifest: Omit<Manifest, 'requests'>;
  /** endpoint ids exported, and the last request id at snapshot time (later rows are not exported) */
  endpointIds: number[];
  lastRequestId: number;
}

/**
 * Reads everything a bundle describes in one read transaction, so endpoints, algorithms,
 * statuses and tests agree with each other. `only` restricts the export to named endpoints.
 */
export function buildSnapshot(db: Db, only: string[] | undefined, createdAt: string, registryId: string): Snapshot {
  return db.transaction((tx) => {
    const allEndpoints = tx.select().from(endpoints).orderBy(asc(endpoints.id)).all();
    const chosen = only?.length ? selectEndpoints(allEndpoints, only) : allEndpoints;
    const endpointIds = chosen.map((e) => e.id);
    const endpointName = new Map(chosen.map((e) => [e.id, e.name]));

    const algorithmRows = endpointIds.length
      ? tx.select().from(algorithms).where(inArray(algorithms.endpointId, endpointIds)).orderBy(asc(algorithms.id)).all()
      : [];
    const refOf = new Map<number, AlgorithmRef>(
      algorithmRows.map((a) => [a.id, { endpoint: endpointName.get(a.endpointId)!, name: a.name, version: a.version }])
    );

    const statusRows = endpointIds.length
      ? tx.select().from(algorithmStatuses).where(inArray(algorithmStatuses.endpointId, endpointIds)).orderBy(asc(algorithmStatuses.id)).all()
      : [];
    const testRows = endpointIds.length
      ? tx.select().from(abTests).where(inArray(abTests.endpointId, endpointIds)).orderBy(asc(abTests.id)).all()
      : [];
    const armRows = testRows.length
      ? tx.select().from(abTestArms).where(inArray(abTestArms.abTestId, testRows.map((t) => t.id))).orderBy(asc(abTestArms.abTestId), asc(abTestArms.position)).all()
      : [];
    const lastRequestId = tx.select({ id: max(requests.id) }).from(requests).get()?.id ?? 0;
    const metadata = readMetadata(tx, endpointIds, refOf, endpointName);
    const auditRows = tx
      .select()
      .from(auditLog)
      .where(only?.length ? inArray(auditLog.endpoint, chosen.map((e) => e.name)) : undefined)
      .orderBy(asc(auditLog.id))
      .all();

    const abTestsOut: ManifestAbTest[] = testRows.map((t) => ({
      endpoint: endpointName.get(t.endpointId)!,
      title: t.title,
      mode: t.mode,
      metric: t.metric,
      created_by: t.createdBy,
      created_at: t.createdAt,
      ended_at: t.endedAt,
      state: t.state,
      summary: t.summary,
      result: t.result,
      arms: armRows
        .filter((arm) => arm.abTestId === t.id)
        .map((arm) => ({ position: arm.position, algorithm: refOf.get(arm.algorithmId)!, weight: arm.weight }))
    }));

    return {
      endpointIds,
      lastRequestId,
      manifest: {
        format_version: bundleFormatVersion,
        app_version: appVersion,
        registry_id: registryId,
        created_at: createdAt,
        endpoints: chosen.map((e) => ({ name: e.name, description: e.description, owner: e.owner, created_at: e.createdAt, ...metadata.endpointsMeta.get(e.id) })),
        algorithms: algorithmRows.map((a) => ({
          ...refOf.get(a.id)!,
          description: a.description,
          owner: a.owner,
          code: a.code,
          artifact_sha256: a.artifactSha256,
          artifact_bytes: a.artifactBytes,
          signature: a.signature as ModelSignature,
          task: a.task,
          classes: a.classes,
          positive_class: a.positiveClass,
          threshold: a.threshold,
          feature_names: a.featureNames,
          created_at: a.createdAt,
          output_kind: a.outputKind,
          handles_missing: a.handlesMissing,
          ...metadata.algorithmsMeta.get(a.id)
        })),
        statuses: statusRows.map((s) => ({
          algorithm: refOf.get(s.algorithmId)!,
          status: s.status,
          active: s.active,
          created_by: s.createdBy,
          reason: s.reason,
          created_at: s.createdAt
        })),
        ab_tests: abTestsOut,
        metadata_changes: metadata.changes,
        audit: auditRows.map((r) => ({
          created_at: r.createdAt,
          actor: r.actor,
          client_address: r.clientAddress,
          action: r.action,
          endpoint: r.endpoint,
          summary: r.summary
        })),
        reference_profiles: exportProfiles(tx, refOf)
      }
    };
  });
}

/** The named endpoints, in registry order; a name that is not there is a 404 naming `endpoint`. */
export function selectEndpoints<T extends { name: string }>(all: T[], names: string[]): T[] {
  const byName = new Map(all.map((e) => [e.name, e]));
  const missing = names.filter((n) => !byName.has(n));
  if (missing.length) throw notFound(`endpoint ${missing.map((n) => `"${n}"`).join(', ')} not found`, 'endpoint');
  return all.filter((e) => names.includes(e.name));
}

/**
 * The request log of the snapshot's endpoints as JSON lines, read page by page (keyset on
 * id) so memory stays bounded and no statement stays open between pages: the request
 * writer shares the connection and must be able to commit while an export streams.
 */
export function* requestLines(db: Db, codec: RowCodec, snapshot: Snapshot, pageSize = 1000): Generator<string> {
  const registryId = snapshot.manifest.registry_id!;
  if (snapshot.endpointIds.length === 0) return;
  const refOf = new Map<number, AlgorithmRef>();
  const endpointName = new Map<number, string>();
  const rows = db.select({ id: algorithms.id, endpointId: algorithms.endpointId, name: algorithms.name, version: algorithms.version, endpoint: endpoints.name })
    .from(algorithms)
    .innerJoin(endpoints, eq(endpoints.id, algorithms.endpointId))
    .where(inArray(algorithms.endpointId, snapshot.endpointIds))
    .all();
  for (const r of rows) {
    refOf.set(r.id, { endpoint: r.endpoint, name: r.name, version: r.version });
    endpointName.set(r.endpointId, r.endpoint);
  }
  const tests = new Map(
    db.select({ id: abTests.id, title: abTests.title, createdAt: abTests.createdAt }).from(abTests).all()
      .map((t) => [t.id, { title: t.title, created_at: t.createdAt }])
  );
  let after = 0;
  for (;;) {
    const page = db
      .select()
      .from(requests)
      .where(and(inArray(requests.endpointId, snapshot.endpointIds), gt(requests.id, after), lte(requests.id, snapshot.lastRequestId)))
      .orderBy(asc(requests.id))
      .limit(pageSize)
      .all();
    for (const r of page) {
      const algorithm = refOf.get(r.algorithmId);
      // rows of algorithms created after the snapshot cannot be referenced by the manifest
      if (!algorithm) continue;
      const logged = codec.decode(r);
      const line: RequestLine = {
        algorithm,
        ab_test: r.abTestId === null ? null : (tests.get(r.abTestId) ?? null),
        shadow: r.shadow,
        input: logged.input,
        response: logged.response,
        label: r.label,
        status: r.status,
        latency_us: r.latencyUs,
        client_key: r.clientKey,
        client_request_id: r.clientRequestId,
        feedback: r.feedback,
        feedback_at: r.feedbackAt,
        created_at: r.createdAt,
        origin: originOf(r, registryId)
      };
      yield `${JSON.stringify(line)}\n`;
    }
    const last = page.at(-1);
    if (!last || page.length < pageSize) return;
    after = last.id;
  }
}
