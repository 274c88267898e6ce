/**
 * Sample size per arm for a two-sided, fixed-horizon comparison of two arms of equal size.
 * These numbers plan a test and tell the user how much more feedback is needed; the live
 * verdict itself uses the sequential test (sequential.ts), which pays for the freedom to peek
 * with somewhat more data than the fixed-horizon number in most cases.
 */
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

export interface PowerOptions {
  /** two-sided significance level, default 0.05 */
  alpha?: number;
  /** 1 − type II error, default 0.8 */
  power?: number;
}

export type SampleSizeSpec =
  | ({ kind: 'proportions'; baseline: number; difference: number } & PowerOptions)
  | ({ kind: 'means'; sd: number; difference: number } & PowerOptions);

function levels(options: PowerOptions): { alpha: number; power: number } {
  const alpha = options.alpha ?? 0.05;
  const power = options.power ?? 0.8;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be between 0 and 1, got ${alpha}`);
  if (!(power > 0 && power < 1)) throw new RangeError(`power must be between 0 and 1, got ${power}`);
  return { alpha, power };
}

/**
 * n per group to tell p1 from p2: the closed-form solution of R's power.prop.test power
 * equation (strict = FALSE, normal approximation, pooled variance under H0):
 *   n = (z_{1−α/2}·√(2·p̄·q̄) + z_{power}·√(p1·q1 + p2·q2))² / (p1 − p2)²,  p̄ = (p1 + p2)/2.
 * Returned unrounded, as R prints it.
 */
export function sampleSizeTwoProportions(p1: number, p2: number, options: PowerOptions = {}): number {
  const { alpha, power } = levels(options);
  for (const [name, p] of [
    ['p1', p1],
    ['p2', p2]
  ] as const) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`${name} must be a proportion in [0, 1], got ${p}`);
  }
  if (p1 === p2) throw new RangeError('p1 and p2 must differ: no sample size detects a zero difference');
  const pBar = (p1 + p2) / 2;
  const za = normalQuantile(1 - alpha / 2, 0, 1);
  const zb = normalQuantile(power, 0, 1);
  const root = za * Math.sqrt(2 * pBar * (1 - pBar)) + zb * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return (root * root) / ((p1 - p2) * (p1 - p2));
}

/**
 * n per group for a two-sample t-test of a difference in means with common standard
 * deviation sd. Solves n = 2·sd²·(t_{1−α/2,ν} + t_{power,ν})² / δ² with ν = 2(n − 1) by
 * fixed-point iteration from the normal-theory value (the "t approximation", e.g. Julious 2004,
 * Stat Med 23:1921). R's power.t.test uses the noncentral t exactly; this stays within about
 * 0.05 of it on R's examples and errs on the high side.
 */
export function sampleSizeTwoMeans(sd: number, difference: number, options: PowerOptions = {}): number {
  const { alpha, power } = levels(options);
  if (!(sd > 0 && Number.isFinite(sd))) throw new RangeError(`sd must be a positive number, got ${sd}`);
  if (!(difference !== 0 && Number.isFinite(difference))) {
    throw new RangeError(`difference must be a non-zero number, got ${difference}`);
  }
  const scale = (2 * sd * sd) / (difference * difference);
  let n = scale * (normalQuantile(1 - alpha / 2, 0, 1) + normalQuantile(power, 0, 1)) ** 2;
  for (let i = 0; i < 100; i++) {
    const nu = Math.max(1, 2 * (n - 1));
    const next = scale * (tQuantile(1 - alpha / 2, nu) + tQuantile(power, nu)) ** 2;
    if (Math.abs(next - n) < 1e-9) return next;
    n = next;
  }
  return n;
}

/**
 * Whole number of observations (feedback) needed in each arm. For proportions, the
 * alternative is baseline + difference, or baseline − difference when that would pass 1.
 */
export function requiredSampleSizePerArm(spec: SampleSizeSpec): number {
  if (spec.kind === 'means') return Math.ceil(sampleSizeTwoMeans(spec.sd, spec.difference, spec));
  const delta = Math.abs(spec.difference);
  if (!(spec.baseline >= 0 && spec.baseline <= 1)) {
    throw new RangeError(`baseline must be a proportion in [0, 1], got ${spec.baseline}`);
  }
  if (!(delta > 0 && delta < 1)) throw new RangeError(`difference must be within (0, 1), got ${spec.difference}`);
  const up = spec.baseline + delta;
  const other = up <= 1 ? up : spec.baseline - delta;
  if (other < 0) throw new RangeError(`a difference of ${delta} does not fit around baseline ${spec.baseline}`);
  return Math.ceil(sampleSizeTwoProportions(spec.baseline, other, spec));
}
