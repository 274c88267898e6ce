/**
 * Distances between a reference and a current histogram over the same bins. Pure functions over
 * count arrays of equal length; each function says what it does with empty bins.
 * Verified against scipy in distances.test.ts (test/reference/drift_reference.py).
 */

function checkPair(reference: readonly number[], current: readonly number[], what: string): void {
  if (reference.length !== current.length) {
    throw new RangeError(`${what}: reference has ${reference.length} bins, current ${current.length}`);
  }
  for (const x of [...reference, ...current]) {
    if (!(Number.isFinite(x) && x >= 0)) throw new RangeError(`${what}: counts must be finite and ≥ 0, got ${x}`);
  }
}

const sum = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0);

/**
 * Share given to an empty bin before the logarithm in PSI: 1e-4, Evidently's choice, so a bin
 * that is empty on one side adds a large but finite term (e.g. 5% of the current in a bin the
 * reference never saw adds (0.05 − 0.0001)·ln(500) ≈ 0.31). Shares are not renormalised.
 */
export const PSI_EMPTY_BIN_SHARE = 1e-4;

/**
 * Population Stability Index: Σ_b (c_b − r_b)·ln(c_b / r_b) over bin shares, symmetric in its
 * arguments. Null when either side has no rows. Bins empty on both sides add nothing.
 */
export function psi(reference: readonly number[], current: readonly number[]): number | null {
  checkPair(reference, current, 'psi');
  const R = sum(reference);
  const C = sum(current);
  if (R === 0 || C === 0) return null;
  let total = 0;
  reference.forEach((r, i) => {
    const c = current[i] as number;
    if (r === 0 && c === 0) return;
    const p = r > 0 ? r / R : PSI_EMPTY_BIN_SHARE;
    const q = c > 0 ? c / C : PSI_EMPTY_BIN_SHARE;
    total += (q - p) * Math.log(q / p);
  });
  return total;
}

/**
 * Jensen–Shannon distance with base-2 logarithms (scipy.spatial.distance.jensenshannon(p, q,
 * base=2)): the square root of the JS divergence, within [0, 1]. Needs no smoothing: 0·log 0 = 0.
 * Null when either side has no rows.
 */
export function jensenShannonDistance(reference: readonly number[], current: readonly number[]): number | null {
  checkPair(reference, current, 'jensenShannonDistance');
  const R = sum(reference);
  const C = sum(current);
  if (R === 0 || C === 0) return null;
  let divergence = 0;
  reference.forEach((r, i) => {
    const p = r / R;
    const q = (current[i] as number) / C;
    const m = (p + q) / 2;
    if (p > 0) divergence += p * Math.log(p / m);
    if (q > 0) divergence += q * Math.log(q / m);
  });
  // Rounding can leave −1e-17 for identical inputs.
  return Math.sqrt(Math.max(0, divergence / 2 / Math.LN2));
}

/**
 * Survival function of the Kolmogorov distribution, P(K > x) (scipy.special.kolmogorov):
 * Jacobi-theta series for small x, the alternating series 2Σ(−1)^(k−1)·e^(−2k²x²) otherwise;
 * both converge to double precision in a few terms on their side of 1.18.
 */
export function kolmogorovSurvival(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  if (x < 1.18) {
    const w = (Math.PI * Math.PI) / (8 * x * x);
    let s = 0;
    for (let k = 1; k < 50; k++) {
      const term = Math.exp(-((2 * k - 1) ** 2) * w);
      s += term;
      if (term < 1e-17 * s) break;
    }
    return Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / x) * s);
  }
  let s = 0;
  for (let k = 1; k < 100; k++) {
    const term = Math.exp(-2 * k * k * x * x);
    s += k % 2 === 1 ? term : -term;
    if (term < 1e-17 * Math.abs(s)) break;
  }
  return Math.min(1, Math.max(0, 2 * s));
}

export interface KsResult {
  /** max over bin boundaries of |F_ref − F_cur|: a lower bound of the raw-data statistic, equal to it when each value has its own bin */
  statistic: number;
  /** two-sided, asymptotic with Stephens' small-sample correction (see binnedKs) */
  pValue: number;
}

/**
 * Two-sample Kolmogorov–Smirnov test from binned counts (value bins only, in order; no missing
 * bin). The p-value is Q_KS((√nₑ + 0.12 + 0.11/√nₑ)·D) with nₑ = n·m/(n+m) (Stephens 1970, as in
 * Numerical Recipes' kstwo), within a few percent of scipy.stats.ks_2samp(method='asymp'), which
 * evaluates the exact one-sample distribution at round(nₑ). Binning can only lower D, so the
 * test is conservative. Null when either side has no values.
 */
export function binnedKs(reference: readonly number[], current: readonly number[]): KsResult | null {
  checkPair(reference, current, 'binnedKs');
  const R = sum(reference);
  const C = sum(current);
  if (R === 0 || C === 0) return null;
  let fr = 0;
  let fc = 0;
  let statistic = 0;
  reference.forEach((r, i) => {
    fr += r;
    fc += current[i] as number;
    statistic = Math.max(statistic, Math.abs(fr / R - fc / C));
  });
  const root = Math.sqrt((R * C) / (R + C));
  return { statistic, pValue: kolmogorovSurvival((root + 0.12 + 0.11 / root) * statistic) };
}

export interface BinnedValues {
  /** the profile's edges (lower bound of each inner bin, then the maximum) */
  edges: readonly number[];
  /** the reference mean of each inner bin (profile `bin_means`) */
  means: readonly number[];
  /** value-bin counts [underflow, inner…, overflow] (no missing bin) */
  reference: readonly number[];
  current: readonly number[];
  /** the current window's extremes, which bound its under- and overflow bins */
  currentMin: number | null;
  currentMax: number | null;
}

/**
 * 1-Wasserstein (earth mover's) distance from binned counts: ∫|F_ref(x) − F_cur(x)| dx with both
 * CDFs rebuilt from the bins by one model of where the mass sits inside a bin: uniform on the
 * widest interval inside the bin that is centred on the reference's mean there (it touches the
 * bin's nearer edge; a single-value bin becomes a point mass). Uniform over the whole bin would
 * put a skewed tail's mass far out (with 20 bins, fnlwgt's last spans 379k–1.48M, mean near 470k,
 * which made the estimate 30% high); matching the mean keeps the distance a mass travels right.
 * Under- and overflow bins (the reference has none there) are uniform out to the current
 * window's min and max. On each piece the CDF difference is constant or linear, so the integral
 * is exact for the model: exact for discrete data, within a few percent of
 * scipy.stats.wasserstein_distance on raw continuous data (distances.test.ts, adult-drift.test.ts).
 * Null without values on a side.
 */
export function binnedWasserstein(b: BinnedValues): number | null {
  const m = b.edges.length - 1;
  checkPair(b.reference, b.current, 'binnedWasserstein');
  if (m < 1 || b.reference.length !== m + 2 || b.means.length !== m) return null;
  const R = sum(b.reference);
  const C = sum(b.current);
  if (R === 0 || C === 0) return null;
  const first = b.edges[0] as number;
  const last = b.edges[m] as number;
  let fr = 0;
  let fc = 0;
  let area = 0;
  // Bin [lo, hi] whose mass is uniform on [from, to] ⊆ [lo, hi]: flat before, linear, flat after.
  const step = (bin: number, lo: number, hi: number, from: number, to: number) => {
    const before = fr - fc;
    fr += (b.reference[bin] as number) / R;
    fc += (b.current[bin] as number) / C;
    const after = fr - fc;
    area += Math.abs(before) * (from - lo) + absLinearIntegral(before, after, to - from) + Math.abs(after) * (hi - to);
  };
  const below = Math.min(b.currentMin ?? first, first);
  step(0, below, first, below, first);
  for (let j = 0; j < m; j++) {
    const lo = b.edges[j] as number;
    const hi = b.edges[j + 1] as number;
    const mean = Math.min(hi, Math.max(lo, b.means[j] as number));
    const half = Math.min(mean - lo, hi - mean);
    step(j + 1, lo, hi, mean - half, mean + half);
  }
  const above = Math.max(b.currentMax ?? last, last);
  step(m + 1, last, above, last, above);
  return area;
}

/** ∫₀ʷ |a + (b − a)·t/w| dt: the trapezoid, or two triangles when the line crosses zero. */
function absLinearIntegral(a: number, b: number, width: number): number {
  if (width <= 0) return 0;
  if (a * b >= 0) return (width * (Math.abs(a) + Math.abs(b))) / 2;
  return (width * (a * a + b * b)) / (2 * (Math.abs(a) + Math.abs(b)));
}
