import { binCount, coarseGroups, groupCounts, innerBinCount, missingBin, unseenBin } from './binning.ts';
import { binnedKs, binnedWasserstein, jensenShannonDistance, psi, type KsResult } from './distances.ts';
import { chiSquareHomogeneity, type HomogeneityResult } from './hypothesis.ts';
import type { FeatureProfile, NumericFeatureProfile } from './profile-schema.ts';
import { totalCount, type BinCounts } from './window.ts';

/**
 * Every statistic of one column, reference profile against a current aggregate. No verdict here
 * (report.ts decides, across columns, with the thresholds).
 *
 * Which bins each statistic sees:
 * - PSI, Jensen–Shannon and the chi-square test: every bin including missing (numeric: the coarse
 *   groups of inner bins plus under- and overflow; categorical: `other` and `unseen` as one bin,
 *   since the reference has no unseen values to compare with), so a jump of the missing rate or
 *   new categories move them.
 * - KS and Wasserstein (numeric only): the fine value bins, missing rows left out.
 */

export interface SummaryStats {
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
}

export interface FeatureMetrics {
  psi: number | null;
  jsDistance: number | null;
  /** Wasserstein-1 ÷ the reference std (floored at 0.001 as Evidently does); numeric only */
  wassersteinNorm: number | null;
  /** binned two-sample KS; numeric only */
  ks: KsResult | null;
  chiSquare: HomogeneityResult | null;
  missingRate: { reference: number | null; current: number | null };
  /** share of the current non-missing values the reference never saw; categorical only, null when the profile could not list every reference value */
  unseenRate: number | null;
  /** numeric only: the current window's moments (the reference's are in the profile) */
  current: SummaryStats | null;
}

export interface FeatureComparison {
  name: string;
  kind: FeatureProfile['kind'];
  /** reference rows (missing included) */
  referenceCount: number;
  /** current rows (missing included) */
  currentCount: number;
  metrics: FeatureMetrics;
  /**
   * The feature's test p-value before the across-feature correction: categorical, the
   * chi-square test; numeric, min(1, 2·min(p_KS, p_χ²)) (Bonferroni over the two: KS catches a
   * shift of the values, chi-square a change of shape or of the missing rate). Null: no test.
   */
  pValue: number | null;
}

/** Smallest std Wasserstein is divided by, as in Evidently's wasserstein_distance_norm. */
export const MIN_STD_FOR_NORMALISATION = 0.001;

/**
 * @param coarseBins groups of numeric inner bins for PSI, JS and chi-square: the profile's
 *   `coarse_bins` (driftReport passes it)
 */
export function compareFeature(feature: FeatureProfile, current: BinCounts, coarseBins = 10): FeatureComparison {
  if (current.counts.length !== binCount(feature)) {
    throw new RangeError(
      `feature "${feature.name}": the current counts have ${current.counts.length} bins, the profile ${binCount(feature)} (counted against another profile?)`
    );
  }
  const referenceCount = totalCount(feature);
  const currentCount = totalCount(current);
  const missing = missingBin(feature);
  const missingRate = {
    reference: referenceCount > 0 ? (feature.counts[missing] as number) / referenceCount : null,
    current: currentCount > 0 ? (current.counts[missing] as number) / currentCount : null
  };
  const [ref, cur] = distributionBins(feature, current.counts, coarseBins);
  const chiSquare = chiSquareHomogeneity(ref, cur);
  const common = { psi: psi(ref, cur), jsDistance: jensenShannonDistance(ref, cur), chiSquare, missingRate };
  const base = { name: feature.name, kind: feature.kind, referenceCount, currentCount };

  if (feature.kind === 'categorical') {
    const present = currentCount - (current.counts[missing] as number);
    const unseenRate = feature.other_categories === null || present === 0 ? null : (current.counts[unseenBin(feature)] as number) / present;
    return {
      ...base,
      metrics: { ...common, wassersteinNorm: null, ks: null, unseenRate, current: null },
      pValue: chiSquare?.pValue ?? null
    };
  }
  const values = valueBins(feature, current.counts);
  const ks = binnedKs(values.reference, values.current);
  const w1 = binnedWasserstein({
    edges: feature.edges,
    means: feature.bin_means,
    ...values,
    currentMin: current.min,
    currentMax: current.max
  });
  const std = feature.std ?? 0;
  return {
    ...base,
    metrics: {
      ...common,
      ks,
      wassersteinNorm: w1 === null ? null : w1 / Math.max(std, MIN_STD_FOR_NORMALISATION),
      unseenRate: null,
      current: currentSummary(current, currentCount - (current.counts[missing] as number))
    },
    pValue: combinedPValue(ks?.pValue ?? null, chiSquare?.pValue ?? null)
  };
}

/** Reference and current counts over the bins PSI, JS and chi-square compare. */
export function distributionBins(feature: FeatureProfile, current: readonly number[], coarseBins: number): [number[], number[]] {
  if (feature.kind === 'numeric') {
    const groups = coarseGroups(feature, coarseBins);
    return [groupCounts(feature.counts, groups), groupCounts(current, groups)];
  }
  // [categories…, other + unseen, missing]
  const merge = (counts: readonly number[]) => {
    const K = feature.categories.length;
    return [...counts.slice(0, K), (counts[K] as number) + (counts[K + 1] as number), counts[K + 2] as number];
  };
  return [merge(feature.counts), merge(current)];
}

/** [underflow, inner…, overflow] of both sides: the numeric layout without its missing bin. */
function valueBins(feature: NumericFeatureProfile, current: readonly number[]) {
  const end = innerBinCount(feature) + 2;
  return { reference: feature.counts.slice(0, end), current: current.slice(0, end) };
}

function combinedPValue(ks: number | null, chi: number | null): number | null {
  if (ks === null) return chi;
  if (chi === null) return ks;
  return Math.min(1, 2 * Math.min(ks, chi));
}

function currentSummary(c: BinCounts, n: number): SummaryStats {
  if (n === 0) return { mean: null, std: null, min: null, max: null };
  const mean = c.sum / n;
  // Σx² − n·mean² can dip below 0 by rounding when every value is equal.
  const variance = n > 1 ? Math.max(0, (c.sumSquares - n * mean * mean) / (n - 1)) : null;
  return { mean, std: variance === null ? null : Math.sqrt(variance), min: c.min, max: c.max };
}
