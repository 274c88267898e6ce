import { describe, expect, it } from 'vitest';
import {
  binCount,
  binIndex,
  binLabels,
  coarseGroups,
  equalFrequencyBins,
  groupCounts,
  isMissing,
  isSingleValueBin,
  numericBinIndex
} from './binning.ts';
import type { CategoricalFeatureProfile, NumericFeatureProfile } from './profile-schema.ts';

const sorted = (xs: number[]) => Float64Array.from(xs).sort();

function numeric(edges: number[], means: number[]): NumericFeatureProfile {
  const m = Math.max(0, edges.length - 1);
  return {
    name: 'x',
    kind: 'numeric',
    count: 0,
    sampled_from: null,
    edges,
    bin_means: means,
    counts: new Array(m + 3).fill(0),
    mean: null,
    std: null,
    min: null,
    max: null
  };
}

function categorical(categories: string[], other: string[] | null): CategoricalFeatureProfile {
  return { name: 'c', kind: 'categorical', count: 0, categories, counts: new Array(categories.length + 3).fill(0), other_categories: other };
}

describe('equalFrequencyBins', () => {
  it('gives each value its own bin when there are no more distinct values than bins', () => {
    const { edges, means } = equalFrequencyBins(sorted([3, 1, 1, 2, 3, 3]), 5);
    expect(edges).toEqual([1, 2, 3, 3]);
    expect(means).toEqual([1, 2, 3]);
  });

  it('splits continuous data into equal-frequency bins', () => {
    const values = sorted(Array.from({ length: 1000 }, (_, i) => i));
    const { edges, means } = equalFrequencyBins(values, 10);
    expect(edges).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 999]);
    expect(means[0]).toBeCloseTo(49.5, 12);
    expect(means[9]).toBeCloseTo(949.5, 12);
  });

  it('never splits a run of equal values across two bins', () => {
    // 20 distinct values, 5 bins: the run of 7s (10 values) straddles a share boundary.
    const xs = [...Array.from({ length: 19 }, (_, i) => i * 10), ...new Array(10).fill(7)];
    const { edges } = equalFrequencyBins(sorted(xs), 5);
    const counts = new Array(edges.length + 2).fill(0);
    for (const x of xs) counts[numericBinIndex(edges, x)] += 1;
    const binOf7 = numericBinIndex(edges, 7);
    expect(counts[binOf7]).toBeGreaterThanOrEqual(10);
    expect(edges.filter((e) => e === 7).length).toBeLessThanOrEqual(1);
  });

  it('gives a heavy point mass a bin of its own (capital-gain: mostly zeros)', () => {
    const xs = [...new Array(900).fill(0), ...Array.from({ length: 100 }, (_, i) => 100 + i * 37)];
    const bins = equalFrequencyBins(sorted(xs), 10);
    expect(bins.edges[0]).toBe(0);
    expect(bins.edges[1]).toBe(100); // the zeros alone in bin 0
    expect(isSingleValueBin({ edges: bins.edges, bin_means: bins.means }, 0)).toBe(true);
    expect(bins.edges.length - 1).toBeGreaterThan(5); // the other 10% still get several bins
  });

  it('closes a bin before a heavy run that starts inside it', () => {
    // 1..30 once each, then 40 × 500, then 41..70 once each: 40 gets its own bin.
    const xs = [...Array.from({ length: 30 }, (_, i) => i + 1), ...new Array(500).fill(40), ...Array.from({ length: 30 }, (_, i) => 41 + i)];
    const { edges, means } = equalFrequencyBins(sorted(xs), 8);
    const j = edges.indexOf(40);
    expect(j).toBeGreaterThan(0);
    expect(edges[j + 1]).toBe(41);
    expect(means[j]).toBe(40);
  });

  it('handles no values and a constant column', () => {
    expect(equalFrequencyBins(new Float64Array(0), 10)).toEqual({ edges: [], means: [] });
    expect(equalFrequencyBins(sorted([5, 5, 5]), 10)).toEqual({ edges: [5, 5], means: [5] });
  });

  it('never makes more bins than asked, and every value lands in an inner bin', () => {
    const values = sorted(Array.from({ length: 5000 }, (_, i) => Math.round(Math.sin(i) * 1000) / 10));
    for (const bins of [1, 2, 7, 20, 100]) {
      const { edges } = equalFrequencyBins(values, bins);
      expect(edges.length - 1).toBeLessThanOrEqual(bins);
      const outside = values.filter((x) => {
        const b = numericBinIndex(edges, x);
        return b < 1 || b > edges.length - 1;
      });
      expect(outside.length).toBe(0);
    }
  });
});

describe('binIndex (numeric)', () => {
  // inner bins [0, 10), [10, 20), [20, 30]; layout [under, 3 inner, over, missing]
  const f = numeric([0, 10, 20, 30], [5, 15, 25]);

  it('uses [lower, upper) bins, the last one closed, with under- and overflow', () => {
    expect(binCount(f)).toBe(6);
    expect(binIndex(f, -0.001)).toBe(0);
    expect(binIndex(f, 0)).toBe(1);
    expect(binIndex(f, 9.999)).toBe(1);
    expect(binIndex(f, 10)).toBe(2);
    expect(binIndex(f, 30)).toBe(3);
    expect(binIndex(f, 30.001)).toBe(4);
    expect(binIndex(f, 1e300)).toBe(4);
  });

  it('reads numeric strings, and counts missing and unreadable values as missing', () => {
    expect(binIndex(f, ' 15 ')).toBe(2);
    for (const v of [null, undefined, NaN, '', '  ', 'abc', {}, [1], true, Infinity]) expect(binIndex(f, v)).toBe(5);
  });

  it('puts a single-value last bin exactly at the maximum', () => {
    const g = numeric([0, 1, 1], [0, 1]);
    expect(binIndex(g, 0.5)).toBe(1);
    expect(binIndex(g, 1)).toBe(2);
    expect(binIndex(g, 1.5)).toBe(3);
  });

  it('sends every value to overflow when the reference had no values', () => {
    const empty = numeric([], []);
    expect(binCount(empty)).toBe(3);
    expect(binIndex(empty, -5)).toBe(1);
    expect(binIndex(empty, null)).toBe(2);
  });
});

describe('binIndex (categorical)', () => {
  it('indexes top categories, then other, unseen and missing', () => {
    const f = categorical(['a', 'b', '1'], ['c']);
    expect(binCount(f)).toBe(6);
    expect(binIndex(f, 'a')).toBe(0);
    expect(binIndex(f, 1)).toBe(2); // numbers are categories by their text
    expect(binIndex(f, 'c')).toBe(3);
    expect(binIndex(f, 'zzz')).toBe(4);
    expect(binIndex(f, '')).toBe(5);
    expect(binIndex(f, null)).toBe(5);
    expect(binIndex(f, { a: 1 })).toBe(5);
  });

  it('cannot tell unseen from other without the list of other values', () => {
    const f = categorical(['a'], null);
    expect(binIndex(f, 'never-seen')).toBe(1);
  });

  it('is case- and space-sensitive: categories are exact', () => {
    const f = categorical(['Private'], []);
    expect(binIndex(f, 'private')).toBe(2);
    expect(binIndex(f, ' Private')).toBe(2);
  });
});

describe('coarseGroups', () => {
  function profiled(values: number[], bins: number): NumericFeatureProfile {
    const { edges, means } = equalFrequencyBins(sorted(values), bins);
    const f = numeric(edges, means);
    for (const v of values) f.counts[numericBinIndex(edges, v)]! += 1;
    return f;
  }

  it('merges 100 fine bins into deciles of equal reference mass, keeping under, over and missing apart', () => {
    const f = profiled(Array.from({ length: 1000 }, (_, i) => i), 100);
    const groups = coarseGroups(f, 10);
    expect(groups.size).toBe(13);
    expect(groups.groupOf[0]).toBe(0);
    expect(groups.groupOf.slice(1, 11)).toEqual(new Array(10).fill(1));
    expect(groups.groupOf[100]).toBe(10);
    expect(groups.groupOf.slice(101)).toEqual([11, 12]);
    expect(groupCounts(f.counts, groups)).toEqual([0, ...new Array(10).fill(100), 0, 0]);
  });

  it('leaves a heavy point mass alone and never splits a fine bin', () => {
    const values = [...new Array(600).fill(0), ...Array.from({ length: 400 }, (_, i) => 1 + i)];
    const f = profiled(values, 100);
    const grouped = groupCounts(f.counts, coarseGroups(f, 10));
    expect(grouped[1]).toBe(600);
    expect(grouped.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(grouped.length).toBeLessThanOrEqual(13);
    // the remaining 400 values spread over the other groups at about 400 / 9 each
    for (const n of grouped.slice(2, -2)) expect(Math.abs(n - 400 / 9)).toBeLessThan(25);
  });

  it('keeps discrete data with few values as it is when there are fewer bins than groups', () => {
    const f = profiled([1, 1, 2, 3, 3, 3], 100);
    expect(groupCounts(f.counts, coarseGroups(f, 10))).toEqual(f.counts);
  });

  it('copes with a reference without values', () => {
    const f = numeric([], []);
    expect(coarseGroups(f, 10)).toEqual({ groupOf: [0, 1, 2], size: 3 });
  });
});

describe('binLabels', () => {
  it('labels numeric bins in counts order', () => {
    expect(binLabels(numeric([0, 10, 20, 20], [5, 12, 20]))).toEqual(['< 0', '[0, 10)', '[10, 20)', '20', '> 20', 'missing']);
  });

  it('labels categorical bins in counts order', () => {
    expect(binLabels(categorical(['x', 'y'], []))).toEqual(['x', 'y', 'other', 'unseen', 'missing']);
  });
});

describe('isMissing', () => {
  it('treats null, undefined, NaN and blank strings as missing, and nothing else', () => {
    expect([null, undefined, NaN, '', ' \t'].every(isMissing)).toBe(true);
    expect([0, '0', false, 'NA', '?'].some(isMissing)).toBe(false);
  });
});
