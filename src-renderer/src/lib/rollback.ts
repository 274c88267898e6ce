import type { Algorithm, AlgorithmStatus } from '../api/types.ts';

export interface RollbackPlan {
  /** today's production (null when the endpoint has none) */
  current: Algorithm | null;
  /** the algorithm that was in production before it */
  target: Algorithm;
  /** when the target last entered production */
  since: string;
}

/**
 * Rollback = re-promote the last other algorithm of the endpoint whose history had production
 * before the current production began. Statuses are append-only, so ids order them in time.
 */
export function planRollback(endpointId: number, algorithms: Algorithm[], statuses: AlgorithmStatus[]): RollbackPlan | null {
  const ofEndpoint = new Map(algorithms.filter((a) => a.parent_endpoint === endpointId).map((a) => [a.id, a]));
  const productions = statuses
    .filter((s) => s.status === 'production' && ofEndpoint.has(s.parent_mlalgorithm))
    .sort((a, b) => a.id - b.id);
  const currentRow = productions.filter((s) => s.active).at(-1);
  const current = currentRow ? (ofEndpoint.get(currentRow.parent_mlalgorithm) ?? null) : null;
  const before = productions.filter(
    (s) => (currentRow ? s.id < currentRow.id : true) && s.parent_mlalgorithm !== current?.id
  );
  const previous = before.at(-1);
  const target = previous ? ofEndpoint.get(previous.parent_mlalgorithm) : undefined;
  if (!previous || !target) return null;
  return { current, target, since: previous.created_at };
}
