import { describe, expect, it } from 'vitest';
import { DriftSampling } from './batch.ts';

/** Rows offered at `perSecond` for `seconds`, with a pass every 2 s; returns the rows kept in the last pass. */
function drive(sampling: DriftSampling, perSecond: number, seconds: number, start = 0): { kept: number; offered: number; now: number } {
  let now = start;
  let kept = 0;
  let offered = 0;
  for (let pass = 0; pass < seconds / 2; pass++) {
    kept = 0;
    offered = perSecond * 2;
    for (let i = 0; i < offered; i++) if (sampling.keep()) kept++;
    now += 2000;
    sampling.update(now);
  }
  return { kept, offered, now };
}

describe('drift sampling on a busy server', () => {
  it('counts every row while the traffic stays under the rate', () => {
    const sampling = new DriftSampling(2000, 0);
    expect(drive(sampling, 1500, 600)).toMatchObject({ kept: 3000, offered: 3000 });
    expect(sampling.probability).toBe(1);
  });

  it('counts a burst of batch calls whole: the rate is an average over about a minute', () => {
    const sampling = new DriftSampling(2000, 0);
    // 60,000 rows in 10 s after a quiet start
    drive(sampling, 6000, 10);
    expect(sampling.probability).toBe(1);
  });

  it('keeps a uniform sample of about the rate once the traffic stays above it', () => {
    const sampling = new DriftSampling(2000, 0);
    const { kept, offered } = drive(sampling, 8000, 600);
    expect(sampling.probability).toBeCloseTo(0.25, 2);
    // each row kept with probability 1/4: ±5 standard deviations
    expect(Math.abs(kept - offered / 4)).toBeLessThan(5 * Math.sqrt(offered * 0.25 * 0.75));
  });
});
