import { nowIso } from '../clock.ts';
import { decideVerdict, type ArmObservations, type VerdictResult } from './stats/verdict.ts';
import type { AbMetric, AbResultsView } from './types.ts';

export interface ArmIdentity {
  algorithmId: number;
  name: string;
  version: string;
  weight: number;
}

/** Statistics → the API's results shape: per-arm metrics, the comparison, the verdict. */
export function computeResults(
  metric: AbMetric,
  arms: readonly ArmIdentity[],
  observations: ArmObservations[],
  minimumDetectableDifference: number | null
): { view: AbResultsView; verdict: VerdictResult } {
  const verdict = decideVerdict({
    metric,
    arms: observations,
    ...(minimumDetectableDifference === null ? {} : { minimumDetectableEffect: minimumDetectableDifference })
  });
  const decisive = verdict.comparisons.reduce<VerdictResult['comparisons'][number] | null>(
    (worst, c) => (worst === null || c.adjustedPValue > worst.adjustedPValue ? c : worst),
    null
  );
  const view: AbResultsView = {
    computed_at: nowIso(),
    metric,
    higher_is_better: !verdict.lowerIsBetter,
    arms: verdict.arms.map((summary, i) => {
      const arm = arms[i]!;
      return {
        algorithm_id: arm.algorithmId,
        arm: summary.label,
        name: arm.name,
        version: arm.version,
        weight: arm.weight,
        requests: summary.requests,
        feedback: summary.feedback,
        metric: summary.metric?.value ?? null,
        ci_low: summary.metric?.ci?.lower ?? null,
        ci_high: summary.metric?.ci?.upper ?? null,
        error_rate: summary.errorRate,
        latency_p50_us: summary.latencyP50,
        latency_p95_us: summary.latencyP95
      };
    }),
    comparison: {
      difference: decisive?.difference ?? null,
      p_value: verdict.fixedHorizon?.pValue ?? null,
      test: verdict.fixedHorizon?.test ?? (metric === 'accuracy' ? 'two-proportion z-test' : "Welch's t-test"),
      sequential_p_value: decisive?.adjustedPValue ?? null,
      sequential_test: 'mSPRT (always-valid p-value, normal mixture)',
      minimum_detectable_difference: verdict.minimumDetectableEffect ?? minimumDetectableDifference ?? 0.05,
      required_sample_size_per_arm: verdict.requiredFeedbackPerArm,
      // once the sequential test has decided, no more feedback is needed for a decision
      additional_feedback_needed: verdict.verdict === 'better' ? 0 : verdict.remainingFeedbackPerArm
    },
    verdict: {
      code: verdict.verdict,
      winner_algorithm_id: verdict.winner === null ? null : (arms[verdict.winner]?.algorithmId ?? null),
      text: verdict.text,
      decided_by: verdict.decidedBy
    }
  };
  return { view, verdict };
}

/** The classic summary ("Algorithm #1 accuracy: 0.72, Algorithm #2 accuracy: 0.75"), in arm order. */
export function classicSummary(metric: AbMetric, view: AbResultsView): string {
  return view.arms.map((a, i) => `Algorithm #${i + 1} ${metric}: ${a.metric === null ? 'n/a' : String(a.metric)}`).join(', ');
}
