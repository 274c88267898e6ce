/** The verdict's vocabulary: what goes in, what comes out, and the defaults (verdict.ts). */
import type { MetricEstimate } from './continuous.ts';
import type { MSPRT_TEST_NAME } from './sequential.ts';

import type { AbMetric } from '../../../contract/enums.ts';

/** the A/B metric (declared once in the contract) */
export type MetricName = AbMetric;
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
  metric: MetricName;
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
  metric: MetricName;
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
