/**
 * Mixture sequential probability ratio test (mSPRT) with always-valid p-values:
 * Johari, Koomen, Pekelis & Walsh, "Peeking at A/B tests: why it matters, and what to do
 * about it" (KDD 2017) and "Always valid inference" (Operations Research 2022), the method
 * behind Optimizely's stats engine.
 *
 * Let θ̂ be the observed difference between two arms and V its estimated variance
 * (Var θ̂). With a normal mixing distribution N(0, τ²) over the true difference θ, the
 * mixture likelihood ratio of "θ ~ N(0, τ²)" against "θ = 0" under the normal approximation is
 *
 *   Λ = √(V / (V + τ²)) · exp( τ²·θ̂² / (2·V·(V + τ²)) ).
 *
 * (With n pairs and per-pair variance σ², V = σ²/n and this is the paper's
 * √(σ²/(σ²+nτ²))·exp(n²τ²θ̂²/(2σ²(σ²+nτ²))).) Under H0, Λ is a nonnegative martingale
 * with mean 1, so by Ville's inequality P(Λ ever reaches 1/α) ≤ α: the p-value
 * p_n = min(p_{n−1}, 1/Λ_n) is valid however often, and whenever, anyone looks. 1/Λ at the
 * current look alone (no history) is valid too, only less powerful than the running minimum.
 *
 * Variances: proportions use the pooled estimate p̄(1 − p̄)(1/n1 + 1/n2), the variance of θ̂
 * under H0 (as the z-test does), which is never 0 while the arms differ at all; means use
 * s1²/n1 + s2²/n2 (as Welch does). Both are plug-in estimates, so validity is asymptotic;
 * the verdict waits for a minimum sample per arm, and the tests check by simulation that the
 * false-positive rate under continuous peeking stays below α.
 *
 * Mixing variance τ²: the mixture is a prior over effect sizes, and the mSPRT is most
 * powerful for true effects of about τ at the sample sizes the test will reach (Johari et al.
 * fit τ to the effects seen in past experiments; we have no history). We take τ = the minimum
 * detectable effect the user chose — the smallest difference that matters to them — fixed
 * before data arrive: accuracy defaults to 0.05 (5 points, τ² = 0.0025); for regression τ is
 * the chosen difference in the per-request loss (|e| for MAE, e² for RMSE). A τ far below the
 * real effects makes the test slow to detect them; far above, slow on small ones; it never
 * affects validity.
 */
import type { SampleSummary } from './continuous.ts';

export const MSPRT_TEST_NAME = 'mSPRT (always-valid p-value)';

/** Default minimum detectable difference in accuracy, and so the default mixing sd τ. */
export const DEFAULT_ACCURACY_TAU = 0.05;

export interface MsprtResult {
  /** first minus second (p1 − p2, or mean1 − mean2) */
  difference: number;
  /** estimated variance V of the difference */
  variance: number;
  tau2: number;
  /** ln Λ, the log mixture likelihood ratio against "no difference" */
  logLikelihoodRatio: number;
  /** always-valid two-sided p-value, min(previous, 1/Λ) */
  pValue: number;
}

function checkTau2(tau2: number): void {
  if (!(tau2 > 0 && Number.isFinite(tau2))) {
    throw new RangeError(`the mixing variance tau² must be a positive number, got ${tau2}`);
  }
}

function checkPrevious(previousPValue: number): void {
  if (!(previousPValue >= 0 && previousPValue <= 1)) {
    throw new RangeError(`previousPValue must be within [0, 1], got ${previousPValue}`);
  }
}

/** ln Λ for an observed difference with variance V > 0 (log space: Λ overflows easily). */
export function mixtureLogLikelihoodRatio(difference: number, variance: number, tau2: number): number {
  checkTau2(tau2);
  if (!(variance > 0)) throw new RangeError(`variance must be positive, got ${variance}`);
  const total = variance + tau2;
  return 0.5 * Math.log(variance / total) + (tau2 * difference * difference) / (2 * variance * total);
}

/** Always-valid p-value min(previous, 1/Λ). V = 0 means no noise at all: p = 0 if θ̂ ≠ 0. */
export function alwaysValidPValue(difference: number, variance: number, tau2: number, previousPValue = 1): number {
  checkTau2(tau2);
  checkPrevious(previousPValue);
  if (!(variance > 0)) return difference === 0 ? previousPValue : 0;
  const logLr = mixtureLogLikelihoodRatio(difference, variance, tau2);
  return Math.min(previousPValue, Math.exp(-logLr));
}

function result(difference: number, variance: number, tau2: number, previousPValue: number): MsprtResult {
  const logLikelihoodRatio =
    variance > 0 ? mixtureLogLikelihoodRatio(difference, variance, tau2) : difference === 0 ? 0 : Infinity;
  return {
    difference,
    variance,
    tau2,
    logLikelihoodRatio,
    pValue: alwaysValidPValue(difference, variance, tau2, previousPValue)
  };
}

/**
 * mSPRT for p1 − p2 (successes s out of n in each arm). Null when an arm has no data.
 * Pass the p-value of the previous look as previousPValue to carry the running minimum.
 */
export function msprtProportions(
  s1: number,
  n1: number,
  s2: number,
  n2: number,
  tau2: number = DEFAULT_ACCURACY_TAU ** 2,
  previousPValue = 1
): MsprtResult | null {
  checkTau2(tau2);
  checkPrevious(previousPValue);
  for (const [s, n] of [
    [s1, n1],
    [s2, n2]
  ] as const) {
    if (!Number.isInteger(n) || n < 0 || !Number.isInteger(s) || s < 0 || s > n) {
      throw new RangeError(`msprtProportions: need integers 0 ≤ successes ≤ n, got ${s} of ${n}`);
    }
  }
  if (n1 === 0 || n2 === 0) return null;
  const pooled = (s1 + s2) / (n1 + n2);
  const variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2);
  return result(s1 / n1 - s2 / n2, variance, tau2, previousPValue);
}

/**
 * mSPRT for mean1 − mean2 from two sample summaries (see continuous.summarize). Null when
 * either arm has fewer than 2 observations (no variance estimate).
 */
export function msprtMeans(
  a: SampleSummary,
  b: SampleSummary,
  tau2: number,
  previousPValue = 1
): MsprtResult | null {
  checkTau2(tau2);
  checkPrevious(previousPValue);
  if (a.variance === null || b.variance === null || a.n < 2 || b.n < 2) return null;
  const variance = a.variance / a.n + b.variance / b.n;
  return result(a.mean - b.mean, variance, tau2, previousPValue);
}
