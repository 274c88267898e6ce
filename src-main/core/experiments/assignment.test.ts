import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import { describe, expect, it } from 'vitest';
import { seededRandom as rng } from '../../../test/helpers/random.ts';
import { isModelDeskError } from '../errors.ts';
import { pickArm, stickyArm, stickyUnit, validateWeights } from './assignment.ts';


/** Pearson goodness-of-fit p-value of observed counts against weights. */
function goodnessOfFit(counts: number[], weights: number[]): number {
  const n = counts.reduce((s, c) => s + c, 0);
  const total = weights.reduce((s, w) => s + w, 0);
  const x2 = counts.reduce((s, c, i) => {
    const expected = (n * (weights[i] ?? 0)) / total;
    return s + (c - expected) ** 2 / expected;
  }, 0);
  return 1 - chisquareCdf(x2, counts.length - 1);
}

const arms = (...weights: number[]): { weight: number }[] => weights.map((weight) => ({ weight }));

describe('validateWeights', () => {
  it('accepts positive finite weights', () => {
    expect(() => validateWeights(arms(1, 0.5, 3))).not.toThrow();
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('rejects weight %s naming the arm', (bad) => {
    let caught: unknown;
    try {
      validateWeights([{ weight: 1, name: 'lr 0.0.1' }, { weight: bad, name: 'rf 0.0.1' }]);
    } catch (err) {
      caught = err;
    }
    expect(isModelDeskError(caught)).toBe(true);
    if (!isModelDeskError(caught)) return;
    expect(caught.kind).toBe('invalid_input');
    expect(caught.field).toBe('arms[1].weight');
    expect(caught.message).toBe(`The weight of arm 2 (rf 0.0.1) must be a positive finite number, got ${String(bad)}`);
  });

  it('rejects a weight that is not a number and an empty arm list', () => {
    const notNumber = JSON.parse('[{"weight": "2"}]') as { weight: number }[];
    expect(() => validateWeights(notNumber)).toThrow('The weight of arm 1 must be a positive finite number, got 2');
    expect(() => validateWeights([])).toThrow('An A/B test needs at least one arm');
  });
});

describe('pickArm', () => {
  it('respects the weights over many draws (chi-square goodness of fit)', () => {
    const weights = [1, 2, 7];
    const random = rng(42);
    const counts = [0, 0, 0];
    for (let i = 0; i < 20_000; i++) {
      const arm = pickArm(arms(...weights), random);
      counts[arm] = (counts[arm] ?? 0) + 1;
    }
    expect(goodnessOfFit(counts, weights)).toBeGreaterThan(0.001);
    expect((counts[2] ?? 0) / 20_000).toBeCloseTo(0.7, 1);
  });

  it('maps the edges of [0, 1) to the first and last arm', () => {
    expect(pickArm(arms(1, 1), () => 0)).toBe(0);
    expect(pickArm(arms(1, 1), () => 0.4999)).toBe(0);
    expect(pickArm(arms(1, 1), () => 0.5)).toBe(1);
    expect(pickArm(arms(1, 1), () => 1 - Number.EPSILON)).toBe(1);
    expect(pickArm(arms(5), () => 0.3)).toBe(0);
  });

  it('refuses a random source outside [0, 1) and bad weights', () => {
    expect(() => pickArm(arms(1, 1), () => 1)).toThrow(RangeError);
    expect(() => pickArm(arms(1, 0), () => 0.5)).toThrow('arm 2');
  });
});

describe('stickyArm', () => {
  it('maps sha256(`${testId}:${key}`) to [0, 1) from the first 48 bits', () => {
    // Independent check with coreutils: printf '7:alice' | sha256sum → 95a4d059884f…;
    // 0x95a4d059884f / 2^48 = 0.5845461100182625
    expect(stickyUnit('alice', 7)).toBeCloseTo(0.5845461100182625, 15);
  });

  it('always gives the same key the same arm', () => {
    const weighted = arms(1, 1, 1);
    const first = stickyArm(weighted, 'user-123', 9);
    for (let i = 0; i < 100; i++) expect(stickyArm(weighted, 'user-123', 9)).toBe(first);
  });

  it('spreads different keys across arms in proportion to the weights', () => {
    const weights = [1, 3];
    const counts = [0, 0];
    for (let i = 0; i < 10_000; i++) {
      const arm = stickyArm(arms(...weights), `client-${i}`, 1);
      counts[arm] = (counts[arm] ?? 0) + 1;
    }
    expect(goodnessOfFit(counts, weights)).toBeGreaterThan(0.001);
  });

  it('assigns independently in different tests', () => {
    let moved = 0;
    for (let i = 0; i < 1000; i++) {
      if (stickyArm(arms(1, 1), `client-${i}`, 1) !== stickyArm(arms(1, 1), `client-${i}`, 2)) moved++;
    }
    // independent fair coins disagree half the time
    expect(moved).toBeGreaterThan(400);
    expect(moved).toBeLessThan(600);
  });
});
