/** The tests between arms: mSPRT, which decides, and the fixed-horizon tests, which inform (pure). */
import { summarize, welchTTest } from './continuous.ts';
import { chiSquareTest, twoProportionZTest } from './proportions.ts';
import { msprtMeans, msprtProportions } from './sequential.ts';
import { losses, metricValue } from './arm-summary.ts';
import type { ArmSummary, FixedHorizonResult, PairwiseComparison, VerdictInput } from './verdict-types.ts';

/** Bonferroni's divisor: the k(k − 1)/2 pairs of k arms (the best arm is picked from the same data), at least 1. */
export const pairCount = (k: number): number => Math.max(1, (k * (k - 1)) / 2);

/** z-test (accuracy, 2 arms, control − other), chi-square (k > 2), Welch (regression, 2 arms). */
export function fixedHorizon(input: VerdictInput, c: number): FixedHorizonResult | null {
  const { metric, arms } = input;
  if (metric === 'accuracy') {
    const counts = arms.map((a) => ({ successes: a.feedback?.correct ?? 0, n: a.feedback?.total ?? 0 }));
    const other = arms.length === 2 ? 1 - c : -1;
    const control = counts[c];
    const second = counts[other];
    if (control && second) {
      const z = twoProportionZTest(control.successes, control.n, second.successes, second.n);
      return z && { test: 'two-proportion z-test', statistic: z.z, df: null, pValue: z.pValue };
    }
    const chi = chiSquareTest(counts);
    return chi && { test: 'chi-square test', statistic: chi.statistic, df: chi.df, pValue: chi.pValue };
  }
  const [a, b] = arms;
  if (arms.length !== 2 || !a || !b) return null;
  const [first, second] = c === 0 ? [a, b] : [b, a];
  const w = welchTTest(losses(metric, first), losses(metric, second));
  return w && { test: "Welch's t-test", statistic: w.t, df: w.df, pValue: w.pValue };
}

/** The best arm against each other one: mSPRT (decides) and the fixed-horizon test (informs). */
export function compare(input: VerdictInput, best: ArmSummary, arms: ArmSummary[], tau2: number): PairwiseComparison[] {
  const { metric } = input;
  const pairs = pairCount(arms.length);
  const feedbackOf = (i: number) => input.arms[i]?.feedback ?? { total: 0, correct: 0 };
  const fb = feedbackOf(best.index);
  const lb = losses(metric, input.arms[best.index]);
  const sb = summarize(lb);
  return arms
    .filter((other) => other !== best)
    .map((other) => {
      const fo = feedbackOf(other.index);
      const lo = losses(metric, input.arms[other.index]);
      const so = summarize(lo);
      const [p, fixed] =
        metric === 'accuracy'
          ? [
              msprtProportions(fb.correct, fb.total, fo.correct, fo.total, tau2)?.pValue,
              twoProportionZTest(fb.correct, fb.total, fo.correct, fo.total)?.pValue
            ]
          : [sb && so ? msprtMeans(sb, so, tau2)?.pValue : undefined, welchTTest(lb, lo)?.pValue];
      return {
        best: best.index,
        other: other.index,
        difference: metricValue(best) - metricValue(other),
        alwaysValidPValue: p ?? 1,
        adjustedPValue: Math.min(1, (p ?? 1) * pairs),
        fixedHorizonTest: metric === 'accuracy' ? 'two-proportion z-test' : "Welch's t-test",
        fixedHorizonPValue: fixed ?? null
      };
    });
}
