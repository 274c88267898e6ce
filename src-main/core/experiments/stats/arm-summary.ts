/** Each arm's observations reduced to what the verdict shows and compares (pure). */
import { mae, percentile, rmse, type MetricEstimate } from './continuous.ts';
import { wilsonInterval } from './proportions.ts';
import type { ArmObservations, ArmSummary, MetricName } from './verdict-types.ts';

/** "A", "B", … as the UI names arms */
const label = (i: number): string => (i < 26 ? String.fromCharCode(65 + i) : String(i + 1));

/** Per-request losses the regression tests compare: |e| for MAE, e² for RMSE. */
export function losses(metric: MetricName, arm: ArmObservations | undefined): number[] {
  const r = arm?.residuals ?? [];
  return metric === 'mae' ? r.map(Math.abs) : r.map((e) => e * e);
}

export const metricValue = (a: ArmSummary): number => a.metric?.value ?? Number.NaN;

export function summarizeArm(metric: MetricName, arm: ArmObservations, index: number): ArmSummary {
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
