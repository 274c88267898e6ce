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
  /** when it happened; now unless the change is replayed from elsewhere (a bundle's history) */
  createdAt?: string;
}

/** One appended status row, with the status it replaced (what `status.changed` announces). */
export interface StatusTransition {
  algorithmId: number;
  endpointId: number;
  /** the active status before; null for a new algorithm */
  from: AlgorithmStatusValue | null;
  to: AlgorithmStatusValue;
  /** the algorithm_statuses row written */
  statusId: number;
  createdBy: string;
  reason: string;
  createdAt: string;
}

/**
 * Appends a status to an algorithm's history. Must run inside the caller's transaction: the
 * previous active row is deactivated, and a new `production` first moves the endpoint's current
 * production (another algorithm) to `staging`, so the endpoint never has two, nor a gap.
 * Every change of an algorithm's current status goes through here: the API, A/B tests and
 * bundle imports alike. Returns the rows written, in order (the demotion first); the new status
 * is the last.
 */
export function applyStatusChange(tx: Db, change: StatusChange): StatusTransition[] {
  const createdAt = change.createdAt ?? nowIso();
  const written: StatusTransition[] = [];
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
      written.push(
        appendRow(tx, {
          algorithmId: current.algorithmId,
          endpointId: change.endpointId,
          status: 'staging',
          createdBy: change.createdBy,
          reason: `replaced in production by algorithm ${change.algorithmId}`
        }, createdAt)
      );
    }
  }
  written.push(appendRow(tx, change, createdAt));
  return written;
}

/**
 * Appends a row that was already superseded when it was written: a past status replayed from a
 * bundle's history. It changes no algorithm's current status, so nothing else moves.
 */
export function recordPastStatus(tx: Db, change: StatusChange & { createdAt: string }): void {
  tx.insert(algorithmStatuses).values(statusRow(change, change.createdAt, false)).run();
}

function appendRow(tx: Db, change: StatusChange, createdAt: string): StatusTransition {
  const previous = tx
    .update(algorithmStatuses)
    .set({ active: false })
    .where(and(eq(algorithmStatuses.algorithmId, change.algorithmId), eq(algorithmStatuses.active, true)))
    .returning({ status: algorithmStatuses.status })
    .get();
  const values = statusRow(change, createdAt, true);
  const row = tx.insert(algorithmStatuses).values(values).returning({ id: algorithmStatuses.id }).get();
  return {
    algorithmId: change.algorithmId,
    endpointId: change.endpointId,
    from: previous?.status ?? null,
    to: change.status,
    statusId: row.id,
    createdBy: change.createdBy,
    reason: values.reason ?? '',
    createdAt
  };
}

function statusRow(change: StatusChange, createdAt: string, active: boolean): typeof algorithmStatuses.$inferInsert {
  return {
    algorithmId: change.algorithmId,
    endpointId: change.endpointId,
    status: change.status,
    active,
    createdBy: change.createdBy,
    reason: change.reason ?? '',
    createdAt
  };
}
