import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { describe, expect, it } from 'vitest';
import { compareFeature, type FeatureComparison } from './compare.ts';
import { ProfileBuilder } from './profile-builder.ts';
import type { CategoricalFeatureProfile, NumericFeatureProfile, ReferenceProfile } from './profile-schema.ts';
import { DEFAULT_DRIFT_THRESHOLDS, datasetVerdict, driftReport, judgeColumns, resolveThresholds, worstVerdict } from './report.ts';
import { countWindow, emptyCounts, type BinCounts, type WindowCounts } from './window.ts';

/** A standard normal reference of 20,000 evenly spaced quantiles, and 20 equally common categories. */
function referenceProfile(options: { missingEvery?: number } = {}): ReferenceProfile {
  const b = new ProfileBuilder({
    features: [
      { name: 'x', kind: 'numeric' },
      { name: 'c', kind: 'categorical' }
    ],
    predictions: [{ name: 'label', kind: 'categorical' }]
  });
  const N = 20_000;
  for (let i = 0; i < N; i++) {
    const missing = options.missingEvery !== undefined && i % options.missingEvery === 0;
    b.add({ x: missing ? null : normalQuantile((i + 0.5) / N, 0, 1), c: `k${i % 20}` }, { label: i % 4 === 0 ? 'yes' : 'no' });
  }
  return b.finish();
}

const profile = referenceProfile();
const x = profile.features[0] as NumericFeatureProfile;
const c = profile.features[1] as CategoricalFeatureProfile;

/**
 * Counts of x as n draws from N(shift, scale) would give them in expectation (no sampling noise),
 * rounded by largest remainder so they add up to n exactly.
 */
function expectedNormalCounts(n: number, shift: number, scale = 1, missingShare = 0, feature = x): BinCounts {
  const cdf = (v: number) => normalCdf(v, shift, scale);
  const m = feature.edges.length - 1;
  const shares = [cdf(feature.edges[0]!)];
  for (let j = 0; j < m; j++) shares.push(cdf(j === m - 1 ? feature.edges[m]! : feature.edges[j + 1]!) - cdf(feature.edges[j]!));
  shares.push(1 - cdf(feature.edges[m]!));
  const exact = [...shares.map((p) => p * (1 - missingShare) * n), missingShare * n];
  const counts = exact.map(Math.floor);
  const byRemainder = [...exact.keys()].sort((a, b) => exact[b]! - counts[b]! - (exact[a]! - counts[a]!));
  const deficit = n - counts.reduce((s, v) => s + v, 0);
  for (let k = 0; k < deficit; k++) counts[byRemainder[k]!]! += 1;
  return { ...emptyCounts(feature), counts, min: shift - 5 * scale, max: shift + 5 * scale };
}

/** Categorical counts in profile layout: the 20 categories, then other, unseen, missing. */
function categoryCounts(perCategory: number[], unseen = 0, missing = 0): BinCounts {
  return { ...emptyCounts(c), counts: [...perCategory, 0, unseen, missing] };
}

const window = (features: Record<string, BinCounts>, predictions: Record<string, BinCounts> = {}): WindowCounts => ({ features, predictions });

describe('driftReport: honest about window size', () => {
  it('says "not enough data" below the minimum count, whatever the values', () => {
    const wild = expectedNormalCounts(199, 3);
    const report = driftReport(profile, window({ x: wild }));
    expect(report.features.map((f) => f.verdict)).toEqual(['not_enough_data', 'not_enough_data']);
    expect(report.verdict).toBe('not_enough_data');
    expect(report.driftedShare).toBeNull();
    expect(report.prediction.verdict).toBe('not_enough_data');
    // 200 rows of the same shift are judged, and drift
    expect(driftReport(profile, window({ x: expectedNormalCounts(200, 3) })).features[0]!.verdict).toBe('drift');
  });

  it('does not call small-sample noise drift: a distance past its threshold needs a significant test', () => {
    // 200 rows over 20 equally likely categories, 13 and 7 alternately: JS 0.13, PSI 0.09, but p = 0.55
    const noisy = categoryCounts(Array.from({ length: 20 }, (_, i) => (i % 2 ? 13 : 7)));
    const f = driftReport(profile, window({ c: noisy })).features[1]!;
    expect(f.metrics.jsDistance).toBeGreaterThan(0.1);
    expect(f.effect).toBe('drift');
    expect(f.pValue).toBeGreaterThan(0.5);
    expect(f.verdict).toBe('no_drift');
    // the same shares over 2,000 rows are significant: now it is drift
    const real = categoryCounts(Array.from({ length: 20 }, (_, i) => (i % 2 ? 130 : 70)));
    expect(driftReport(profile, window({ c: real })).features[1]!.verdict).toBe('drift');
  });

  it('does not flag a trivial shift in a huge window: significance needs an effect size too', () => {
    // Both sides huge (a test's power is bounded by the smaller sample): 10 million rows each.
    const big = { ...x, counts: expectedNormalCounts(10_000_000, 0).counts, count: 10_000_000 };
    const f = driftReport({ ...profile, features: [big] }, window({ x: expectedNormalCounts(10_000_000, 0.02) })).features[0]!;
    expect(f.metrics.ks!.pValue).toBeLessThan(1e-12);
    expect(f.significant).toBe(true);
    expect(f.metrics.wassersteinNorm).toBeCloseTo(0.02, 3);
    expect(f.metrics.psi).toBeLessThan(0.01);
    expect(f.effect).toBe('none');
    expect(f.verdict).toBe('no_drift');
  });

  it('grades a real shift of the mean by its size: 0.07 std warns, 0.15 std drifts (Wasserstein)', () => {
    const warn = driftReport(profile, window({ x: expectedNormalCounts(100_000, 0.07) })).features[0]!;
    expect(warn.verdict).toBe('warning');
    expect(warn.triggers).toEqual([expect.objectContaining({ metric: 'wassersteinNorm', level: 'warning', threshold: 0.05 })]);
    expect(warn.metrics.wassersteinNorm).toBeCloseTo(0.07, 3);
    const drift = driftReport(profile, window({ x: expectedNormalCounts(5000, 0.15) })).features[0]!;
    expect(drift.verdict).toBe('drift');
    expect(drift.triggers[0]).toMatchObject({ metric: 'wassersteinNorm', level: 'drift', threshold: 0.1 });
  });

  it('catches a change of scale and reports the window moments', () => {
    const f = driftReport(profile, window({ x: expectedNormalCounts(5000, 0, 1.5) })).features[0]!;
    expect(f.verdict).toBe('drift');
    // W₁ between N(0, 1) and N(0, 1.5) is 0.5·E|Z| = 0.5·√(2/π) ≈ 0.399 std
    expect(f.metrics.wassersteinNorm).toBeCloseTo(0.5 * Math.sqrt(2 / Math.PI), 1);
  });
});

describe('driftReport: missing and unseen values', () => {
  it('flags a jump of the missing rate even when the present values do not move', () => {
    const withMissing = referenceProfile({ missingEvery: 100 }); // 1% missing
    const current = expectedNormalCounts(5000, 0, 1, 0.1, withMissing.features[0] as NumericFeatureProfile);
    const f = driftReport(withMissing, window({ x: current })).features[0]!;
    expect(f.metrics.missingRate.reference).toBeCloseTo(0.01, 12);
    expect(f.metrics.missingRate.current).toBeCloseTo(0.1, 12);
    expect(f.metrics.ks!.statistic).toBeLessThan(0.01); // KS sees the present values only
    expect(f.triggers.map((t) => t.metric)).toContain('missingRateChange');
    expect(f.verdict).toBe('drift');
  });

  it('flags values the reference never saw', () => {
    const per = new Array(20).fill(47); // 940 known + 60 unseen = 6% unseen
    const f = driftReport(profile, window({ c: categoryCounts(per, 60) })).features[1]!;
    expect(f.metrics.unseenRate).toBeCloseTo(0.06, 12);
    expect(f.triggers.map((t) => t.metric)).toContain('unseenRate');
    expect(f.verdict).toBe('drift');
  });

  it('does not know the unseen rate when the profile could not list every reference value', () => {
    const unknown: CategoricalFeatureProfile = { ...c, other_categories: null };
    expect(compareFeature(unknown, categoryCounts(new Array(20).fill(50), 0)).metrics.unseenRate).toBeNull();
  });
});

describe('judgeColumns: false discovery control across features', () => {
  const comparison = (name: string, pValue: number): FeatureComparison => ({
    name,
    kind: 'categorical',
    referenceCount: 10_000,
    currentCount: 1000,
    metrics: {
      psi: 0.5,
      jsDistance: 0.3,
      wassersteinNorm: null,
      ks: null,
      chiSquare: null,
      missingRate: { reference: 0, current: 0 },
      unseenRate: 0,
      current: null
    },
    pValue
  });

  it('needs the Benjamini–Hochberg adjusted p-value under the FDR, not the raw one', () => {
    const lone = judgeColumns([comparison('a', 0.04), ...Array.from({ length: 13 }, (_, i) => comparison(`n${i}`, 0.9))], DEFAULT_DRIFT_THRESHOLDS);
    expect(lone[0]!.adjustedPValue).toBeCloseTo(0.56, 12);
    expect(lone[0]!.verdict).toBe('no_drift');
    const many = judgeColumns(Array.from({ length: 14 }, (_, i) => comparison(`f${i}`, 0.04)), DEFAULT_DRIFT_THRESHOLDS);
    expect(many.every((f) => f.adjustedPValue === 0.04 && f.verdict === 'drift')).toBe(true);
  });

  it('leaves columns without enough data out of the family', () => {
    const judged = judgeColumns([comparison('a', 0.03), { ...comparison('small', 0.9), currentCount: 10 }], DEFAULT_DRIFT_THRESHOLDS);
    expect(judged[0]!.adjustedPValue).toBe(0.03);
    expect(judged[1]).toMatchObject({ adjustedPValue: null, verdict: 'not_enough_data', triggers: [] });
  });
});

describe('dataset and prediction verdicts', () => {
  const v = (...verdicts: ('not_enough_data' | 'no_drift' | 'warning' | 'drift')[]) => verdicts.map((verdict) => ({ verdict }));

  it('follows the documented share rule', () => {
    const t = DEFAULT_DRIFT_THRESHOLDS;
    expect(datasetVerdict(v('no_drift', 'warning', 'warning'), t)).toEqual({ verdict: 'no_drift', driftedShare: 0 });
    expect(datasetVerdict(v('drift', 'no_drift', 'no_drift', 'warning'), t)).toEqual({ verdict: 'warning', driftedShare: 0.25 });
    expect(datasetVerdict(v('drift', 'drift', 'no_drift', 'no_drift'), t)).toEqual({ verdict: 'drift', driftedShare: 0.5 });
    expect(datasetVerdict(v('drift', 'not_enough_data', 'not_enough_data'), t)).toEqual({ verdict: 'drift', driftedShare: 1 });
    expect(datasetVerdict(v('not_enough_data'), t)).toEqual({ verdict: 'not_enough_data', driftedShare: null });
    expect(datasetVerdict(v('drift', 'no_drift', 'no_drift'), { ...t, datasetDriftShare: 0.3 }).verdict).toBe('drift');
  });

  it('orders verdicts drift > warning > no_drift > not_enough_data', () => {
    expect(worstVerdict(['no_drift', 'warning', 'not_enough_data'])).toBe('warning');
    expect(worstVerdict([])).toBe('not_enough_data');
  });

  it('judges the prediction columns as their own family, with the same machinery', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({ label: i % 2 === 0 ? 'yes' : 'no' }));
    const report = driftReport(profile, window({}, countWindow(profile, rows.map(() => ({})), rows).predictions));
    const label = report.prediction.columns[0]!;
    expect(label.currentCount).toBe(1000);
    expect(label.metrics.psi).toBeGreaterThan(0.2); // 25% yes in the reference, 50% now
    expect(report.prediction.verdict).toBe('drift');
    // a window without aggregates for the features: nothing to judge there
    expect(report.features.map((f) => f.verdict)).toEqual(['not_enough_data', 'not_enough_data']);
    expect(report.verdict).toBe('not_enough_data');
  });
});

describe('thresholds', () => {
  it('take overrides, so a smaller minimum judges smaller windows', () => {
    const small = expectedNormalCounts(100, 1);
    expect(driftReport(profile, window({ x: small })).features[0]!.verdict).toBe('not_enough_data');
    expect(driftReport(profile, window({ x: small }), { minCount: 50 }).features[0]!.verdict).toBe('drift');
  });

  it('refuse inconsistent values', () => {
    expect(() => resolveThresholds({ psi: { warning: 0.3, drift: 0.2 } })).toThrow(/psi/);
    expect(() => resolveThresholds({ minCount: 0 })).toThrow(/minCount/);
    expect(() => resolveThresholds({ falseDiscoveryRate: 1 })).toThrow(/falseDiscoveryRate/);
    expect(() => resolveThresholds({ datasetDriftShare: 0 })).toThrow(/datasetDriftShare/);
    expect(resolveThresholds()).toEqual(DEFAULT_DRIFT_THRESHOLDS);
  });

  it('refuse counts made against another profile', () => {
    expect(() => compareFeature(x, emptyCounts(c))).toThrow(/another profile/);
  });
});
