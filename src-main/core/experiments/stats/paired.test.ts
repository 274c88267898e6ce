import { describe, expect, it } from 'vitest';
import { mcNemarTest, pairedProportionDifference, pairedTTest, sampleSizeMcNemar, sampleSizePairedT } from './paired.ts';

// Agresti, Categorical Data Analysis (2nd ed., 2002), Table 10.1: approval of the President in two
// surveys of the same 1,600 people. Approve both 794, approve then disapprove 150, disapprove then
// approve 86, disapprove both 570. R's ?mcnemar.test runs the same table.
const approval = { bothCorrect: 794, firstOnly: 150, secondOnly: 86, bothWrong: 570 };

describe('mcNemarTest', () => {
  it("matches R's mcnemar.test(Performance): X² = 16.818, p = 4.115e-05", () => {
    const result = mcNemarTest(approval)!;
    expect(result.statistic).toBeCloseTo(16.818, 3);
    expect(result.pValue).toBeCloseTo(4.115e-5, 8);
  });

  it('is symmetric in the two models and null without discordant pairs', () => {
    const swapped = { ...approval, firstOnly: 86, secondOnly: 150 };
    expect(mcNemarTest(swapped)!.statistic).toBeCloseTo(mcNemarTest(approval)!.statistic, 12);
    expect(mcNemarTest({ bothCorrect: 10, firstOnly: 0, secondOnly: 0, bothWrong: 3 })).toBeNull();
    // equal discordant cells: no evidence at all (R's formula, unclamped, would give X² = 1/6)
    expect(mcNemarTest({ bothCorrect: 0, firstOnly: 3, secondOnly: 3, bothWrong: 0 })).toEqual({ statistic: 0, pValue: 1 });
  });
});

describe('pairedProportionDifference', () => {
  it("matches Agresti §10.1.1: 0.55 − 0.59 = −0.04, SE 0.0095, 95% CI (−0.06, −0.02)", () => {
    // Agresti reports the first survey minus the second: 0.04 with CI (0.02, 0.06); here the
    // second (the candidate) minus the first, so the signs flip.
    const d = pairedProportionDifference(approval)!;
    expect(d.difference).toBeCloseTo(-0.04, 12);
    expect((d.ci.upper - d.ci.lower) / 2 / 1.959964).toBeCloseTo(0.0095, 4);
    expect(d.ci.lower).toBeCloseTo(-0.0587, 3);
    expect(d.ci.upper).toBeCloseTo(-0.0213, 3);
    expect(d.n).toBe(1600);
  });

  it('is null for no pairs and refuses impossible counts', () => {
    expect(pairedProportionDifference({ bothCorrect: 0, firstOnly: 0, secondOnly: 0, bothWrong: 0 })).toBeNull();
    expect(() => pairedProportionDifference({ bothCorrect: -1, firstOnly: 0, secondOnly: 0, bothWrong: 0 })).toThrow(RangeError);
  });
});

describe('pairedTTest', () => {
  // Student's sleep data (Cushny & Peebles 1905), R's ?t.test example:
  // t.test(extra[group == 1], extra[group == 2], paired = TRUE) → t = -4.0621, df = 9,
  // p-value = 0.002833, 95% CI -2.4598858 -0.7001142, mean difference -1.58.
  const drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
  const drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

  it("matches R's paired t.test on the sleep data", () => {
    const result = pairedTTest(drug1, drug2)!;
    expect(result.t).toBeCloseTo(-4.0621, 4);
    expect(result.df).toBe(9);
    expect(result.pValue).toBeCloseTo(0.002833, 6);
    expect(result.difference).toBeCloseTo(-1.58, 12);
    expect(result.ci.lower).toBeCloseTo(-2.4598858, 6);
    expect(result.ci.upper).toBeCloseTo(-0.7001142, 6);
  });

  it('is null when nothing varies, and refuses unpaired input', () => {
    expect(pairedTTest([1, 2, 3], [0, 1, 2])).toBeNull();
    expect(pairedTTest([1], [2])).toBeNull();
    expect(() => pairedTTest([1, 2], [1])).toThrow(RangeError);
  });
});

describe('sample sizes', () => {
  it('McNemar: Connor (1987) closed form, as solved with scipy (test/reference/paired_reference.py)', () => {
    expect(sampleSizeMcNemar(0.1, 0.2)).toBeCloseTo(233.0945, 3);
    expect(sampleSizeMcNemar(0.05, 0.1)).toBeCloseTo(468.568, 2);
    expect(sampleSizeMcNemar(0.2, 0.1)).toBeCloseTo(sampleSizeMcNemar(0.1, 0.2), 10);
    expect(() => sampleSizeMcNemar(0.1, 0.1)).toThrow(RangeError);
  });

  it("paired t: R's power.t.test(delta = 1, sd = 1, power = 0.8, type = 'paired') → n = 9.9379", () => {
    expect(Math.abs(sampleSizePairedT(1, 1) - 9.9379)).toBeLessThan(0.05);
    expect(Math.ceil(sampleSizePairedT(1, 1))).toBe(10);
    // scipy.stats.nct solves delta = 0.5 to 33.3671 (test/reference/paired_reference.py)
    expect(Math.abs(sampleSizePairedT(1, 0.5) - 33.3671)).toBeLessThan(0.05);
  });
});
