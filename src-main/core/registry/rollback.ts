import type { Compatibility } from '../../contract/input-contract.ts';
import { conflict } from '../errors.ts';
import type { Registry } from './registry.ts';
import type { Algorithm, AlgorithmStatus } from './types.ts';

export interface RollbackPlan {
  /** today's production (null when the endpoint has none) */
  current: Algorithm | null;
  /** the algorithm that was in production before it; null when there is none */
  target: Algorithm | null;
  /** when the target last entered production */
  since: string | null;
  /** what rolling back does, in plain words */
  description: string;
  /** the target against the endpoint's input contract (null when there is no target) */
  compatibility: Compatibility | null;
}

const label = (a: Algorithm) => `${a.name} v${a.version}`;

/**
 * Rollback = re-promote the last other algorithm of the endpoint whose history had production
 * before the current production began. Statuses are append-only, so ids order them in time.
 */
export function planRollback(registry: Registry, endpointId: number): RollbackPlan {
  const endpoint = registry.getEndpoint(endpointId);
  const own = new Map(registry.listAlgorithms({ endpointId }).map((a) => [a.id, a]));
  const productions = registry.listStatuses({ endpointId }).filter((s) => s.status === 'production' && own.has(s.algorithmId));
  const currentRow = productions.filter((s) => s.active).at(-1);
  const current = currentRow ? (own.get(currentRow.algorithmId) ?? null) : null;
  const previous: AlgorithmStatus | undefined = productions
    .filter((s) => (currentRow ? s.id < currentRow.id : true) && s.algorithmId !== current?.id)
    .at(-1);
  const target = previous ? (own.get(previous.algorithmId) ?? null) : null;
  if (!previous || !target) {
    return { current, target: null, since: null, description: `"${endpoint.name}" has no earlier production algorithm to go back to.`, compatibility: null };
  }
  const description = current
    ? `${label(target)} goes back to production (it entered production on ${previous.createdAt}); ${label(current)} moves to staging.`
    : `${label(target)} goes back to production (it entered production on ${previous.createdAt}).`;
  return { current, target, since: previous.createdAt, description, compatibility: registry.contracts.check(endpoint, target) };
}

/**
 * Rolls back as planned, through the ordinary status change, so the contract check and the status
 * rules apply (status-transitions.ts: an arm of a running A/B test is refused). With a production
 * today it is the same change as `promote_mlalgorithm`: today's production moves to staging and
 * the target is promoted in one transaction.
 */
export async function rollback(
  registry: Registry,
  endpointId: number,
  request: { createdBy: string; reason: string; allowBreakingChange?: boolean }
): Promise<{ plan: RollbackPlan; status: AlgorithmStatus }> {
  const plan = planRollback(registry, endpointId);
  if (!plan.target) throw conflict(plan.description);
  const consent = request.allowBreakingChange === undefined ? {} : { allowBreakingChange: request.allowBreakingChange };
  const common = { createdBy: request.createdBy, reason: request.reason, ...consent };
  const status = plan.current
    ? await registry.setStatus({ ...common, algorithmId: plan.current.id, status: 'staging', promoteAlgorithmId: plan.target.id })
    : await registry.setStatus({ ...common, algorithmId: plan.target.id, status: 'production' });
  return { plan, status };
}
