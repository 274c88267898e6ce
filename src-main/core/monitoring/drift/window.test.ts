import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../test/helpers/random.ts';
import { ProfileBuilder } from './profile-builder.ts';
import { addRow, addValue, countWindow, emptyCounts, emptyWindow, mergeCounts, mergeWindows, totalCount } from './window.ts';

const random = seededRandom(42);
const rows = Array.from({ length: 2000 }, (_, i) => ({
  x: i % 50 === 0 ? null : Math.round(random() * 1000) / 10,
  c: ['red', 'green', 'blue', 'teal'][Math.floor(random() * 4)]
}));
const outputs = rows.map((r) => ({ label: (r.x ?? 0) > 50 ? 'high' : 'low' }));

const builder = new ProfileBuilder(
  { features: [{ name: 'x', kind: 'numeric' }, { name: 'c', kind: 'categorical' }], predictions: [{ name: 'label', kind: 'categorical' }] },
  { topK: 2 }
);
rows.forEach((r, i) => builder.add(r, outputs[i]));
const profile = builder.finish();
const [x] = profile.features;

describe('window aggregates', () => {
  it('counting the reference rows against their own profile gives the profile counts', () => {
    const w = countWindow(profile, rows, outputs);
    expect(w.features.x!.counts).toEqual(profile.features[0]!.counts);
    expect(w.features.c!.counts).toEqual(profile.features[1]!.counts);
    expect(w.predictions.label!.counts).toEqual(profile.predictions[0]!.counts);
  });

  it('summing hourly aggregates gives exactly the aggregate of the whole window', () => {
    const whole = countWindow(profile, rows);
    const cuts = [0, 500, 1200, 1999, 2000];
    const hours = cuts.slice(1).map((to, i) => countWindow(profile, rows.slice(cuts[i], to)));
    const summed = mergeWindows(...hours);
    expect(summed.features.c).toEqual(whole.features.c);
    expect(summed.features.x!.counts).toEqual(whole.features.x!.counts);
    expect(summed.features.x!.min).toBe(whole.features.x!.min);
    expect(summed.features.x!.max).toBe(whole.features.x!.max);
    expect(summed.features.x!.sum).toBeCloseTo(whole.features.x!.sum, 6);
    expect(summed.features.x!.sumSquares).toBeCloseTo(whole.features.x!.sumSquares, 3);
  });

  it('tracks min, max, Σx and Σx² over the present numeric values only', () => {
    const c = emptyCounts(x!);
    for (const v of [3, null, '7', 'oops', -2]) addValue(x!, c, v);
    expect(totalCount(c)).toBe(5);
    expect(c.counts.at(-1)).toBe(2); // null and 'oops' are missing
    expect([c.min, c.max, c.sum, c.sumSquares]).toEqual([-2, 7, 8, 62]);
  });

  it('merging with an empty aggregate changes nothing, and merging does not mutate its inputs', () => {
    const a = countWindow(profile, rows.slice(0, 10)).features.x!;
    const snapshot = structuredClone(a);
    expect(mergeCounts(a, emptyCounts(x!))).toEqual(a);
    expect(mergeCounts(emptyCounts(x!), a)).toEqual(a);
    mergeCounts(a, a);
    expect(a).toEqual(snapshot);
  });

  it('refuses to merge counts made against different bins', () => {
    const other = new ProfileBuilder({ features: [{ name: 'x', kind: 'numeric' }] }, { bins: 3 });
    for (let i = 0; i < 100; i++) other.add({ x: i });
    const foreign = emptyCounts(other.finish().features[0]!);
    expect(() => mergeCounts(emptyCounts(x!), foreign)).toThrow(/different profiles/);
  });

  it('adds a row with no prediction as missing predictions, and mergeWindows keeps columns only one side has', () => {
    const w = emptyWindow(profile);
    addRow(profile, w, { x: 1, c: 'red' });
    expect(w.predictions.label!.counts.at(-1)).toBe(1);
    const merged = mergeWindows({ features: { x: w.features.x! }, predictions: {} }, { features: { c: w.features.c! }, predictions: {} });
    expect(Object.keys(merged.features).sort()).toEqual(['c', 'x']);
    expect(merged.features.x).not.toBe(w.features.x); // a copy
  });
});
