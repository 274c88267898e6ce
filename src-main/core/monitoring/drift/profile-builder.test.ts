import { describe, expect, it } from 'vitest';
import { ModelDeskError } from '../../errors.ts';
import { binIndex } from './binning.ts';
import { parseProfile } from './parse-profile.ts';
import { ProfileBuilder, inferColumns } from './profile-builder.ts';
import type { CategoricalFeatureProfile, NumericFeatureProfile } from './profile-schema.ts';

const columns = {
  features: [
    { name: 'x', kind: 'numeric' as const },
    { name: 'c', kind: 'categorical' as const }
  ]
};

function build(rows: Record<string, unknown>[], options = {}) {
  const b = new ProfileBuilder(columns, options);
  for (const r of rows) b.add(r);
  return b.finish();
}

const num = (p: ReturnType<typeof build>, i = 0) => p.features[i] as NumericFeatureProfile;
const cat = (p: ReturnType<typeof build>, i = 1) => p.features[i] as CategoricalFeatureProfile;

describe('ProfileBuilder', () => {
  it('profiles a numeric column: edges, counts, bin means and exact moments', () => {
    const xs = [1, 2, 2, 3, 4, 4, 4, 10];
    const p = build([...xs.map((x) => ({ x, c: 'a' })), { x: null, c: 'a' }, { c: 'a' }], { bins: 10 });
    const f = num(p);
    expect(p.profile_version).toBe(1);
    expect(p.row_count).toBe(10);
    expect(f.edges).toEqual([1, 2, 3, 4, 10, 10]); // 5 distinct ≤ 10 bins: one bin per value
    expect(f.bin_means).toEqual([1, 2, 3, 4, 10]);
    expect(f.counts).toEqual([0, 1, 2, 1, 3, 1, 0, 2]); // under, 5 inner, over, missing
    expect(f.count).toBe(10);
    expect(f.mean).toBeCloseTo(30 / 8, 12);
    // sample std of xs: Σ(x − 3.75)² = 7.5625 + 2·3.0625 + 0.5625 + 3·0.0625 + 39.0625 = 53.5, / 7
    expect(f.std).toBeCloseTo(Math.sqrt(53.5 / 7), 12);
    expect([f.min, f.max, f.sampled_from]).toEqual([1, 10, null]);
  });

  it('counts every reference value into the bin binIndex gives it', () => {
    const rows = Array.from({ length: 3000 }, (_, i) => ({ x: Math.round(1000 * Math.sin(i * 1.7)) / 10, c: 'a' }));
    const f = num(build(rows, { bins: 20 }));
    const counts = new Array(f.counts.length).fill(0);
    for (const r of rows) counts[binIndex(f, r.x)] += 1;
    expect(counts).toEqual(f.counts);
    expect(f.edges.length - 1).toBe(20);
    expect(Math.max(...f.counts.slice(1, 21))).toBeLessThanOrEqual(Math.ceil((3000 / 20) * 1.2));
  });

  it('profiles a categorical column: top K by count (ties by name), other, unseen 0, missing', () => {
    const values = ['b', 'a', 'b', 'c', 'd', 'a', 'b', '', null, 'e', 7, 7];
    const f = cat(build(values.map((c) => ({ x: 1, c })), { topK: 3 }));
    expect(f.categories).toEqual(['b', '7', 'a']);
    expect(f.counts).toEqual([3, 2, 2, 3, 0, 2]);
    expect(f.other_categories).toEqual(['c', 'd', 'e']);
    expect(f.count).toBe(12);
  });

  it('stops listing other categories past the cap, and counts values past maxCategories as other', () => {
    const rows = ['a', 'a', 'b', 'c', 'd', 'e'].map((c) => ({ x: 1, c }));
    expect(cat(build(rows, { topK: 1, maxOtherCategories: 3 })).other_categories).toBeNull();
    const capped = cat(build(rows, { topK: 1, maxCategories: 2 }));
    expect(capped.categories).toEqual(['a']);
    expect(capped.counts).toEqual([2, 4, 0, 0]);
    expect(capped.other_categories).toBeNull();
  });

  it('accepts numeric strings in numeric columns (as the predict API does)', () => {
    expect(num(build([{ x: ' 3 ', c: 'a' }, { x: '4.5', c: 'a' }])).edges).toEqual([3, 4.5, 4.5]);
  });

  it('refuses a value of the wrong kind, naming the column and row, and does not count the row', () => {
    const b = new ProfileBuilder(columns);
    b.add({ x: 1, c: 'a' });
    let error: unknown;
    try {
      b.add({ x: 'forty', c: 'a' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ModelDeskError);
    expect((error as ModelDeskError).kind).toBe('invalid_input');
    expect((error as ModelDeskError).message).toBe('column "x", row 2: "forty" is not a number');
    expect((error as ModelDeskError).field).toBe('x');
    expect(() => b.add({ x: 2, c: { nested: true } })).toThrow(/column "c", row 2: .* is not a category/);
    expect(() => b.add({ x: Infinity, c: 'a' })).toThrow(/column "x", row 2/);
    b.add({ x: 2, c: 'b' });
    expect(b.finish().row_count).toBe(2);
  });

  it('refuses a column declared twice and nonsense options', () => {
    expect(() => new ProfileBuilder({ features: [columns.features[0]!, columns.features[0]!] })).toThrow(/"x" is declared twice/);
    expect(() => new ProfileBuilder(columns, { bins: 0 })).toThrow(RangeError);
    expect(() => new ProfileBuilder(columns, { topK: 1.5 })).toThrow(RangeError);
  });

  it('profiles predictions beside features; a row without a prediction counts as missing there', () => {
    const b = new ProfileBuilder({ ...columns, predictions: [{ name: 'label', kind: 'categorical' }, { name: 'probability', kind: 'numeric' }] });
    b.add({ x: 1, c: 'a' }, { label: '>50K', probability: 0.8 });
    b.add({ x: 2, c: 'a' }, { label: '<=50K', probability: 0.1 });
    b.add({ x: 3, c: 'a' });
    const p = b.finish();
    expect(p.predictions.map((f) => f.name)).toEqual(['label', 'probability']);
    expect((p.predictions[0] as CategoricalFeatureProfile).counts).toEqual([1, 1, 0, 0, 1]);
    expect((p.predictions[1] as NumericFeatureProfile).counts.at(-1)).toBe(1);
  });

  it('samples numeric values beyond maxExactRows (same rows for every column) and keeps moments exact', () => {
    const b = new ProfileBuilder({ features: [{ name: 'x', kind: 'numeric' }, { name: 'y', kind: 'numeric' }] }, { maxExactRows: 1000, seed: 7 });
    for (let i = 0; i < 10_000; i++) b.add({ x: i, y: i % 10 === 0 ? null : -i });
    const [x, y] = b.finish().features as NumericFeatureProfile[];
    expect(x!.count).toBe(1000);
    expect(x!.sampled_from).toBe(10_000);
    expect(x!.mean).toBeCloseTo(4999.5, 9);
    expect([x!.min, x!.max]).toEqual([0, 9999]);
    // a uniform sample of 1,000: its median within 3 standard errors (≈ 3·0.016) of the population's
    const median = x!.edges[50]!;
    expect(Math.abs(median - 5000)).toBeLessThan(0.05 * 10_000);
    // y is missing on 10% of rows: the sample keeps about that share, consistent with its bins
    const missingShare = y!.counts.at(-1)! / y!.count;
    expect(Math.abs(missingShare - 0.1)).toBeLessThan(0.03);
    expect(y!.counts.reduce((s, n) => s + n, 0)).toBe(1000);
  });

  it('is reproducible: the same rows and seed give the same profile', () => {
    const rows = Array.from({ length: 500 }, (_, i) => ({ x: (i * 7919) % 1000, c: String(i % 13) }));
    expect(build(rows, { maxExactRows: 100 })).toEqual(build(rows, { maxExactRows: 100 }));
  });

  it('makes a profile that survives JSON and parseProfile unchanged', () => {
    const rows = Array.from({ length: 500 }, (_, i) => ({ x: i % 3 === 0 ? '' : (i * 31) % 97, c: ['u', 'v', 'w', ''][i % 4] }));
    const p = build(rows, { topK: 2 });
    expect(parseProfile(JSON.parse(JSON.stringify(p)))).toEqual(p);
  });

  it('profiles a column with no values at all', () => {
    const p = build([{ c: null }, { x: '' }]);
    expect(num(p)).toMatchObject({ edges: [], counts: [0, 0, 2], mean: null, std: null, min: null, max: null });
    expect(cat(p)).toMatchObject({ categories: [], counts: [0, 0, 2], other_categories: [] });
    expect(parseProfile(p)).toEqual(p);
  });
});

describe('inferColumns', () => {
  it('calls a column numeric when every present value in the sample is a number', () => {
    const rows = [
      { a: '1', b: 'x', c: '', d: 2.5 },
      { a: ' 2', b: '3', c: null, d: '' }
    ];
    expect(inferColumns(rows, ['a', 'b', 'c', 'd'])).toEqual([
      { name: 'a', kind: 'numeric' },
      { name: 'b', kind: 'categorical' },
      { name: 'c', kind: 'categorical' },
      { name: 'd', kind: 'numeric' }
    ]);
  });
});
