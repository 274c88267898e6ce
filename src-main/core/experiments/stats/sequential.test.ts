import { describe, expect, it } from 'vitest';
import { seededRandom as rng, normalDraw as normal } from '../../../../test/helpers/random.ts';
import { summarize } from './continuous.ts';
import { twoProportionZTest } from './proportions.ts';
import {
  DEFAULT_ACCURACY_TAU,
  alwaysValidPValue,
  mixtureLogLikelihoodRatio,
  msprtMeans,
  msprtProportions
} from './sequential.ts';


const TAU2 = DEFAULT_ACCURACY_TAU ** 2;
const ALPHA = 0.05;
const SIMULATIONS = 200;
const PEEK_EVERY = 50;
const MAX_PER_ARM = 2000;

/** Runs SIMULATIONS two-arm Bernoulli tests, peeking every 50 per arm; share ever rejected. */
function bernoulliRejectRate(pA: number, pB: number, seed: number, test: 'msprt' | 'z'): number {
  const random = rng(seed);
  let rejected = 0;
  for (let s = 0; s < SIMULATIONS; s++) {
    let sa = 0;
    let sb = 0;
    let p = 1;
    for (let n = 1; n <= MAX_PER_ARM; n++) {
      if (random() < pA) sa++;
      if (random() < pB) sb++;
      if (n % PEEK_EVERY !== 0) continue;
      const pValue =
        test === 'msprt'
          ? (p = msprtProportions(sa, n, sb, n, TAU2, p)?.pValue ?? p)
          : (twoProportionZTest(sa, n, sb, n)?.pValue ?? 1);
      if (pValue <= ALPHA) {
        rejected++;
        break;
      }
    }
  }
  return rejected / SIMULATIONS;
}

describe('mixture likelihood ratio', () => {
  it("equals Johari et al.'s n-sample form √(σ²/(σ²+nτ²))·exp(n²τ²θ̂²/(2σ²(σ²+nτ²)))", () => {
    // With n pairs of per-pair variance σ², Var θ̂ = σ²/n; the two forms must agree.
    for (const [sigma2, n, theta, tau2] of [
      [0.5, 100, 0.08, 0.0025],
      [2, 1000, -0.3, 0.04],
      [1, 30, 0, 1]
    ] as const) {
      const spread = sigma2 + n * tau2;
      const paper = 0.5 * Math.log(sigma2 / spread) + (n * n * tau2 * theta * theta) / (2 * sigma2 * spread);
      expect(mixtureLogLikelihoodRatio(theta, sigma2 / n, tau2)).toBeCloseTo(paper, 10);
    }
  });

  it('gives p = 1 with no observed difference, and a smaller p for a larger one', () => {
    expect(alwaysValidPValue(0, 1e-4, TAU2)).toBe(1);
    const small = alwaysValidPValue(0.02, 1e-4, TAU2);
    const large = alwaysValidPValue(0.05, 1e-4, TAU2);
    expect(large).toBeLessThan(small);
    expect(alwaysValidPValue(0.05, 1e-4, TAU2, 1e-6)).toBe(1e-6);
    expect(alwaysValidPValue(0.01, 1e-4, TAU2, 0.5)).toBe(0.5);
    expect(alwaysValidPValue(1, 0, TAU2)).toBe(0);
  });

  it('is never below the fixed-horizon z-test p-value (the price of peeking)', () => {
    for (const [s1, s2] of [
      [400, 450],
      [470, 490],
      [300, 380]
    ] as const) {
      const seq = msprtProportions(s1, 500, s2, 500, TAU2);
      const z = twoProportionZTest(s1, 500, s2, 500);
      expect(seq?.pValue ?? 0).toBeGreaterThanOrEqual(z?.pValue ?? 1);
    }
  });

  it('reports first − second and handles empty or constant arms without dividing by zero', () => {
    expect(msprtProportions(450, 500, 400, 500)?.difference).toBeCloseTo(0.1, 12);
    expect(msprtProportions(0, 0, 3, 10)).toBeNull();
    expect(msprtProportions(10, 10, 20, 20)?.pValue).toBe(1);
    const one = summarize([1]);
    const many = summarize([1, 2, 3]);
    expect(one && many ? msprtMeans(one, many, 1) : 'missing').toBeNull();
    expect(() => msprtProportions(1, 2, 1, 2, 0)).toThrow(RangeError);
  });
});

describe('mSPRT under continuous peeking', () => {
  it('keeps the A/A false-positive rate ≤ alpha: 200 tests, a look every 50 up to 2000 per arm', () => {
    expect(bernoulliRejectRate(0.5, 0.5, 1, 'msprt')).toBeLessThanOrEqual(0.07);
    expect(bernoulliRejectRate(0.85, 0.85, 2, 'msprt')).toBeLessThanOrEqual(0.07);
  });

  it('while peeking at a fixed-horizon z-test inflates it (why the verdict does not use it)', () => {
    expect(bernoulliRejectRate(0.5, 0.5, 1, 'z')).toBeGreaterThan(0.1);
  });

  it('detects a large true difference (0.50 vs 0.60) in almost every test', () => {
    expect(bernoulliRejectRate(0.5, 0.6, 3, 'msprt')).toBeGreaterThanOrEqual(0.95);
  });

  it('does the same for means of per-request errors (A/A ≤ alpha, 0.3 sd shift detected)', () => {
    const rate = (shift: number, seed: number): number => {
      const random = rng(seed);
      let rejected = 0;
      for (let s = 0; s < SIMULATIONS; s++) {
        const acc = [0, 1].map(() => ({ n: 0, sum: 0, sq: 0 }));
        let p = 1;
        for (let n = 1; n <= MAX_PER_ARM; n++) {
          for (const [i, a] of acc.entries()) {
            const x = Math.abs(normal(random) * (1 + (i === 1 ? shift : 0)));
            a.n++;
            a.sum += x;
            a.sq += x * x;
          }
          if (n % PEEK_EVERY !== 0) continue;
          const [a, b] = acc.map((x) => ({
            n: x.n,
            mean: x.sum / x.n,
            variance: (x.sq - (x.sum * x.sum) / x.n) / (x.n - 1)
          }));
          if (!a || !b) continue;
          // τ = 10% of a mean absolute error near 0.8, the default regression MDE
          p = msprtMeans(a, b, 0.08 ** 2, p)?.pValue ?? p;
          if (p <= ALPHA) {
            rejected++;
            break;
          }
        }
      }
      return rejected / SIMULATIONS;
    };
    expect(rate(0, 4)).toBeLessThanOrEqual(0.07);
    expect(rate(0.3, 5)).toBeGreaterThanOrEqual(0.95);
  });
});
