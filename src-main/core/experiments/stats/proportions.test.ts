import { describe, expect, it } from 'vitest';
import { chiSquareTest, twoProportionZTest, wilsonInterval, zForConfidence } from './proportions.ts';

describe('wilsonInterval', () => {
  // Newcombe R.G. (1998) "Two-sided confidence intervals for the single proportion: comparison
  // of seven methods", Stat Med 17:857–872, Table I, method 3 (score, no continuity correction).
  // Cross-checked: scipy 1.17.1 binomtest(k, n).proportion_ci(method='wilson') gives the same 4 dp.
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0.0, 0.1611],
    [1, 29, 0.0061, 0.1718]
  ])('%i/%i → (%f, %f) as published', (k, n, lower, upper) => {
    const ci = wilsonInterval(k, n);
    expect(ci).not.toBeNull();
    expect(Math.abs((ci?.lower ?? NaN) - lower)).toBeLessThan(5e-5);
    expect(Math.abs((ci?.upper ?? NaN) - upper)).toBeLessThan(5e-5);
  });

  it('is null for n = 0 and stays inside [0, 1]', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    const all = wilsonInterval(10, 10);
    expect(all?.upper).toBe(1);
    expect(all?.lower).toBeGreaterThan(0.6);
  });

  it('narrows as the confidence level drops', () => {
    const ci95 = wilsonInterval(81, 263);
    const ci90 = wilsonInterval(81, 263, 0.9);
    expect((ci90?.upper ?? 0) - (ci90?.lower ?? 0)).toBeLessThan((ci95?.upper ?? 0) - (ci95?.lower ?? 0));
  });

  it('rejects impossible counts', () => {
    expect(() => wilsonInterval(5, 3)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 3)).toThrow(RangeError);
    expect(() => wilsonInterval(1.5, 3)).toThrow(RangeError);
    expect(() => zForConfidence(1)).toThrow(RangeError);
  });
});

describe('twoProportionZTest', () => {
  it('matches R for the Whickham smoking table (Appleton et al. 1996, Faraway 2006 §4.4)', () => {
    // Dead: 230 of 732 non-smokers, 139 of 582 smokers. R summary(xtabs(...)), Pearson without
    // continuity correction: Chisq = 9.121, df = 1, p-value = 0.002527 (published output);
    // z² is that statistic.
    const r = twoProportionZTest(230, 732, 139, 582);
    expect(r).not.toBeNull();
    expect(Math.abs((r?.z ?? 0) ** 2 - 9.121)).toBeLessThan(5e-4);
    expect(Math.abs((r?.pValue ?? 0) - 0.002527)).toBeLessThan(5e-7);
    expect(r?.difference).toBeCloseTo(230 / 732 - 139 / 582, 12);
  });

  it('matches the statsmodels proportions_ztest docstring example', () => {
    // statsmodels.stats.proportion.proportions_ztest docs: count [5, 12], nobs [83, 99] → pval 0.159
    const r = twoProportionZTest(5, 83, 12, 99);
    expect(Math.abs((r?.pValue ?? 0) - 0.159)).toBeLessThan(5e-4);
    expect(r?.z).toBeLessThan(0);
  });

  it('gives the Wald interval of R prop.test(correct = FALSE)', () => {
    // R prop.test(x = c(490, 400), n = c(500, 500)) prints the Yates-corrected interval
    // (0.1408536, 0.2191464); R widens it by YATES·(1/n1 + 1/n2) = 0.5·0.004 = 0.002 on each
    // side, so without correction it is (0.1428536, 0.2171464).
    const r = twoProportionZTest(490, 500, 400, 500);
    expect(r?.ci.lower).toBeCloseTo(0.1428536, 6);
    expect(r?.ci.upper).toBeCloseTo(0.2171464, 6);
  });

  it('is null when an arm has no data or every outcome is the same', () => {
    expect(twoProportionZTest(0, 0, 5, 10)).toBeNull();
    expect(twoProportionZTest(3, 10, 0, 0)).toBeNull();
    expect(twoProportionZTest(10, 10, 20, 20)).toBeNull();
    expect(twoProportionZTest(0, 10, 0, 20)).toBeNull();
  });
});

describe('chiSquareTest', () => {
  it('matches R prop.test(smokers, patients) from its help page', () => {
    // ?prop.test: smokers <- c(83, 90, 129, 70); patients <- c(86, 93, 136, 82)
    // → X-squared = 12.6, df = 3, p-value = 0.005585 (scipy chi2_contingency: 12.6004)
    const r = chiSquareTest([
      { successes: 83, n: 86 },
      { successes: 90, n: 93 },
      { successes: 129, n: 136 },
      { successes: 70, n: 82 }
    ]);
    expect(r?.df).toBe(3);
    expect(Math.abs((r?.statistic ?? 0) - 12.6)).toBeLessThan(0.05);
    expect(Math.abs((r?.pValue ?? 0) - 0.005585)).toBeLessThan(5e-7);
  });

  it('equals z² of the two-proportion test for two groups', () => {
    const chi = chiSquareTest([
      { successes: 230, n: 732 },
      { successes: 139, n: 582 }
    ]);
    const z = twoProportionZTest(230, 732, 139, 582);
    expect(chi?.df).toBe(1);
    expect(chi?.statistic).toBeCloseTo((z?.z ?? 0) ** 2, 10);
    expect(chi?.pValue).toBeCloseTo(z?.pValue ?? 0, 10);
  });

  it('leaves out groups without data, and is null without two informative groups', () => {
    const r = chiSquareTest([
      { successes: 230, n: 732 },
      { successes: 0, n: 0 },
      { successes: 139, n: 582 }
    ]);
    expect(r?.df).toBe(1);
    expect(chiSquareTest([{ successes: 3, n: 10 }])).toBeNull();
    expect(chiSquareTest([{ successes: 3, n: 10 }, { successes: 0, n: 0 }])).toBeNull();
    expect(chiSquareTest([{ successes: 10, n: 10 }, { successes: 4, n: 4 }])).toBeNull();
  });
});
