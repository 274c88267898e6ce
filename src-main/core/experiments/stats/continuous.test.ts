import { describe, expect, it } from 'vitest';
import { seededRandom as rng, normalDraw as normal } from '../../../../test/helpers/random.ts';
import { mae, mean, meanInterval, percentile, rmse, sd, variance, welchTTest } from './continuous.ts';

// R's built-in `sleep` data (Student 1908): extra hours of sleep under two drugs.
const sleep1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const sleep2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];


describe('mean, variance, sd', () => {
  it('match the Wikipedia "Standard deviation" example', () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, population sd 2, so sample variance = 32 / 7
    const x = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(x)).toBe(5);
    expect(variance(x)).toBeCloseTo(32 / 7, 12);
    expect(sd(x)).toBeCloseTo(Math.sqrt(32 / 7), 12);
  });

  it('return null instead of dividing by zero', () => {
    expect(mean([])).toBeNull();
    expect(variance([3])).toBeNull();
    expect(sd([])).toBeNull();
    expect(meanInterval([1])).toBeNull();
  });

  it('give the Student-t interval for a mean', () => {
    // sleep group 1: scipy 1.17.1 stats.t.interval(0.95, 9, loc=mean, scale=sem) (textbook
    // x̄ ± t_{0.975,9}·s/√n) → (-0.5297804, 2.0297804)
    const ci = meanInterval(sleep1);
    expect(ci?.lower).toBeCloseTo(-0.5297804, 6);
    expect(ci?.upper).toBeCloseTo(2.0297804, 6);
  });
});

describe('welchTTest', () => {
  it("matches R's t.test(extra ~ group, data = sleep), which is Welch by default", () => {
    // Published R output: t = -1.8608, df = 17.776, p-value = 0.07939,
    // 95 percent confidence interval: -3.3654832 0.2054832; means 0.75 and 2.33.
    // scipy.stats.ttest_ind(equal_var=False) agrees.
    const r = welchTTest(sleep1, sleep2);
    expect(r).not.toBeNull();
    expect(r?.t).toBeCloseTo(-1.8608, 4);
    expect(r?.df).toBeCloseTo(17.776, 3);
    expect(Math.abs((r?.pValue ?? 0) - 0.07939)).toBeLessThan(5e-6);
    expect(r?.difference).toBeCloseTo(0.75 - 2.33, 10);
    expect(r?.ci.lower).toBeCloseTo(-3.3654832, 6);
    expect(r?.ci.upper).toBeCloseTo(0.2054832, 6);
  });

  it('is null with fewer than two values per sample or no variance at all', () => {
    expect(welchTTest([1], [1, 2, 3])).toBeNull();
    expect(welchTTest([], [])).toBeNull();
    expect(welchTTest([2, 2, 2], [2, 2])).toBeNull();
  });
});

describe('mae and rmse', () => {
  it('compute the point values', () => {
    // residuals 3, -4: MAE = 3.5, RMSE = √((9 + 16) / 2)
    expect(mae([3, -4])?.value).toBe(3.5);
    expect(rmse([3, -4])?.value).toBeCloseTo(Math.sqrt(12.5), 12);
  });

  it('use a t-interval on |e| (MAE) and the square root of a t-interval on e² (RMSE)', () => {
    const e = sleep1;
    const abs = meanInterval(e.map(Math.abs));
    const sq = meanInterval(e.map((x) => x * x));
    const m = mae(e);
    const r = rmse(e);
    expect(m?.ci?.lower).toBeCloseTo(Math.max(0, abs?.lower ?? 0), 12);
    expect(m?.ci?.upper).toBeCloseTo(abs?.upper ?? 0, 12);
    expect(r?.ci?.lower).toBeCloseTo(Math.sqrt(Math.max(0, sq?.lower ?? 0)), 12);
    expect(r?.ci?.upper).toBeCloseTo(Math.sqrt(sq?.upper ?? 0), 12);
    expect(r?.ci?.lower).toBeLessThan(r?.value ?? 0);
    expect(r?.ci?.upper).toBeGreaterThan(r?.value ?? 0);
  });

  it('cover the true RMSE and MAE about 95% of the time (N(0, 1) errors, n = 200)', () => {
    // For N(0, σ = 1) errors the true RMSE is 1 and the true MAE is √(2/π).
    const random = rng(11);
    const reps = 400;
    let coveredRmse = 0;
    let coveredMae = 0;
    for (let r = 0; r < reps; r++) {
      const e = Array.from({ length: 200 }, () => normal(random));
      const a = rmse(e)?.ci;
      const b = mae(e)?.ci;
      if (a && a.lower <= 1 && 1 <= a.upper) coveredRmse++;
      if (b && b.lower <= Math.sqrt(2 / Math.PI) && Math.sqrt(2 / Math.PI) <= b.upper) coveredMae++;
    }
    expect(coveredRmse / reps).toBeGreaterThan(0.92);
    expect(coveredRmse / reps).toBeLessThan(0.98);
    expect(coveredMae / reps).toBeGreaterThan(0.92);
    expect(coveredMae / reps).toBeLessThan(0.98);
  });

  it('return null without feedback and an estimate without interval for one value', () => {
    expect(rmse([])).toBeNull();
    expect(mae([])).toBeNull();
    expect(rmse([2])).toEqual({ value: 2, n: 1, ci: null });
    expect(() => mae([1, Number.NaN])).toThrow(RangeError);
  });
});

describe('percentile', () => {
  it('interpolates linearly like numpy.percentile and R quantile type 7', () => {
    // numpy.percentile docs: a = [[10, 7, 4], [3, 2, 1]]; np.percentile(a, 50) → 3.5
    expect(percentile([10, 7, 4, 3, 2, 1], 50)).toBe(3.5);
    // R: quantile(1:10, 0.95) → 9.55 (type 7, the default)
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBeCloseTo(9.55, 12);
    // Wikipedia "Percentile", linear interpolation between closest ranks (C = 1):
    // 40th percentile of {15, 20, 35, 40, 50} is 29
    expect(percentile([15, 20, 35, 40, 50], 40)).toBeCloseTo(29, 12);
    expect(percentile([15, 20, 35, 40, 50], 0)).toBe(15);
    expect(percentile([15, 20, 35, 40, 50], 100)).toBe(50);
  });

  it('handles empty and single inputs and does not reorder the input', () => {
    expect(percentile([], 95)).toBeNull();
    expect(percentile([42], 95)).toBe(42);
    const latencies = [300, 100, 200];
    expect(percentile(latencies, 50)).toBe(200);
    expect(latencies).toEqual([300, 100, 200]);
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});
