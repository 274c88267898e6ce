import { describe, expect, it } from 'vitest';
import { driftReference as ref } from '../../../../test/reference/drift-reference.ts';
import { compareFeature } from './compare.ts';
import { PSI_EMPTY_BIN_SHARE, binnedKs, binnedWasserstein, jensenShannonDistance, kolmogorovSurvival, psi } from './distances.ts';
import { ProfileBuilder } from './profile-builder.ts';
import type { NumericFeatureProfile } from './profile-schema.ts';
import { countWindow } from './window.ts';

/** Relative difference, for values that span many orders of magnitude (p-values). */
const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

/** A numeric profile of `values` and the current window's counts of `current` against it. */
function binned(values: readonly number[], current: readonly number[], bins = 100) {
  const b = new ProfileBuilder({ features: [{ name: 'v', kind: 'numeric' }] }, { bins });
  for (const v of values) b.add({ v });
  const profile = b.finish();
  const feature = profile.features[0] as NumericFeatureProfile;
  const counts = countWindow(profile, current.map((v) => ({ v }))).features.v!;
  const end = feature.edges.length + 1; // value bins: under, inner…, over
  return {
    feature,
    counts,
    values: {
      edges: feature.edges,
      means: feature.bin_means,
      reference: feature.counts.slice(0, end),
      current: counts.counts.slice(0, end),
      currentMin: counts.min,
      currentMax: counts.max
    }
  };
}

const expand = (values: number[], counts: number[]) => values.flatMap((v, i) => new Array<number>(counts[i]!).fill(v));

describe('psi', () => {
  it('matches a worked example: shares 50/30/20 % against 40/30/30 %', () => {
    // (0.4 − 0.5)·ln(0.4/0.5) + 0 + (0.3 − 0.2)·ln(0.3/0.2) = 0.0223144 + 0.0405465
    expect(psi([50, 30, 20], [40, 30, 30])).toBeCloseTo(0.062860866, 8);
    // counts, not shares: scaling either side changes nothing
    expect(psi([500, 300, 200], [4, 3, 3])).toBeCloseTo(0.062860866, 8);
  });

  it('gives an empty bin the documented share before the logarithm', () => {
    // reference [100 %, 0 %], current [95 %, 5 %]: (0.95 − 1)·ln 0.95 + (0.05 − 1e-4)·ln(0.05 / 1e-4)
    const expected = -0.05 * Math.log(0.95) + (0.05 - PSI_EMPTY_BIN_SHARE) * Math.log(0.05 / PSI_EMPTY_BIN_SHARE);
    expect(expected).toBeCloseTo(0.3126736, 6);
    expect(psi([100, 0], [95, 5])).toBeCloseTo(expected, 12);
  });

  it('is 0 for identical shares, symmetric, ignores bins empty on both sides, and null for an empty side', () => {
    expect(psi([1, 2, 3], [2, 4, 6])).toBeCloseTo(0, 15);
    expect(psi([10, 20, 70], [30, 30, 40])).toBeCloseTo(psi([30, 30, 40], [10, 20, 70])!, 15);
    expect(psi([10, 0, 20], [15, 0, 15])).toBeCloseTo(psi([10, 20], [15, 15])!, 15);
    expect(psi([0, 0], [1, 2])).toBeNull();
    expect(psi([1, 2], [0, 0])).toBeNull();
  });

  it('refuses bins of different lengths and negative counts', () => {
    expect(() => psi([1, 2], [1, 2, 3])).toThrow(RangeError);
    expect(() => psi([1, -2], [1, 2])).toThrow(RangeError);
  });
});

describe('jensenShannonDistance', () => {
  it.each(ref.jensenshannon)('matches scipy jensenshannon(base=2) for $p vs $q', ({ p, q, distance }) => {
    expect(jensenShannonDistance(p, q)).toBeCloseTo(distance, 12);
  });

  it('is 1 for disjoint supports and null for an empty side', () => {
    expect(jensenShannonDistance([5, 0], [0, 3])).toBeCloseTo(1, 15);
    expect(jensenShannonDistance([0, 0], [0, 3])).toBeNull();
  });
});

describe('kolmogorovSurvival', () => {
  it.each(ref.kolmogorov)('matches scipy.special.kolmogorov($x)', ({ x, sf }) => {
    expect(Math.abs(kolmogorovSurvival(x) - sf)).toBeLessThan(1e-12);
    if (sf > 1e-300) expect(relative(kolmogorovSurvival(x), sf)).toBeLessThan(1e-9);
  });

  it('is 1 at and below 0', () => {
    expect(kolmogorovSurvival(0)).toBe(1);
    expect(kolmogorovSurvival(-1)).toBe(1);
  });
});

describe('binned KS and Wasserstein on discrete data (one bin per value: exact)', () => {
  it.each(ref.discrete)('match scipy ks_2samp and wasserstein_distance for values $values', (c) => {
    const { values, feature, counts } = binned(expand(c.values, c.reference), expand(c.values, c.current));
    const ks = binnedKs(values.reference, values.current)!;
    expect(ks.statistic).toBeCloseTo(c.ks_statistic, 12);
    // Stephens' approximation against scipy's exact one-sample distribution at round(nₑ)
    expect(relative(ks.pValue, c.ks_pvalue)).toBeLessThan(0.06);
    expect(binnedWasserstein(values)).toBeCloseTo(c.wasserstein, 12);
    const metrics = compareFeature(feature, counts).metrics;
    expect(metrics.wassersteinNorm).toBeCloseTo(c.wasserstein / feature.std!, 12);
    expect(metrics.ks).toEqual(ks);
  });
});

describe('binned KS and Wasserstein on continuous data (100 quantile bins: approximate)', () => {
  it.each(ref.continuous)('stay close to scipy on raw normal samples (shift $shift, scale $scale)', (c) => {
    const { values } = binned(c.reference_values, c.current_values);
    const ks = binnedKs(values.reference, values.current)!;
    const w = binnedWasserstein(values)!;
    // Binning can only lower D: the CDF is seen at 101 points instead of all of them.
    expect(ks.statistic).toBeLessThanOrEqual(c.ks_statistic + 1e-12);
    expect(ks.statistic).toBeGreaterThan(0.95 * c.ks_statistic);
    expect(ks.pValue).toBeGreaterThanOrEqual(c.ks_pvalue * 0.9);
    // Observed with 100 bins: within 1% of scipy (20 bins: within 1% for a shift of the mean,
    // 14% low for a change of scale, whose tails move inside the outer bins).
    expect(relative(w, c.wasserstein)).toBeLessThan(0.02);
  });

  it('are coarser with 20 bins, and still close for a shift of the mean', () => {
    const c = ref.continuous.find((x) => x.shift === 0.3)!;
    const { values } = binned(c.reference_values, c.current_values, 20);
    expect(relative(binnedWasserstein(values)!, c.wasserstein)).toBeLessThan(0.02);
  });
});

describe('binnedWasserstein', () => {
  it('moves mass by the distance between bin means, not bin edges, in a skewed bin', () => {
    // reference: 0 in [0, 1) and 100 values in [1, 100] with mean 2; current adds mass to that bin
    const values = { edges: [0, 1, 100], means: [0, 2], reference: [0, 50, 50, 0], current: [0, 25, 75, 0], currentMin: 0, currentMax: 100 };
    // bin 0 is a point at 0; bin 1 is uniform on [1, 3] (centred on its mean 2): 0.25 of mass moves 0 → ~2
    expect(binnedWasserstein(values)).toBeCloseTo(0.25 * 2, 12);
  });

  it('stretches under- and overflow to the current extremes', () => {
    const values = { edges: [0, 10], means: [5], reference: [0, 100, 0], current: [0, 50, 50], currentMin: 0, currentMax: 30 };
    // half the current is uniform on (10, 30]: W = 0.5·(mean 20 − mean 5)
    expect(binnedWasserstein(values)).toBeCloseTo(0.5 * 15, 12);
  });

  it('is null without values on a side or without bins', () => {
    expect(binnedWasserstein({ edges: [0, 1], means: [0.5], reference: [0, 0, 0], current: [0, 1, 0], currentMin: 0, currentMax: 0 })).toBeNull();
    expect(binnedWasserstein({ edges: [], means: [], reference: [0, 0], current: [1, 0], currentMin: 0, currentMax: 0 })).toBeNull();
  });
});
