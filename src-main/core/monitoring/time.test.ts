import { describe, expect, it } from 'vitest';
import { bucketFor, parseDuration, windowEndingAt } from './time.ts';

describe('monitoring windows', () => {
  it('choose the bucket from the window: 1 h → 1 min, 24 h → 15 min, 7 d → 1 h, 30 d → 6 h (at most 200 points)', () => {
    const bucket = (w: string) => bucketFor(parseDuration(w, 'window'));
    expect([bucket('1h'), bucket('24h'), bucket('7d'), bucket('30d')]).toEqual([60, 900, 3600, 6 * 3600]);
    expect(bucket('90d') * 200).toBeGreaterThanOrEqual(90 * 86_400);
  });

  it('end with the bucket that holds now, aligned, so a reload a little later shows the same buckets', () => {
    const now = Date.parse('2026-12-04T13:59:50Z');
    const w = windowEndingAt(now, 24 * 3600);
    expect(new Date(w.to * 1000).toISOString()).toBe('2026-12-04T14:00:00.000Z');
    expect((w.to - w.from) / w.bucketSeconds).toBe(96);
    expect(windowEndingAt(now + 5000, 24 * 3600)).toEqual(w);
  });

  it('refuse a duration that is not one, naming the field', () => {
    for (const text of ['', '24', 'abc', '0h', '30s', '-1h']) expect(() => parseDuration(text, 'window')).toThrow(/window must be a duration/);
    expect(() => parseDuration('91d', 'since')).toThrow(/since may cover at most 90 days/);
    expect(parseDuration(' 7D ', 'window')).toBe(7 * 86_400);
  });
});
