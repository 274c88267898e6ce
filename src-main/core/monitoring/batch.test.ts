import { describe, expect, it } from 'vitest';
import { DriftSampling } from './batch.ts';

/** Offers `perSecond` rows a second for `seconds`, a pass every 2 s; returns what the last pass kept. */
function drive(sampling: DriftSampling, perSecond: number, seconds: number, clock: { now: number }): { kept: number; offered: number } {
  let kept = 0;
  let offered = 0;
  for (let pass = 0; pass < seconds / 2; pass++) {
    kept = 0;
    offered = perSecond * 2;
    for (let i = 0; i < offered; i++) if (sampling.keep()) kept++;
    clock.now += 2000;
    sampling.update(clock.now);
  }
  return { kept, offered };
}

describe('drift sampling on a busy server', () => {
  it('counts every row while the traffic stays under the rate', () => {
    const clock = { now: 0 };
    const sampling = new DriftSampling(500, 0);
    expect(drive(sampling, 400, 600, clock)).toEqual({ kept: 800, offered: 800 });
    expect(sampling.probability).toBe(1);
  });

  it('counts a lone burst whole (one batch call of 10,000 rows), and every row again once it is over', () => {
    const clock = { now: 0 };
    const sampling = new DriftSampling(500, 0);
    drive(sampling, 10, 20, clock);
    expect(drive(sampling, 5000, 2, clock)).toEqual({ kept: 10_000, offered: 10_000 });
    expect(sampling.probability).toBeLessThan(1);
    drive(sampling, 10, 60, clock);
    expect(sampling.probability).toBe(1);
  });

  it('keeps a uniform sample of about the rate once the traffic stays above it', () => {
    const clock = { now: 0 };
    const sampling = new DriftSampling(500, 0);
    const { kept, offered } = drive(sampling, 8000, 120, clock);
    expect(sampling.probability).toBeCloseTo(500 / 8000, 3);
    // each row kept with the same probability: within 5 standard deviations of offered × p
    const p = 500 / 8000;
    expect(Math.abs(kept - offered * p)).toBeLessThan(5 * Math.sqrt(offered * p * (1 - p)));
  });
});
