/**
 * Live results of an A/B test and its verdict, from plain per-arm observations (pure).
 *
 * Rules (the numbers each one used are returned in the result):
 * - Minimum sample: no verdict until every arm has `minFeedbackPerArm` feedback (default 30):
 *   below that the normal approximations behind every test here are not trustworthy.
 * - The verdict uses only the mSPRT always-valid p-value (sequential.ts), so it stays valid
 *   however often it is looked at. The best arm (highest accuracy, lowest RMSE/MAE) is tested
 *   against every other arm; with k > 2 arms each p is multiplied by the k(k − 1)/2 possible
 *   pairs (Bonferroni over all pairs, not only k − 1, because the best arm is chosen from the
 *   same data). "better" needs every adjusted p ≤ alpha.
 * - "Enough data" for "no significant difference": every arm has at least the fixed-horizon
 *   sample size that detects the minimum detectable effect (MDE) with the chosen power at the
 *   adjusted alpha (power.ts), and never less than the minimum sample. Before that, a
 *   non-significant result is "not enough data", with the feedback still needed per arm.
 * - MDE, which is also the mixing sd τ of the mSPRT: accuracy 0.05 by default; RMSE/MAE 10%
 *   of the control arm's value by default. For RMSE, tests run on squared errors, so the MDE
 *   is converted to the MSE scale as r² − (r − MDE)², r the control's RMSE.
 * - Fixed-horizon p-values (two-proportion z / chi-square for accuracy, Welch's t on per-request
 *   |e| or e² for regression) are reported for information only: they are not valid under peeking.
 */
import { metricValue, summarizeArm } from './arm-summary.ts';
import { compare, fixedHorizon, pairCount } from './comparisons.ts';
import { MSPRT_TEST_NAME } from './sequential.ts';
import { effectSizes, requiredFeedback, settings } from './sizing.ts';
import type { ArmSummary, VerdictInput, VerdictResult } from './verdict-types.ts';

export * from './verdict-types.ts';

const armName = (a: ArmSummary): string => `arm ${a.label} (${a.name})`;
const count = (n: number): string => n.toLocaleString('en-US');
const fmtP = (p: number): string => (p < 0.001 ? '< 0.001' : `= ${p.toFixed(3)}`);

/** The verdict by the rules above, with every number it used. */
export function decideVerdict(input: VerdictInput): VerdictResult {
  const { metric } = input;
  const s = settings(input);
  const k = input.arms.length;
  const pairs = pairCount(k);
  const arms = input.arms.map((a, i) => summarizeArm(metric, a, i));
  const base: VerdictResult = {
    verdict: 'not_enough_data',
    winner: null,
    text: '',
    decidedBy: 'minimum feedback per arm',
    metric,
    lowerIsBetter: metric !== 'accuracy',
    alpha: s.alpha,
    pairsCorrectedFor: pairs,
    minFeedbackPerArm: s.minFeedback,
    requiredFeedbackPerArm: null,
    remainingFeedbackPerArm: null,
    minimumDetectableEffect: null,
    tau2: null,
    arms,
    comparisons: [],
    fixedHorizon: k >= 2 ? fixedHorizon(input, s.control) : null
  };
  const control = arms[s.control];
  if (k < 2 || !control) return { ...base, text: 'Not enough data: an A/B test needs at least two arms.' };

  const short = arms.filter((a) => a.feedback < s.minFeedback);
  if (short.length > 0) {
    const list = short.map((a) => `${armName(a)} has ${count(a.feedback)}`).join(', ');
    return { ...base, text: `Not enough data: ${list} of the ${count(s.minFeedback)} feedback needed per arm.` };
  }
  const sizes = effectSizes(input, control);
  if (!sizes) {
    const text = `Not enough data to size the test: ${armName(control)} has ${metric} 0; set a minimum difference.`;
    return { ...base, text };
  }
  const tau2 = sizes.tested ** 2;
  const sign = base.lowerIsBetter ? -1 : 1;
  const best = arms.reduce((b, a) => (sign * metricValue(a) > sign * metricValue(b) ? a : b));
  const comparisons = compare(input, best, arms, tau2);
  const required = Math.max(s.minFeedback, requiredFeedback(input, s, control, sizes));
  const fewest = Math.min(...arms.map((a) => a.feedback));
  // The comparison that decides is the weakest one (largest adjusted p), usually the runner-up.
  const decisive = comparisons.reduce((w, x) => (x.adjustedPValue > w.adjustedPValue ? x : w));
  const runnerUp = arms[decisive.other] ?? control;
  const fmt = (a: ArmSummary): string =>
    metric === 'accuracy' ? metricValue(a).toFixed(3) : String(Number(metricValue(a).toPrecision(4)));
  const bonferroni = pairs > 1 ? ` (Bonferroni over ${pairs} pairs)` : '';
  const pText = `always-valid p ${fmtP(decisive.adjustedPValue)}${bonferroni}`;
  const common: VerdictResult = {
    ...base,
    decidedBy: MSPRT_TEST_NAME,
    requiredFeedbackPerArm: required,
    remainingFeedbackPerArm: Math.max(0, required - fewest),
    minimumDetectableEffect: sizes.mde,
    tau2,
    comparisons
  };
  if (comparisons.every((x) => x.adjustedPValue <= s.alpha)) {
    const vs = `${metric} ${fmt(best)} vs ${fmt(runnerUp)} for ${armName(runnerUp)}`;
    const text = `${cap(armName(best))} is better: ${vs}, ${pText}.`;
    return { ...common, verdict: 'better', winner: best.index, text };
  }
  const observed = `${metric} ${fmt(best)} for ${armName(best)} vs ${fmt(runnerUp)} for ${armName(runnerUp)}, ${pText}`;
  const power = `${Math.round(s.power * 100)}% power`;
  const mde = `a difference of ${Number(sizes.mde.toPrecision(3))} in ${metric} with ${power}`;
  if (fewest >= required) {
    const enough = `every arm has the ${count(required)} feedback needed to detect ${mde}`;
    const text = `No significant difference: ${observed}; ${enough}.`;
    return { ...common, verdict: 'no_significant_difference', text };
  }
  const more = `about ${count(required - fewest)} more feedback per arm are needed to detect ${mde}`;
  return { ...common, text: `Not enough data yet: ${observed}, not significant; ${more}.` };
}

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
