import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../db/open.ts';
import { algorithmStatuses } from '../../../db/schema.ts';
import type { AlgorithmStatusValue } from '../../contract/enums.ts';
import { nowIso } from '../clock.ts';

export interface StatusChange {
  algorithmId: number;
  endpointId: number;
  status: AlgorithmStatusValue;
  createdBy: string;
  reason?: string;
}

/**
 * Appends a status to an algorithm's history. Must run inside the caller's transaction: the
 * previous active row is deactivated, and a new `production` first moves the endpoint's current
 * production (another algorithm) to `staging`, so the endpoint never has two, nor a gap.
 * Returns the id of the new status row.
 */
export function applyStatusChange(tx: Db, change: StatusChange): number {
  const createdAt = nowIso();
  if (change.status === 'production') {
    const current = tx
      .select({ algorithmId: algorithmStatuses.algorithmId })
      .from(algorithmStatuses)
      .where(
        and(
          eq(algorithmStatuses.endpointId, change.endpointId),
          eq(algorithmStatuses.status, 'production'),
          eq(algorithmStatuses.active, true)
        )
      )
      .get();
    if (current && current.algorithmId !== change.algorithmId) {
      appendRow(tx, {
        algorithmId: current.algorithmId,
        endpointId: change.endpointId,
        status: 'staging',
        createdBy: change.createdBy,
        reason: `replaced in production by algorithm ${change.algorithmId}`
      }, createdAt);
    }
  }
  return appendRow(tx, change, createdAt);
}

function appendRow(tx: Db, change: StatusChange, createdAt: string): number {
  tx.update(algorithmStatuses)
    .set({ active: false })
    .where(and(eq(algorithmStatuses.algorithmId, change.algorithmId), eq(algorithmStatuses.active, true)))
    .run();
  const row = tx
    .insert(algorithmStatuses)
    .values({
      algorithmId: change.algorithmId,
      endpointId: change.endpointId,
      status: change.status,
      active: true,
      createdBy: change.createdBy,
      reason: change.reason ?? '',
      createdAt
    })
    .returning({ id: algorithmStatuses.id })
    .get();
  return row.id;
}
