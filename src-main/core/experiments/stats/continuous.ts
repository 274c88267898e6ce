/**
 * Statistics for numeric outcomes: regression errors (RMSE, MAE), Welch's t-test, latency
 * percentiles. Pure functions; too little data gives `null`, never NaN or a division by zero.
 *
 * Interval methods (both rely on the central limit theorem for the mean of per-request losses,
 * which is why the verdict waits for a minimum number of feedback per arm):
 * - MAE: Student-t interval on the absolute errors |e|, lower end clamped at 0.
 * - RMSE: Student-t interval on the squared errors e² (an interval for the MSE), then the
 *   square root of each end (lower end clamped at 0 first). sqrt is monotone, so the RMSE
 *   interval has exactly the coverage of the MSE interval, stays ≥ 0 and is right-skewed like
 *   the RMSE's sampling distribution; a symmetric delta-method interval (SE/(2·RMSE)) would
 *   not be and can cross 0.
 */
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import type { Interval } from './proportions.ts';

export interface MetricEstimate {
  value: number;
  /** null when n < 2: one observation says nothing about spread */
  ci: Interval | null;
  n: number;
}

export interface SampleSummary {
  n: number;
  mean: number;
  /** sample variance (n − 1 denominator); null when n < 2 */
  variance: number | null;
}

export interface WelchTTestResult {
  t: number;
  /** Welch–Satterthwaite degrees of freedom */
  df: number;
  /** two-sided */
  pValue: number;
  /** mean(a) − mean(b) */
  difference: number;
  ci: Interval;
}

function checkFinite(values: readonly number[], what: string): void {
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new RangeError(`${what}: value ${i} is not a finite number (${v})`);
  });
}

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Sample variance with the n − 1 denominator (two-pass, for numerical stability). */
export function variance(values: readonly number[]): number | null {
  const m = mean(values);
  if (m === null || values.length < 2) return null;
  let sum = 0;
  for (const v of values) sum += (v - m) ** 2;
  return sum / (values.length - 1);
}

export function sd(values: readonly number[]): number | null {
  const v = variance(values);
  return v === null ? null : Math.sqrt(v);
}

export function summarize(values: readonly number[]): SampleSummary | null {
  const m = mean(values);
  return m === null ? null : { n: values.length, mean: m, variance: variance(values) };
}

/** t quantile such that P(|T_df| ≤ t) = confidence. */
function tCritical(confidence: number, df: number): number {
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`confidence must be between 0 and 1 (exclusive), got ${confidence}`);
  }
  return tQuantile(1 - (1 - confidence) / 2, df);
}

/** Student-t interval for the mean; null when n < 2. */
export function meanInterval(values: readonly number[], confidence = 0.95): Interval | null {
  const s = summarize(values);
  if (s === null || s.variance === null) return null;
  const margin = tCritical(confidence, s.n - 1) * Math.sqrt(s.variance / s.n);
  return { lower: s.mean - margin, upper: s.mean + margin };
}

/** Mean absolute error of residuals (prediction − truth) with a t-interval on |e|. */
export function mae(residuals: readonly number[], confidence = 0.95): MetricEstimate | null {
  checkFinite(residuals, 'mae');
  const losses = residuals.map(Math.abs);
  const value = mean(losses);
  if (value === null) return null;
  const ci = meanInterval(losses, confidence);
  return { value, n: losses.length, ci: ci && { lower: Math.max(0, ci.lower), upper: ci.upper } };
}

/** Root mean squared error with sqrt of a t-interval on e² (see the module comment). */
export function rmse(residuals: readonly number[], confidence = 0.95): MetricEstimate | null {
  checkFinite(residuals, 'rmse');
  const losses = residuals.map((e) => e * e);
  const mse = mean(losses);
  if (mse === null) return null;
  const ci = meanInterval(losses, confidence);
  return {
    value: Math.sqrt(mse),
    n: losses.length,
    ci: ci && { lower: Math.sqrt(Math.max(0, ci.lower)), upper: Math.sqrt(Math.max(0, ci.upper)) }
  };
}

/**
 * Welch's unequal-variance t-test of H0: mean(a) = mean(b) (R's t.test default,
 * scipy.stats.ttest_ind(equal_var=False)). Null when a sample has fewer than 2 values or
 * both samples are constant (standard error 0).
 */
export function welchTTest(
  a: readonly number[],
  b: readonly number[],
  confidence = 0.95
): WelchTTestResult | null {
  checkFinite(a, 'welchTTest (first sample)');
  checkFinite(b, 'welchTTest (second sample)');
  const sa = summarize(a);
  const sb = summarize(b);
  if (sa === null || sb === null || sa.variance === null || sb.variance === null) return null;
  const va = sa.variance / sa.n;
  const vb = sb.variance / sb.n;
  const se2 = va + vb;
  if (!(se2 > 0)) return null;
  const difference = sa.mean - sb.mean;
  const t = difference / Math.sqrt(se2);
  const df = (se2 * se2) / ((va * va) / (sa.n - 1) + (vb * vb) / (sb.n - 1));
  const margin = tCritical(confidence, df) * Math.sqrt(se2);
  return {
    t,
    df,
    pValue: Math.min(1, 2 * tCdf(-Math.abs(t), df)),
    difference,
    ci: { lower: difference - margin, upper: difference + margin }
  };
}

/**
 * p-th percentile (p in [0, 100]) with linear interpolation between order statistics:
 * numpy.percentile's default, R's quantile type 7, Excel PERCENTILE.INC. Null for no values.
 * The input is not modified.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: p must be within [0, 100], got ${p}`);
  checkFinite(values, 'percentile');
  if (values.length === 0) return null;
  const sorted = [...values].sort((x, y) => x - y);
  const rank = (p / 100) * (sorted.length - 1);
  const below = Math.floor(rank);
  const above = Math.min(below + 1, sorted.length - 1);
  const lo = sorted[below] ?? 0;
  const hi = sorted[above] ?? lo;
  return lo + (rank - below) * (hi - lo);
}
