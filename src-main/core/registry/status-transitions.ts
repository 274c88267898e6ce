import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../db/open.ts';
import { abTestArms, abTests, algorithmStatuses, endpoints } from '../../../db/schema.ts';
import type { AlgorithmStatusValue } from '../../contract/enums.ts';
import { nowIso } from '../clock.ts';
import { conflict, invalidInput } from '../errors.ts';

/**
 * Who asks for a status change. Only the A/B engine sets `ab_testing` and moves the arms of a
 * running test; an import replays a bundle's statuses (its running tests included).
 */
export type StatusActor = 'user' | 'experiment' | 'import';

export interface StatusChange {
  algorithmId: number;
  endpointId: number;
  status: AlgorithmStatusValue;
  createdBy: string;
  reason?: string;
  /** when it happened; now unless the change is replayed from elsewhere (a bundle's history) */
  createdAt?: string;
  /** default `user`: the rules below apply to people and scripts, not to the engines that keep them */
  by?: StatusActor;
  /** the user asked for the endpoint to stop serving: production may go without a successor */
  stopServing?: boolean;
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
  if ((change.by ?? 'user') === 'user') checkUserChange(tx, change);
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
 * The rules a person's (or a script's) status change must keep, checked inside the transaction
 * that writes it (issue 20, items 1, 3, 4), so every path that writes statuses keeps them:
 * - `ab_testing` is set only by starting an A/B test;
 * - an arm of a running A/B test keeps its status until the test stops (else the test would go
 *   on routing traffic by weights to an algorithm the user took out);
 * - the production algorithm may leave production only if another version takes its place in
 *   the same transaction, or the user said the endpoint is to stop serving (clients then get 400).
 */
function checkUserChange(tx: Db, change: StatusChange): void {
  if (change.status === 'ab_testing') throw abTestingByHand();
  const test = tx
    .select({ id: abTests.id, title: abTests.title })
    .from(abTestArms)
    .innerJoin(abTests, eq(abTests.id, abTestArms.abTestId))
    .where(and(eq(abTestArms.algorithmId, change.algorithmId), eq(abTests.state, 'running')))
    .get();
  if (test) {
    throw conflict(
      `algorithm ${change.algorithmId} is an arm of the running A/B test ${test.id} ("${test.title}") on endpoint "${endpointName(tx, change.endpointId)}": ` +
        `stop the test first (POST /api/v1/stop_ab_test/${test.id}), then change its status`,
      'parent_mlalgorithm'
    );
  }
  if (change.status === 'production' || change.stopServing) return;
  const current = tx
    .select({ status: algorithmStatuses.status })
    .from(algorithmStatuses)
    .where(and(eq(algorithmStatuses.algorithmId, change.algorithmId), eq(algorithmStatuses.active, true)))
    .get();
  if (current?.status === 'production') {
    const name = endpointName(tx, change.endpointId);
    throw conflict(
      `algorithm ${change.algorithmId} is the production algorithm of endpoint "${name}": making it ${change.status} would leave "${name}" ` +
        `without production, and every client of it would get 400. Promote another version in the same request ("promote_mlalgorithm": <id>), ` +
        `or say that the endpoint is to stop serving ("stop_serving": true with a "reason")`,
      'status'
    );
  }
}

/** Only the A/B engine sets `ab_testing` (issue 20, item 4). */
export const abTestingByHand = () =>
  invalidInput('status "ab_testing" is set by starting an A/B test (POST /api/v1/abtests), not by hand', 'status');

function endpointName(tx: Db, endpointId: number): string {
  return tx.select({ name: endpoints.name }).from(endpoints).where(eq(endpoints.id, endpointId)).get()?.name ?? String(endpointId);
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
