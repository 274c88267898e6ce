/**
 * What each endpoint serves and how its traffic is split: the production version, and while
 * an A/B test runs, its arms with their weights as whole percentages (what KServe's
 * canaryTrafficPercent and Seldon's candidate weights hold).
 */
import type { AbMode, AbTest } from '../../experiments/types.ts';
import type { Algorithm } from '../../registry/types.ts';

export interface TrafficArm {
  algorithm: Algorithm;
  /** the test's own weight */
  weight: number;
  /** share of traffic in whole percent; the arms add up to 100 */
  percent: number;
}

export interface EndpointTraffic {
  endpointName: string;
  /** answers by default: production, or during a test the arm that was production before it (else the first arm) */
  primary: Algorithm | null;
  test: { id: number; title: string; mode: AbMode; arms: TrafficArm[] } | null;
}

/**
 * Weights as whole percentages that add up to 100 (largest remainder), so every arm's percent
 * is its exact share rounded down or up, never further off.
 */
export function percentages(weights: number[]): number[] {
  const total = weights.reduce((a, w) => a + w, 0);
  if (!(total > 0)) return weights.map(() => 0);
  const exact = weights.map((w) => (100 * w) / total);
  const result = exact.map(Math.floor);
  let left = 100 - result.reduce((a, p) => a + p, 0);
  const byRemainder = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of byRemainder) {
    if (left-- <= 0) break;
    result[i]! += 1;
  }
  return result;
}

export function endpointTraffic(endpointName: string, algorithms: Algorithm[], running: AbTest | null): EndpointTraffic {
  const byId = new Map(algorithms.map((a) => [a.id, a]));
  const production = algorithms.find((a) => a.currentStatus === 'production') ?? null;
  if (!running) return { endpointName, primary: production, test: null };
  const present = running.arms.filter((arm) => byId.has(arm.algorithmId));
  const percents = percentages(present.map((arm) => arm.weight));
  const arms = present.map((arm, i) => ({ algorithm: byId.get(arm.algorithmId)!, weight: arm.weight, percent: percents[i]! }));
  // Arms are in ab_testing while the test runs; the one that was production answers by default
  // (shadow tests already put it first).
  const primaryArm = arms.find((_, i) => present[i]!.previousStatus === 'production') ?? arms[0];
  return {
    endpointName,
    primary: primaryArm?.algorithm ?? production,
    test: { id: running.id, title: running.title, mode: running.mode, arms }
  };
}

/** The arms other than the primary one, in the test's order. */
export function challengers(traffic: EndpointTraffic): TrafficArm[] {
  return traffic.test?.arms.filter((arm) => arm.algorithm.id !== traffic.primary?.id) ?? [];
}
