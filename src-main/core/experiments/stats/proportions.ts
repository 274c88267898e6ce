/**
 * Statistics for success/failure outcomes (accuracy = correct feedback / feedback).
 * Pure functions: no I/O, no shared state. Undefined results (an arm with no data, a
 * pooled proportion of exactly 0 or 1) come back as `null`, never as NaN or a division by zero.
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';

export interface Interval {
  lower: number;
  upper: number;
}

export interface TwoProportionZTestResult {
  /** (p1 − p2) / pooled standard error */
  z: number;
  /** two-sided */
  pValue: number;
  /** p1 − p2 (first sample minus second, as R's prop.test and statsmodels report it) */
  difference: number;
  /** Wald interval for p1 − p2 with the unpooled standard error (R prop.test, correct = FALSE) */
  ci: Interval;
}

export interface ChiSquareTestResult {
  /** Pearson's X² of the k × 2 table (successes, failures), no continuity correction */
  statistic: number;
  df: number;
  pValue: number;
}

export interface ProportionCount {
  successes: number;
  n: number;
}

/** z such that P(|Z| ≤ z) = confidence, e.g. 1.959964 for 0.95. */
export function zForConfidence(confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`confidence must be between 0 and 1 (exclusive), got ${confidence}`);
  }
  return normalQuantile(1 - (1 - confidence) / 2, 0, 1);
}

/** Two-sided p-value of a standard normal statistic, computed in the lower tail for precision. */
export function twoSidedNormalPValue(z: number): number {
  return Math.min(1, 2 * normalCdf(-Math.abs(z), 0, 1));
}

function checkCount(successes: number, n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`${what}: n must be a non-negative integer, got ${n}`);
  }
  if (!Number.isInteger(successes) || successes < 0 || successes > n) {
    throw new RangeError(`${what}: successes must be an integer between 0 and n = ${n}, got ${successes}`);
  }
}

/**
 * Wilson score interval for a binomial proportion (Wilson 1927; Newcombe 1998 method 3,
 * no continuity correction). Returns null when n = 0: there is nothing to estimate.
 */
export function wilsonInterval(successes: number, n: number, confidence = 0.95): Interval | null {
  checkCount(successes, n, 'wilsonInterval');
  if (n === 0) return null;
  const z = zForConfidence(confidence);
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const halfWidth = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  // Clamp only the rounding noise at the edges (0/n and n/n give exactly 0 and 1 in theory).
  return { lower: Math.max(0, centre - halfWidth), upper: Math.min(1, centre + halfWidth) };
}

/**
 * Two-proportion z-test of H0: p1 = p2 with the pooled standard error (z² equals R's
 * prop.test(..., correct = FALSE) X-squared). Null when either sample is empty or when the
 * pooled proportion is 0 or 1 (every outcome the same: the statistic is 0/0).
 */
export function twoProportionZTest(
  s1: number,
  n1: number,
  s2: number,
  n2: number,
  confidence = 0.95
): TwoProportionZTestResult | null {
  checkCount(s1, n1, 'twoProportionZTest (first sample)');
  checkCount(s2, n2, 'twoProportionZTest (second sample)');
  if (n1 === 0 || n2 === 0) return null;
  const p1 = s1 / n1;
  const p2 = s2 / n2;
  const pooled = (s1 + s2) / (n1 + n2);
  const pooledVariance = pooled * (1 - pooled) * (1 / n1 + 1 / n2);
  if (!(pooledVariance > 0)) return null;
  const difference = p1 - p2;
  const z = difference / Math.sqrt(pooledVariance);
  const waldSe = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  const margin = zForConfidence(confidence) * waldSe;
  return {
    z,
    pValue: twoSidedNormalPValue(z),
    difference,
    ci: { lower: difference - margin, upper: difference + margin }
  };
}

/**
 * Pearson chi-square test that k proportions are equal (R's prop.test for k > 2 groups;
 * for k = 2 the statistic is z² of the pooled two-proportion test). Groups with n = 0 carry
 * no information and are left out of the table and of df. Null when fewer than two groups
 * have data or every outcome is the same.
 */
export function chiSquareTest(counts: readonly ProportionCount[]): ChiSquareTestResult | null {
  counts.forEach((c, i) => checkCount(c.successes, c.n, `chiSquareTest (group ${i + 1})`));
  const groups = counts.filter((c) => c.n > 0);
  if (groups.length < 2) return null;
  const total = groups.reduce((sum, c) => sum + c.n, 0);
  const pooled = groups.reduce((sum, c) => sum + c.successes, 0) / total;
  if (!(pooled > 0 && pooled < 1)) return null;
  // Σ over both columns of (O − E)² / E collapses to (s − n·p̄)² / (n·p̄·(1 − p̄)) per row.
  const statistic = groups.reduce((sum, c) => {
    const expected = c.n * pooled;
    return sum + (c.successes - expected) ** 2 / (expected * (1 - pooled));
  }, 0);
  const df = groups.length - 1;
  return { statistic, df, pValue: Math.max(0, 1 - chisquareCdf(statistic, df)) };
}
