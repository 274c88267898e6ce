import { describe, expect, it } from 'vitest';
import { driftReference as ref } from '../../../../test/reference/drift-reference.ts';
import { benjaminiHochberg, chiSquareHomogeneity, poolSparseBins } from './hypothesis.ts';

describe('chiSquareHomogeneity', () => {
  it.each(ref.chi2_contingency)('matches scipy chi2_contingency(correction=False) for $reference vs $current', (c) => {
    const result = chiSquareHomogeneity(c.reference, c.current)!;
    expect(result.statistic).toBeCloseTo(c.statistic, 9);
    expect(result.df).toBe(c.dof);
    expect(result.bins).toBe(c.dof + 1);
    expect(Math.abs(result.pValue - c.pvalue)).toBeLessThan(1e-12);
    if (c.pvalue > 1e-10) expect(Math.abs(result.pValue - c.pvalue) / c.pvalue).toBeLessThan(1e-6);
  });

  it('is symmetric in its two samples', () => {
    const a = chiSquareHomogeneity([200, 300, 500], [30, 45, 25])!;
    const b = chiSquareHomogeneity([30, 45, 25], [200, 300, 500])!;
    expect(b.statistic).toBeCloseTo(a.statistic, 12);
  });

  it('drops bins empty on both sides', () => {
    expect(chiSquareHomogeneity([200, 0, 300, 500], [30, 0, 45, 25])).toEqual(chiSquareHomogeneity([200, 300, 500], [30, 45, 25]));
  });

  it('is null when a sample is empty or everything falls in one bin', () => {
    expect(chiSquareHomogeneity([10, 20], [0, 0])).toBeNull();
    expect(chiSquareHomogeneity([100, 0], [50, 0])).toBeNull();
  });

  it('refuses samples over different bins', () => {
    expect(() => chiSquareHomogeneity([1, 2], [1, 2, 3])).toThrow(RangeError);
  });
});

describe('poolSparseBins', () => {
  it('pools bins with an expected count below 5 into one', () => {
    // smaller sample 100 of N 1100: a bin needs a total ≥ 55 for an expected count ≥ 5
    const table = poolSparseBins([500, 400, 40, 30, 30], [40, 40, 10, 5, 5]);
    expect(table).toEqual([
      [500, 40],
      [400, 40],
      [100, 20]
    ]);
  });

  it('adds a pooled bin that is still too small to the smallest remaining bin', () => {
    // a single stray value in a bin the reference never saw must not decide the test alone
    const table = poolSparseBins([5000, 3000, 2000, 0], [500, 300, 199, 1]);
    expect(table).toEqual([
      [5000, 500],
      [3000, 300],
      [2000, 200]
    ]);
    expect(chiSquareHomogeneity([5000, 3000, 2000, 0], [500, 300, 199, 1])!.pValue).toBeCloseTo(1, 9);
  });

  it('keeps a sparse table whole rather than returning nothing', () => {
    expect(poolSparseBins([3, 2], [1, 1])).toBeNull(); // one pooled bin: no test
    expect(poolSparseBins([0, 0], [1, 1])).toBeNull();
  });
});

describe('benjaminiHochberg', () => {
  it.each(ref.benjamini_hochberg)('matches scipy false_discovery_control(method="bh") for $p', ({ p, adjusted }) => {
    const ours = benjaminiHochberg(p);
    ours.forEach((q, i) => expect(q).toBeCloseTo(adjusted[i]!, 14));
  });

  it('leaves nulls out of the family and in place', () => {
    const withNulls = benjaminiHochberg([0.01, null, 0.04, null, 0.03]);
    const without = benjaminiHochberg([0.01, 0.04, 0.03]);
    expect(withNulls).toEqual([without[0], null, without[1], null, without[2]]);
    expect(benjaminiHochberg([])).toEqual([]);
    expect(benjaminiHochberg([null])).toEqual([null]);
  });

  it('never adjusts a p-value down, and keeps the order of the p-values', () => {
    const p = [0.2, 0.001, 0.05, 0.049, 0.8, 0.01];
    const q = benjaminiHochberg(p) as number[];
    q.forEach((x, i) => expect(x).toBeGreaterThanOrEqual(p[i]!));
    const byP = [...p.keys()].sort((a, b) => p[a]! - p[b]!);
    for (let i = 1; i < byP.length; i++) expect(q[byP[i]!]).toBeGreaterThanOrEqual(q[byP[i - 1]!]!);
  });

  it('refuses values that are not p-values', () => {
    expect(() => benjaminiHochberg([0.5, 1.5])).toThrow(RangeError);
    expect(() => benjaminiHochberg([NaN])).toThrow(RangeError);
  });
});
