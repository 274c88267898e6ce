import { and, count, eq } from 'drizzle-orm';
import type { Db } from '../../../db/open.ts';
import { abTestArms, algorithmMetadata, algorithms, algorithmStatuses, metadataChanges, requests } from '../../../db/schema.ts';
import { conflict } from '../errors.ts';
import type { CoreEvents } from '../events.ts';
import type { WriteGate } from '../storage/write-gate.ts';
import type { ArtifactStore } from './artifact-store.ts';
import type { Algorithm } from './types.ts';

/**
 * Deletes an algorithm version that never served (a typo upload, issue 12 §5): the algorithm,
 * its status history and metadata, and its model file when no other version uses it. A version
 * that answered a request, or took part in an A/B test, is history: it can only be archived.
 * Announced as `registry.changed` (cause `deleted`); the model pool drops its session.
 */
export async function deleteAlgorithm(
  db: Db,
  writes: WriteGate,
  store: ArtifactStore,
  events: CoreEvents,
  algorithm: Algorithm
): Promise<{ artifactRemoved: boolean }> {
  const label = `algorithm "${algorithm.name}" version "${algorithm.version}"`;
  await writes.transaction(label, (tx) => {
    const served = tx.select({ n: count() }).from(requests).where(eq(requests.algorithmId, algorithm.id)).get()?.n ?? 0;
    if (served > 0) {
      throw conflict(`${label} has served ${served} request${served === 1 ? '' : 's'}, which the log keeps: archive it instead (a served version is never deleted)`);
    }
    const arm = tx.select({ test: abTestArms.abTestId }).from(abTestArms).where(eq(abTestArms.algorithmId, algorithm.id)).get();
    if (arm) throw conflict(`${label} is an arm of A/B test ${arm.test}, whose results name it: archive it instead`);
    const current = tx
      .select({ status: algorithmStatuses.status })
      .from(algorithmStatuses)
      .where(and(eq(algorithmStatuses.algorithmId, algorithm.id), eq(algorithmStatuses.active, true)))
      .get()?.status;
    if (current === 'production') {
      throw conflict(`${label} is the production algorithm of "${algorithm.endpointName}": promote another version, or move it out of production, before deleting it`);
    }
    tx.delete(metadataChanges).where(eq(metadataChanges.algorithmId, algorithm.id)).run();
    tx.delete(algorithmMetadata).where(eq(algorithmMetadata.algorithmId, algorithm.id)).run();
    tx.delete(algorithmStatuses).where(eq(algorithmStatuses.algorithmId, algorithm.id)).run();
    tx.delete(algorithms).where(eq(algorithms.id, algorithm.id)).run();
  });
  const shared = db.select({ id: algorithms.id }).from(algorithms).where(eq(algorithms.artifactSha256, algorithm.artifactSha256)).get();
  if (!shared) store.remove(algorithm.artifactSha256);
  events.emit('registry.changed', { cause: 'deleted', algorithm, artifactRemoved: !shared });
  return { artifactRemoved: !shared };
}
