import { describe, expect, it } from 'vitest';
import { normalDraw, seededRandom } from '../../../../test/helpers/random.ts';
import { addEncoded, addLatency, encodeHistogram, histogramQuantile, mergeHistogram, type Histogram } from './latency-histogram.ts';

/** The exact nearest-rank quantile, for comparison. */
const exact = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.max(1, Math.ceil(q * values.length)) - 1]!;

describe('latency histograms', () => {
  it('give p50/p95/p99 within 9% of the exact values, from 20 µs to 2 s', () => {
    const random = seededRandom(7);
    // log-normal latencies around 300 µs with a slow tail, as a model server shows
    const values = Array.from({ length: 20_000 }, () => Math.exp(Math.log(300) + 1.2 * normalDraw(random)));
    const h: Histogram = [];
    for (const v of values) addLatency(h, v);
    for (const q of [0.5, 0.95, 0.99]) {
      const got = histogramQuantile(h, q)!;
      expect(Math.abs(got / exact(values, q) - 1), `q=${q}`).toBeLessThan(0.09);
    }
  });

  it('merge by addition: minutes summed into an hour give the hour\'s percentiles', () => {
    const minutes: Histogram[] = [[], [], []];
    const all: Histogram = [];
    [100, 200, 5000, 120, 90, 40_000, 300, 310, 250].forEach((v, i) => {
      addLatency(minutes[i % 3]!, v);
      addLatency(all, v);
    });
    const merged: Histogram = [];
    for (const m of minutes) mergeHistogram(merged, m);
    expect(merged).toEqual(all);
    expect(histogramQuantile(merged, 0.99)).toBe(histogramQuantile(all, 0.99));
  });

  it('store as compact little-endian bytes and read back the same counts', () => {
    const h: Histogram = [];
    addLatency(h, 1, 3);
    addLatency(h, 1500, 70_000);
    const bytes = encodeHistogram([...h, 0, 0]);
    expect(bytes.byteLength).toBe(h.length * 4);
    const back: Histogram = [];
    addEncoded(back, bytes);
    addEncoded(back, null);
    expect(back).toEqual(h);
  });

  it('say nothing of an empty histogram, and keep sub-microsecond and very slow values', () => {
    expect(histogramQuantile([], 0.5)).toBeNull();
    const h: Histogram = [];
    addLatency(h, 0);
    addLatency(h, 1e12);
    expect(histogramQuantile(h, 0.01)).toBeLessThan(2);
    expect(histogramQuantile(h, 1)).toBeGreaterThan(1e9);
  });
});
