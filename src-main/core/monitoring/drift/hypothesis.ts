import { chiSquareTest, type ChiSquareTestResult } from '../../experiments/stats/index.ts';

/**
 * Hypothesis tests over binned counts, and the false-discovery control across features.
 */

/** Cochran's rule: the chi-square approximation wants every expected count to be at least 5. */
export const MIN_EXPECTED_COUNT = 5;

export interface HomogeneityResult extends ChiSquareTestResult {
  /** bins in the table after pooling the sparse ones (df = bins − 1) */
  bins: number;
}

/**
 * Chi-square test of homogeneity on the 2 × B table (reference counts, current counts): do both
 * samples come from one distribution over the bins? This is the two-sample test (alibi-detect
 * PR #203), not a goodness-of-fit against fixed reference shares, which would treat the reference
 * as exact and overstate significance. Pearson's X², no continuity correction
 * (scipy.stats.chi2_contingency(table, correction=False) on the pooled table).
 *
 * Bins with an expected count below 5 in either row are pooled into one bin (and that bin, if it
 * is still too small, into the smallest remaining one), so one stray value in a bin the reference
 * never saw cannot make a p-value on its own. Bins empty on both sides drop out. Null when either
 * sample is empty or fewer than two bins remain.
 */
export function chiSquareHomogeneity(reference: readonly number[], current: readonly number[]): HomogeneityResult | null {
  if (reference.length !== current.length) {
    throw new RangeError(`chiSquareHomogeneity: reference has ${reference.length} bins, current ${current.length}`);
  }
  const table = poolSparseBins(reference, current);
  if (table === null) return null;
  // The 2 × B table is a B × 2 table of (current, total) per bin: exactly what chiSquareTest
  // (k proportions equal) computes, with df = B − 1 and the @stdlib chi-square cdf.
  const result = chiSquareTest(table.map(([r, c]) => ({ successes: c, n: r + c })));
  return result && { ...result, bins: table.length };
}

/** [reference, current] per bin after pooling; null when a row is empty or < 2 bins would remain. */
export function poolSparseBins(reference: readonly number[], current: readonly number[]): [number, number][] | null {
  const R = reference.reduce((s, x) => s + x, 0);
  const C = current.reduce((s, x) => s + x, 0);
  if (R === 0 || C === 0) return null;
  const N = R + C;
  const smaller = Math.min(R, C);
  const expected = (total: number) => (total * smaller) / N;
  const kept: [number, number][] = [];
  const pooled: [number, number] = [0, 0];
  reference.forEach((r, i) => {
    const c = current[i] as number;
    if (r + c === 0) return;
    if (expected(r + c) >= MIN_EXPECTED_COUNT) kept.push([r, c]);
    else {
      pooled[0] += r;
      pooled[1] += c;
    }
  });
  if (pooled[0] + pooled[1] > 0) {
    if (expected(pooled[0] + pooled[1]) >= MIN_EXPECTED_COUNT || kept.length === 0) kept.push(pooled);
    else {
      let smallest = 0;
      kept.forEach(([r, c], i) => {
        const [sr, sc] = kept[smallest] as [number, number];
        if (r + c < sr + sc) smallest = i;
      });
      const target = kept[smallest] as [number, number];
      target[0] += pooled[0];
      target[1] += pooled[1];
    }
  }
  return kept.length >= 2 ? kept : null;
}

/**
 * Benjamini–Hochberg adjusted p-values (scipy.stats.false_discovery_control(ps, method='bh')):
 * q_(i) = min over j ≥ i of p_(j)·m/j, capped at 1, in the input's order. Rejecting every
 * hypothesis with q ≤ α controls the false discovery rate at α across the features (Benjamini &
 * Hochberg 1995, valid for independent or positively dependent tests). Nulls (no test) stay null
 * and do not count in m.
 */
export function benjaminiHochberg(pValues: readonly (number | null)[]): (number | null)[] {
  const tested = pValues
    .map((p, index) => ({ p, index }))
    .filter((t): t is { p: number; index: number } => t.p !== null);
  for (const { p } of tested) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`benjaminiHochberg: p-values must be within [0, 1], got ${p}`);
  }
  const m = tested.length;
  const sorted = [...tested].sort((a, b) => a.p - b.p);
  const adjusted: (number | null)[] = pValues.map(() => null);
  let running = 1;
  for (let i = m - 1; i >= 0; i--) {
    const { p, index } = sorted[i] as { p: number; index: number };
    running = Math.min(running, (p * m) / (i + 1));
    adjusted[index] = running;
  }
  return adjusted;
}
