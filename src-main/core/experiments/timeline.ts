import { rmse, mae } from './stats/continuous.ts';
import { wilsonInterval } from './stats/proportions.ts';
import { observe, type TestRequestRow } from './observations.ts';
import type { AbMetric } from './types.ts';

export interface Timeline {
  points: {
    at: string;
    arms: { algorithm_id: number; feedback: number; metric: number | null; ci_low: number | null; ci_high: number | null }[];
  }[];
}

const maxPoints = 30;

/**
 * Each arm's metric and 95% interval as feedback accumulated: cumulative checkpoints over the
 * test's requests, for the live chart. The intervals narrow as evidence grows.
 */
export function buildTimeline(
  rows: readonly TestRequestRow[],
  arms: readonly { algorithmId: number; name: string }[],
  metric: AbMetric
): Timeline {
  const withFeedback = rows.filter((r) => r.feedback !== null);
  if (withFeedback.length === 0) return { points: [] };
  const step = Math.max(1, Math.ceil(withFeedback.length / maxPoints));
  const points: Timeline['points'] = [];
  for (let end = step; end < withFeedback.length + step; end += step) {
    const upto = withFeedback.slice(0, Math.min(end, withFeedback.length));
    const observations = observe(upto, arms, metric);
    points.push({
      at: upto[upto.length - 1]!.createdAt,
      arms: observations.map((o, i) => {
        const algorithmId = arms[i]!.algorithmId;
        if (metric === 'accuracy') {
          const { total, correct } = o.feedback ?? { total: 0, correct: 0 };
          const ci = wilsonInterval(correct, total);
          return { algorithm_id: algorithmId, feedback: total, metric: total ? correct / total : null, ci_low: ci?.lower ?? null, ci_high: ci?.upper ?? null };
        }
        const residuals = o.residuals ?? [];
        const estimate = metric === 'mae' ? mae(residuals) : rmse(residuals);
        return {
          algorithm_id: algorithmId,
          feedback: residuals.length,
          metric: estimate?.value ?? null,
          ci_low: estimate?.ci?.lower ?? null,
          ci_high: estimate?.ci?.upper ?? null
        };
      })
    });
  }
  return { points };
}
