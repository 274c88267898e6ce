/**
 * Paired comparisons: two models scored on the same records (a replay of logged traffic against
 * a candidate). Pure functions; too little data gives `null`, never NaN or a division by zero.
 *
 * - Accuracy: McNemar's test on the discordant pairs (R's mcnemar.test, with its continuity
 *   correction), and a Wald interval for the difference of the paired proportions (Agresti,
 *   Categorical Data Analysis, 2nd ed., §10.1), whose variance uses the discordant cells only.
 * - Numeric losses (absolute errors of a regressor): the paired t-test on the per-record
 *   differences (R's t.test(paired = TRUE), scipy.stats.ttest_rel).
 * - Sample sizes: Connor (1987, Biometrics 43:207) for McNemar, and the one-sample t
 *   approximation (as power.ts does for two samples) for paired differences.
 */
import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { summarize } from './continuous.ts';
import type { PowerOptions } from './power.ts';
import { zForConfidence, type Interval } from './proportions.ts';

/** The 2 × 2 table of paired outcomes; only the discordant cells carry the comparison. */
export interface PairedCounts {
  /** both right */
  bothCorrect: number;
  /** the first (the incumbent) right, the second (the candidate) wrong */
  firstOnly: number;
  /** the first wrong, the second right */
  secondOnly: number;
  bothWrong: number;
}

export interface McNemarResult {
  /** (|b − c| − 1)² / (b + c): chi-square with one degree of freedom */
  statistic: number;
  pValue: number;
}

export interface PairedDifference {
  /** accuracy of the second minus accuracy of the first */
  difference: number;
  ci: Interval;
  n: number;
}

export interface PairedTTestResult {
  t: number;
  df: number;
  /** two-sided */
  pValue: number;
  /** mean of (first − second) */
  difference: number;
  ci: Interval;
  n: number;
}

function checkCounts(c: PairedCounts): number {
  const cells = [c.bothCorrect, c.firstOnly, c.secondOnly, c.bothWrong];
  if (cells.some((v) => !Number.isInteger(v) || v < 0)) throw new RangeError(`paired counts must be non-negative integers, got ${cells.join(', ')}`);
  return cells.reduce((a, v) => a + v, 0);
}

/**
 * McNemar's test of H0: both have the same accuracy, with the continuity correction (R's
 * mcnemar.test default), clamped at 0 so that equal discordant cells give X² = 0 and p = 1 (R's
 * formula would give 1/(b + c) there). Null when no pair is discordant: the records say nothing
 * about a difference.
 */
export function mcNemarTest(counts: PairedCounts): McNemarResult | null {
  checkCounts(counts);
  const discordant = counts.firstOnly + counts.secondOnly;
  if (discordant === 0) return null;
  const statistic = Math.max(0, Math.abs(counts.firstOnly - counts.secondOnly) - 1) ** 2 / discordant;
  return { statistic, pValue: Math.max(0, 1 - chisquareCdf(statistic, 1)) };
}

/**
 * The second's accuracy minus the first's, with a Wald interval whose variance is
 * [(p₁₂ + p₂₁) − (p₁₂ − p₂₁)²] / n (Agresti §10.1.1). Null for no pairs.
 */
export function pairedProportionDifference(counts: PairedCounts, confidence = 0.95): PairedDifference | null {
  const n = checkCounts(counts);
  if (n === 0) return null;
  const p12 = counts.firstOnly / n;
  const p21 = counts.secondOnly / n;
  const difference = p21 - p12;
  const se = Math.sqrt(Math.max(0, p12 + p21 - (p12 - p21) ** 2) / n);
  const margin = zForConfidence(confidence) * se;
  return { difference, ci: { lower: difference - margin, upper: difference + margin }, n };
}

/**
 * Paired t-test of H0: mean(first − second) = 0. Null with fewer than two pairs, or when every
 * difference is the same (the standard error is 0: nothing varies, so nothing to test).
 */
export function pairedTTest(first: readonly number[], second: readonly number[], confidence = 0.95): PairedTTestResult | null {
  if (first.length !== second.length) throw new RangeError(`pairedTTest: ${first.length} and ${second.length} values do not pair up`);
  const differences = first.map((a, i) => a - second[i]!);
  if (differences.some((d) => !Number.isFinite(d))) throw new RangeError('pairedTTest: every value must be a finite number');
  const s = summarize(differences);
  if (s === null || s.variance === null || !(s.variance > 0)) return null;
  const se = Math.sqrt(s.variance / s.n);
  const df = s.n - 1;
  const t = s.mean / se;
  const margin = tQuantile(1 - (1 - confidence) / 2, df) * se;
  return {
    t,
    df,
    pValue: Math.min(1, 2 * tCdf(-Math.abs(t), df)),
    difference: s.mean,
    ci: { lower: s.mean - margin, upper: s.mean + margin },
    n: s.n
  };
}

function levels(options: PowerOptions): { za: number; zb: number; alpha: number; power: number } {
  const alpha = options.alpha ?? 0.05;
  const power = options.power ?? 0.8;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be between 0 and 1, got ${alpha}`);
  if (!(power > 0 && power < 1)) throw new RangeError(`power must be between 0 and 1, got ${power}`);
  return { za: normalQuantile(1 - alpha / 2, 0, 1), zb: normalQuantile(power, 0, 1), alpha, power };
}

/**
 * Pairs McNemar's test needs to detect a difference with these discordant proportions (Connor
 * 1987): n = (z₁₋α/₂·√ψ + z_power·√(ψ − δ²))² / δ², ψ = p₁₂ + p₂₁, δ = p₂₁ − p₁₂. Unrounded.
 */
export function sampleSizeMcNemar(firstOnly: number, secondOnly: number, options: PowerOptions = {}): number {
  const { za, zb } = levels(options);
  if (!(firstOnly >= 0 && secondOnly >= 0 && firstOnly + secondOnly <= 1)) {
    throw new RangeError(`discordant proportions must be within [0, 1] and sum to at most 1, got ${firstOnly} and ${secondOnly}`);
  }
  const psi = firstOnly + secondOnly;
  const delta = secondOnly - firstOnly;
  if (delta === 0) throw new RangeError('the discordant proportions must differ: no sample size detects a zero difference');
  return (za * Math.sqrt(psi) + zb * Math.sqrt(psi - delta * delta)) ** 2 / (delta * delta);
}

/**
 * Pairs a paired t-test needs to detect a mean difference `difference` when the differences
 * have standard deviation `sd`: n = sd²·(t₁₋α/₂,ν + t_power,ν)² / δ² with ν = n − 1, by
 * fixed-point iteration from the normal value. R's power.t.test(type = "paired") solves the
 * noncentral t exactly (9.938 for δ = sd); this stays within 0.05 of it, so the whole number
 * of pairs (rounded up) is the same on R's examples.
 */
export function sampleSizePairedT(sd: number, difference: number, options: PowerOptions = {}): number {
  const { za, zb, alpha, power } = levels(options);
  if (!(sd > 0 && Number.isFinite(sd))) throw new RangeError(`sd must be a positive number, got ${sd}`);
  if (!(difference !== 0 && Number.isFinite(difference))) throw new RangeError(`difference must be a non-zero number, got ${difference}`);
  const scale = (sd * sd) / (difference * difference);
  let n = scale * (za + zb) ** 2;
  for (let i = 0; i < 100; i++) {
    const nu = Math.max(1, n - 1);
    const next = scale * (tQuantile(1 - alpha / 2, nu) + tQuantile(power, nu)) ** 2;
    if (Math.abs(next - n) < 1e-9) return next;
    n = next;
  }
  return n;
}
