/**
 * Arm assignment for A/B tests (pure, no I/O):
 * - pickArm: random by weight, with the random source passed in (Math.random in production,
 *   a seeded generator in tests).
 * - stickyArm: deterministic when the client sends a key. sha256(`${testId}:${key}`) → a
 *   number in [0, 1) → the same weighted choice, so a user always sees the same arm of a test,
 *   and the test id in the hash keeps one user's arms independent across tests.
 */
import { createHash } from 'node:crypto';
import { invalidInput } from '../errors.ts';

export interface WeightedArm {
  weight: number;
  /** used in error messages when present */
  name?: string;
}

/** 2^48: the first 6 bytes of the digest give a uniform integer below it. */
const TWO_POW_48 = 2 ** 48;

function describe(arm: WeightedArm, index: number): string {
  return arm.name ? `arm ${index + 1} (${arm.name})` : `arm ${index + 1}`;
}

/** Throws invalid_input naming the first arm whose weight is not a positive finite number. */
export function validateWeights(arms: readonly WeightedArm[]): void {
  if (arms.length === 0) throw invalidInput('An A/B test needs at least one arm', 'arms');
  arms.forEach((arm, i) => {
    const w: unknown = arm.weight;
    if (typeof w !== 'number' || !Number.isFinite(w) || w <= 0) {
      throw invalidInput(
        `The weight of ${describe(arm, i)} must be a positive finite number, got ${String(w)}`,
        `arms[${i}].weight`
      );
    }
  });
}

/** Index of the arm that u ∈ [0, 1) falls in when [0, 1) is cut in proportion to the weights. */
function armAt(arms: readonly WeightedArm[], u: number): number {
  const total = arms.reduce((sum, a) => sum + a.weight, 0);
  const target = u * total;
  let cumulative = 0;
  for (let i = 0; i < arms.length; i++) {
    cumulative += arms[i]?.weight ?? 0;
    if (target < cumulative) return i;
  }
  return arms.length - 1; // u·total rounded up to total
}

/** Weighted random arm: P(arm i) = weight_i / Σ weights. `random` must return [0, 1). */
export function pickArm(arms: readonly WeightedArm[], random: () => number): number {
  validateWeights(arms);
  const u = random();
  if (!(u >= 0 && u < 1)) throw new RangeError(`random() must return a number in [0, 1), got ${u}`);
  return armAt(arms, u);
}

/** The hash of (test id, client key) as a uniform number in [0, 1). */
export function stickyUnit(clientKey: string, testId: number): number {
  const digest = createHash('sha256').update(`${testId}:${clientKey}`, 'utf8').digest();
  return digest.readUIntBE(0, 6) / TWO_POW_48;
}

/** Deterministic arm for a client key in a test: same key and test, same arm, every time. */
export function stickyArm(arms: readonly WeightedArm[], clientKey: string, testId: number): number {
  validateWeights(arms);
  return armAt(arms, stickyUnit(clientKey, testId));
}
