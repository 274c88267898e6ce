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
import type { AbMetric } from '../../../contract/enums.ts';
import { chiSquareTest, twoProportionZTest, wilsonInterval } from './proportions.ts';
import { mae, percentile, rmse, summarize, variance, welchTTest, type MetricEstimate } from './continuous.ts';
import { requiredSampleSizePerArm } from './power.ts';
import { DEFAULT_ACCURACY_TAU, MSPRT_TEST_NAME, msprtMeans, msprtProportions } from './sequential.ts';

export type Verdict = 'not_enough_data' | 'no_significant_difference' | 'better';
export type DecidedBy = typeof MSPRT_TEST_NAME | 'minimum feedback per arm';
export type FixedHorizonTest = 'two-proportion z-test' | 'chi-square test' | "Welch's t-test";

export const DEFAULT_MIN_FEEDBACK_PER_ARM = 30;
export const DEFAULT_ALPHA = 0.05;
export const DEFAULT_POWER = 0.8;
/** default MDE for RMSE/MAE, relative to the control arm's value */
export const DEFAULT_RELATIVE_MDE = 0.1;

export interface ArmObservations {
  name: string; // shown in the verdict, e.g. "random forest 0.0.1"
  requests: number; // predictions served, OK or Error
  failedRequests: number; // requests with status Error
  latencies: readonly number[]; // of served requests, in any one unit (e.g. µs)
  feedback?: { total: number; correct: number }; // accuracy: feedback, and how many matched
  residuals?: readonly number[]; // rmse / mae: prediction − truth per request with feedback
}

export interface VerdictInput {
  metric: AbMetric;
  arms: readonly ArmObservations[];
  /** arm the others are measured against for the MDE and sample size; default 0 */
  controlIndex?: number;
  alpha?: number;
  power?: number;
  minFeedbackPerArm?: number;
  /** in metric units (accuracy points, or RMSE/MAE units) */
  minimumDetectableEffect?: number;
}

export interface ArmSummary {
  index: number;
  label: string; // "A", "B", …
  name: string;
  requests: number;
  feedback: number;
  errorRate: number | null;
  latencyP50: number | null;
  latencyP95: number | null;
  metric: MetricEstimate | null; // with its 95% interval; null without feedback
}

export interface PairwiseComparison {
  best: number; // the best arm's index …
  other: number; // … against this one
  difference: number; // metric(best) − metric(other), in metric units
  alwaysValidPValue: number;
  adjustedPValue: number; // Bonferroni-adjusted: what the verdict compares with alpha
  fixedHorizonTest: FixedHorizonTest;
  fixedHorizonPValue: number | null;
}

export interface FixedHorizonResult {
  test: FixedHorizonTest;
  statistic: number;
  df: number | null;
  pValue: number;
}

export interface VerdictResult {
  verdict: Verdict;
  winner: number | null;
  text: string;
  decidedBy: DecidedBy;
  metric: AbMetric;
  lowerIsBetter: boolean;
  alpha: number;
  pairsCorrectedFor: number; // Bonferroni divisor: pairs of arms, 1 for two arms
  minFeedbackPerArm: number;
  requiredFeedbackPerArm: number | null;
  remainingFeedbackPerArm: number | null;
  minimumDetectableEffect: number | null;
  tau2: number | null;
  arms: ArmSummary[];
  comparisons: PairwiseComparison[];
  /** z-test (accuracy, 2 arms, control − other), chi-square (k > 2), Welch (regression, 2 arms) */
  fixedHorizon: FixedHorizonResult | null;
}

const label = (i: number): string => (i < 26 ? String.fromCharCode(65 + i) : String(i + 1));
const armName = (a: ArmSummary): string => `arm ${a.label} (${a.name})`;
const count = (n: number): string => n.toLocaleString('en-US');
const fmtP = (p: number): string => (p < 0.001 ? '< 0.001' : `= ${p.toFixed(3)}`);

/** Per-request losses the regression tests compare: |e| for MAE, e² for RMSE. */
function losses(metric: AbMetric, arm: ArmObservations | undefined): number[] {
  const r = arm?.residuals ?? [];
  return metric === 'mae' ? r.map(Math.abs) : r.map((e) => e * e);
}

function summarizeArm(metric: AbMetric, arm: ArmObservations, index: number): ArmSummary {
  let feedback: number;
  let estimate: MetricEstimate | null;
  if (metric === 'accuracy') {
    const { total, correct } = arm.feedback ?? { total: 0, correct: 0 };
    feedback = total;
    const ci = wilsonInterval(correct, total);
    estimate = total > 0 ? { value: correct / total, ci, n: total } : null;
  } else {
    const residuals = arm.residuals ?? [];
    feedback = residuals.length;
    estimate = metric === 'mae' ? mae(residuals) : rmse(residuals);
  }
  return {
    index,
    label: label(index),
    name: arm.name,
    requests: arm.requests,
    feedback,
    errorRate: arm.requests > 0 ? arm.failedRequests / arm.requests : null,
    latencyP50: percentile(arm.latencies, 50),
    latencyP95: percentile(arm.latencies, 95),
    metric: estimate
  };
}

function fixedHorizon(input: VerdictInput, c: number): FixedHorizonResult | null {
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

interface EffectSizes {
  mde: number; // minimum detectable effect, in metric units
  tested: number; // the same difference on the scale the tests compare (MSE for RMSE)
}

function effectSizes(input: VerdictInput, control: ArmSummary): EffectSizes | null {
  const value = control.metric?.value;
  const mde =
    input.minimumDetectableEffect ??
    (input.metric === 'accuracy' ? DEFAULT_ACCURACY_TAU : value === undefined ? 0 : DEFAULT_RELATIVE_MDE * value);
  if (!(mde > 0)) return null;
  if (input.metric !== 'rmse') return { mde, tested: mde };
  if (value === undefined) return null;
  return { mde, tested: value * value - Math.max(0, value - mde) ** 2 };
}

type Settings = { alpha: number; power: number; minFeedback: number; control: number };

function settings(input: VerdictInput): Settings {
  const alpha = input.alpha ?? DEFAULT_ALPHA;
  const power = input.power ?? DEFAULT_POWER;
  const minFeedback = input.minFeedbackPerArm ?? DEFAULT_MIN_FEEDBACK_PER_ARM;
  const control = input.controlIndex ?? 0;
  const mde = input.minimumDetectableEffect;
  const k = input.arms.length;
  const fail = (message: string): never => {
    throw new RangeError(message);
  };
  if (!(alpha > 0 && alpha < 1)) fail(`alpha must be between 0 and 1, got ${alpha}`);
  if (!(Number.isInteger(minFeedback) && minFeedback >= 2)) fail(`minFeedbackPerArm must be ≥ 2: ${minFeedback}`);
  if (mde !== undefined && !(mde > 0 && Number.isFinite(mde) && (input.metric !== 'accuracy' || mde < 1))) {
    fail(`minimumDetectableEffect must be a positive number (below 1 for accuracy), got ${mde}`);
  }
  if (k > 0 && !(Number.isInteger(control) && control >= 0 && control < k)) fail(`no arm ${control} to be the control`);
  return { alpha, power, minFeedback, control };
}

const metricValue = (a: ArmSummary): number => a.metric?.value ?? Number.NaN;

/** The best arm against each other one: mSPRT (decides) and the fixed-horizon test (informs). */
function compare(input: VerdictInput, best: ArmSummary, arms: ArmSummary[], tau2: number): PairwiseComparison[] {
  const { metric } = input;
  const pairs = Math.max(1, (arms.length * (arms.length - 1)) / 2);
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

/** Fixed-horizon feedback per arm to detect the MDE with the chosen power at the adjusted alpha. */
function requiredFeedback(input: VerdictInput, s: Settings, control: ArmSummary, sizes: EffectSizes): number {
  const k = input.arms.length;
  const alpha = s.alpha / Math.max(1, (k * (k - 1)) / 2);
  if (input.metric === 'accuracy') {
    const baseline = metricValue(control);
    return requiredSampleSizePerArm({ kind: 'proportions', baseline, difference: sizes.mde, alpha, power: s.power });
  }
  const variances = input.arms.map((a) => variance(losses(input.metric, a)) ?? 0);
  const sd = Math.sqrt(variances.reduce((sum, v) => sum + v, 0) / Math.max(1, k));
  if (!(sd > 0)) return s.minFeedback;
  return requiredSampleSizePerArm({ kind: 'means', sd, difference: sizes.tested, alpha, power: s.power });
}

export function decideVerdict(input: VerdictInput): VerdictResult {
  const { metric } = input;
  const s = settings(input);
  const k = input.arms.length;
  const pairs = Math.max(1, (k * (k - 1)) / 2);
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
