import { compareFeature, type FeatureComparison, type FeatureMetrics } from './compare.ts';
import { benjaminiHochberg } from './hypothesis.ts';
import type { FeatureProfile, ReferenceProfile } from './profile-schema.ts';
import { emptyCounts, type WindowCounts } from './window.ts';

/**
 * Verdicts: per column, for the prediction, and for the dataset. A column drifts only when BOTH
 * hold:
 * 1. an effect size reaches its threshold (a very large window makes every p-value tiny, so
 *    significance alone would flag trivial shifts: evidently#20, #50), and
 * 2. its test is significant after Benjamini–Hochberg across the columns at the false discovery
 *    rate (a small window makes distances noisy: with 20 categories and 200 rows the JS
 *    distance of two samples of one distribution is about 0.1 by chance alone, evidently#509).
 * Below `minCount` rows (current or reference) the answer is "not enough data", whatever the values.
 */

export type DriftVerdict = 'not_enough_data' | 'no_drift' | 'warning' | 'drift';
export type EffectLevel = 'none' | 'warning' | 'drift';

/** An effect size's two thresholds: at or above `warning` warns, at or above `drift` drifts. */
export interface Band {
  warning: number;
  drift: number;
}

export interface DriftThresholds {
  /** rows needed on each side before a column is judged */
  minCount: number;
  psi: Band;
  jsDistance: Band;
  /** in reference standard deviations (numeric) */
  wassersteinNorm: Band;
  /** |current − reference| share of missing values */
  missingRateChange: Band;
  /** share of current values the reference never saw (categorical) */
  unseenRate: Band;
  /** Benjamini–Hochberg level across the columns of one report */
  falseDiscoveryRate: number;
  /** dataset drift when at least this share of the judged features drifts */
  datasetDriftShare: number;
}

/**
 * Defaults. Drift thresholds: PSI 0.2 (the customary "significant shift"), JS distance 0.1 and
 * Wasserstein 0.1 reference std (Evidently's defaults for large data), missing rate ±5 points and
 * 5% unseen values; each warning threshold is half its drift threshold (PSI 0.1 is also the
 * customary "moderate shift"). FDR 5%; dataset drift when half the features drift (Evidently's
 * drift_share); one drifted feature alone makes the dataset verdict a warning.
 */
export const DEFAULT_DRIFT_THRESHOLDS: DriftThresholds = {
  minCount: 200,
  psi: { warning: 0.1, drift: 0.2 },
  jsDistance: { warning: 0.05, drift: 0.1 },
  wassersteinNorm: { warning: 0.05, drift: 0.1 },
  missingRateChange: { warning: 0.025, drift: 0.05 },
  unseenRate: { warning: 0.025, drift: 0.05 },
  falseDiscoveryRate: 0.05,
  datasetDriftShare: 0.5
};

export type EffectMetric = 'psi' | 'jsDistance' | 'wassersteinNorm' | 'missingRateChange' | 'unseenRate';

export interface EffectTrigger {
  metric: EffectMetric;
  value: number;
  /** the threshold it reached */
  threshold: number;
  level: Exclude<EffectLevel, 'none'>;
}

export interface FeatureDrift extends FeatureComparison {
  /** Benjamini–Hochberg adjusted p-value among the report's columns of the same family */
  adjustedPValue: number | null;
  significant: boolean;
  /** the strongest level any effect size reached, and which ones did */
  effect: EffectLevel;
  triggers: EffectTrigger[];
  verdict: DriftVerdict;
}

export interface DriftReport {
  /** dataset level, over the model's input features */
  verdict: DriftVerdict;
  /** drifted ÷ judged features; null when none could be judged */
  driftedShare: number | null;
  drifted: string[];
  warnings: string[];
  features: FeatureDrift[];
  /** the model's outputs, judged with the same rules (their own BH family) */
  prediction: { verdict: DriftVerdict; columns: FeatureDrift[] };
  thresholds: DriftThresholds;
}

/** The effect sizes of a column that reach a threshold, strongest level first. */
export function effectTriggers(metrics: FeatureMetrics, t: DriftThresholds): EffectTrigger[] {
  const { reference, current } = metrics.missingRate;
  const values: [EffectMetric, number | null][] = [
    ['psi', metrics.psi],
    ['jsDistance', metrics.jsDistance],
    ['wassersteinNorm', metrics.wassersteinNorm],
    ['missingRateChange', reference === null || current === null ? null : Math.abs(current - reference)],
    ['unseenRate', metrics.unseenRate]
  ];
  const triggers: EffectTrigger[] = [];
  for (const [metric, value] of values) {
    if (value === null) continue;
    const band = t[metric];
    if (value >= band.drift) triggers.push({ metric, value, threshold: band.drift, level: 'drift' });
    else if (value >= band.warning) triggers.push({ metric, value, threshold: band.warning, level: 'warning' });
  }
  return triggers.sort((a, b) => (a.level === b.level ? 0 : a.level === 'drift' ? -1 : 1));
}

/** Verdicts for one family of columns (the features, or the prediction's outputs). */
export function judgeColumns(comparisons: readonly FeatureComparison[], t: DriftThresholds): FeatureDrift[] {
  const enough = (c: FeatureComparison) => c.currentCount >= t.minCount && c.referenceCount >= t.minCount;
  const adjusted = benjaminiHochberg(comparisons.map((c) => (enough(c) ? c.pValue : null)));
  return comparisons.map((c, i) => {
    const adjustedPValue = adjusted[i] ?? null;
    const significant = adjustedPValue !== null && adjustedPValue <= t.falseDiscoveryRate;
    const triggers = enough(c) ? effectTriggers(c.metrics, t) : [];
    const effect: EffectLevel = triggers[0]?.level ?? 'none';
    const verdict: DriftVerdict = !enough(c) ? 'not_enough_data' : significant && effect !== 'none' ? effect : 'no_drift';
    return { ...c, adjustedPValue, significant, effect, triggers, verdict };
  });
}

/** Dataset-level verdict from the features' verdicts (see DEFAULT_DRIFT_THRESHOLDS). */
export function datasetVerdict(features: readonly Pick<FeatureDrift, 'verdict'>[], t: DriftThresholds) {
  const judged = features.filter((f) => f.verdict !== 'not_enough_data');
  const drifted = judged.filter((f) => f.verdict === 'drift').length;
  if (judged.length === 0) return { verdict: 'not_enough_data' as DriftVerdict, driftedShare: null };
  const driftedShare = drifted / judged.length;
  const verdict: DriftVerdict = drifted > 0 && driftedShare >= t.datasetDriftShare ? 'drift' : drifted > 0 ? 'warning' : 'no_drift';
  return { verdict, driftedShare };
}

/** Worst verdict of a list: drift > warning > no_drift > not_enough_data. */
export function worstVerdict(verdicts: readonly DriftVerdict[]): DriftVerdict {
  const order: DriftVerdict[] = ['not_enough_data', 'no_drift', 'warning', 'drift'];
  return verdicts.reduce<DriftVerdict>((worst, v) => (order.indexOf(v) > order.indexOf(worst) ? v : worst), 'not_enough_data');
}

export function resolveThresholds(overrides: Partial<DriftThresholds> = {}): DriftThresholds {
  const t = { ...DEFAULT_DRIFT_THRESHOLDS, ...overrides };
  for (const key of ['psi', 'jsDistance', 'wassersteinNorm', 'missingRateChange', 'unseenRate'] as const) {
    const { warning, drift } = t[key];
    if (!(warning >= 0 && drift >= warning)) throw new RangeError(`thresholds.${key}: need 0 ≤ warning ≤ drift, got ${warning} and ${drift}`);
  }
  if (!(Number.isInteger(t.minCount) && t.minCount >= 1)) throw new RangeError(`thresholds.minCount must be a positive integer`);
  if (!(t.falseDiscoveryRate > 0 && t.falseDiscoveryRate < 1)) throw new RangeError(`thresholds.falseDiscoveryRate must be within (0, 1)`);
  if (!(t.datasetDriftShare > 0 && t.datasetDriftShare <= 1)) throw new RangeError(`thresholds.datasetDriftShare must be within (0, 1]`);
  return t;
}

/**
 * The drift report of a window against a reference profile. A column the window has no
 * aggregate for counts as empty (not enough data). O(columns × bins): independent of how many
 * rows the window summarises.
 */
export function driftReport(profile: ReferenceProfile, window: WindowCounts, overrides?: Partial<DriftThresholds>): DriftReport {
  const t = resolveThresholds(overrides);
  const compare = (list: FeatureProfile[], counts: WindowCounts['features']) =>
    list.map((f) => compareFeature(f, counts[f.name] ?? emptyCounts(f), profile.coarse_bins));
  const features = judgeColumns(compare(profile.features, window.features), t);
  const outputs = judgeColumns(compare(profile.predictions, window.predictions), t);
  const { verdict, driftedShare } = datasetVerdict(features, t);
  return {
    verdict,
    driftedShare,
    drifted: features.filter((f) => f.verdict === 'drift').map((f) => f.name),
    warnings: features.filter((f) => f.verdict === 'warning').map((f) => f.name),
    features,
    prediction: { verdict: worstVerdict(outputs.map((c) => c.verdict)), columns: outputs },
    thresholds: t
  };
}
