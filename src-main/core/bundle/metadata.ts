import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../db/open.ts';
import { algorithmMetadata, algorithms, endpointMetadata, endpoints, metadataChanges } from '../../../db/schema.ts';
import type { AlgorithmRef, Manifest, ManifestAlgorithm, ManifestEndpoint, ManifestMetadataChange } from './manifest-schema.ts';
import type { Decisions } from './plan.ts';
import { refKey } from './validate.ts';

/**
 * Metadata in bundles (issue 12 §5): notes, tags, metrics, input examples, the free-text
 * feedback setting and the edit history travel with the endpoints and algorithms they describe.
 * An import brings them for the endpoints and algorithms it adds; what is already here keeps its own.
 */

type EndpointExtras = Pick<ManifestEndpoint, 'notes' | 'tags' | 'free_text_feedback'>;
type AlgorithmExtras = Pick<ManifestAlgorithm, 'notes' | 'tags' | 'metrics' | 'input_example'>;

/** Read inside the snapshot's transaction: the extras by endpoint and algorithm id, and the history. */
export function readMetadata(tx: Db, endpointIds: number[], refOf: Map<number, AlgorithmRef>, endpointName: Map<number, string>) {
  const endpointsMeta = new Map<number, EndpointExtras>();
  const algorithmsMeta = new Map<number, AlgorithmExtras>();
  if (endpointIds.length === 0) return { endpointsMeta, algorithmsMeta, changes: [] as ManifestMetadataChange[] };
  for (const e of tx.select().from(endpointMetadata).where(inArray(endpointMetadata.endpointId, endpointIds)).all()) {
    endpointsMeta.set(e.endpointId, { notes: e.notes, tags: e.tags, free_text_feedback: e.freeTextFeedback });
  }
  const algorithmIds = [...refOf.keys()];
  if (algorithmIds.length) {
    for (const a of tx.select().from(algorithmMetadata).where(inArray(algorithmMetadata.algorithmId, algorithmIds)).all()) {
      algorithmsMeta.set(a.algorithmId, { notes: a.notes, tags: a.tags, metrics: a.metrics, input_example: a.inputExample ?? null });
    }
  }
  const changes = tx
    .select()
    .from(metadataChanges)
    .where(inArray(metadataChanges.endpointId, endpointIds))
    .orderBy(asc(metadataChanges.id))
    .all()
    .filter((c) => c.algorithmId === null || refOf.has(c.algorithmId))
    .map((c): ManifestMetadataChange => ({
      endpoint: endpointName.get(c.endpointId)!,
      algorithm: c.algorithmId === null ? null : refOf.get(c.algorithmId)!,
      changes: c.changes,
      created_by: c.createdBy,
      reason: c.reason,
      created_at: c.createdAt
    }));
  return { endpointsMeta, algorithmsMeta, changes };
}

/** Inside the import's transaction, after its rows: the metadata of what it added, and their history. */
export function insertMetadata(tx: Db, m: Manifest, decisions: Decisions): void {
  const endpointId = (name: string) => tx.select({ id: endpoints.id }).from(endpoints).where(eq(endpoints.name, name)).get()?.id;
  const algorithmId = (endpoint: string, name: string, version: string) =>
    tx
      .select({ id: algorithms.id })
      .from(algorithms)
      .innerJoin(endpoints, eq(endpoints.id, algorithms.endpointId))
      .where(and(eq(endpoints.name, endpoint), eq(algorithms.name, name), eq(algorithms.version, version)))
      .get()?.id;

  for (const e of m.endpoints) {
    if (!decisions.newEndpoints.includes(e.name)) continue;
    const id = endpointId(e.name);
    if (id !== undefined && (e.notes || e.tags?.length || e.free_text_feedback)) {
      tx.insert(endpointMetadata).values({ endpointId: id, notes: e.notes ?? '', tags: e.tags ?? [], freeTextFeedback: e.free_text_feedback ?? false }).run();
    }
  }
  const localIds = new Map<string, { id: number; endpointId: number }>();
  for (const [key, { algorithm: a, version }] of decisions.inserts) {
    const id = algorithmId(a.endpoint, a.name, version);
    const endpoint = endpointId(a.endpoint);
    if (id === undefined || endpoint === undefined) continue;
    localIds.set(key, { id, endpointId: endpoint });
    if (a.notes || a.tags?.length || (a.metrics && Object.keys(a.metrics).length) || (a.input_example ?? null) !== null) {
      tx.insert(algorithmMetadata)
        .values({ algorithmId: id, notes: a.notes ?? '', tags: a.tags ?? [], metrics: a.metrics ?? {}, inputExample: a.input_example ?? null })
        .run();
    }
  }
  for (const c of m.metadata_changes ?? []) {
    const target = c.algorithm ? localIds.get(refKey(c.algorithm)) : decisions.newEndpoints.includes(c.endpoint) ? { id: null, endpointId: endpointId(c.endpoint) } : undefined;
    if (!target || target.endpointId === undefined) continue;
    tx.insert(metadataChanges)
      .values({ endpointId: target.endpointId, algorithmId: target.id, changes: c.changes as Record<string, { before: unknown; after: unknown }>, createdBy: c.created_by, reason: c.reason, createdAt: c.created_at })
      .run();
  }
}
