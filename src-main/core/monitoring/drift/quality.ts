import {
  mae,
  percentile,
  rmse,
  wilsonInterval,
  type Interval,
  type MetricEstimate
} from '../../experiments/stats/index.ts';

/**
 * Model quality over time from feedback, one point per time bucket, with the A/B engine's own
 * interval methods (experiments/stats): Wilson for accuracy and for the feedback coverage,
 * Student-t on |e| for MAE and on e² (then √) for RMSE. Buckets come in already grouped (by the
 * request log's SQL); a bucket without feedback gives nulls, never NaN.
 */

export interface FeedbackDelay {
  /** median and 90th percentile of (feedback time − prediction time), in the unit given */
  median: number;
  p90: number;
}

interface BucketBase {
  /** bucket start (e.g. epoch ms); passed through */
  start: number;
  /** predictions served in the bucket (with or without feedback), for the coverage */
  predictions?: number;
  /** per feedback: feedback time − prediction time (any unit) */
  feedbackDelays?: readonly number[];
}

export interface AccuracyBucket extends BucketBase {
  /** predictions whose feedback matched the predicted label */
  correct: number;
  /** predictions with feedback */
  feedback: number;
}

export interface RegressionBucket extends BucketBase {
  /** prediction − truth, one per prediction with feedback */
  residuals: readonly number[];
}

interface PointBase {
  start: number;
  feedback: number;
  predictions: number | null;
  /** feedback ÷ predictions with its Wilson interval; null without a prediction count */
  coverage: { value: number; ci: Interval | null } | null;
  feedbackDelay: FeedbackDelay | null;
}

export interface AccuracyPoint extends PointBase {
  accuracy: { value: number; ci: Interval | null } | null;
}

export interface RegressionPoint extends PointBase {
  rmse: MetricEstimate | null;
  mae: MetricEstimate | null;
}

export function accuracySeries(buckets: readonly AccuracyBucket[], confidence = 0.95): AccuracyPoint[] {
  return buckets.map((b) => {
    const ci = wilsonInterval(b.correct, b.feedback, confidence);
    return {
      ...common(b, b.feedback, confidence),
      accuracy: b.feedback > 0 ? { value: b.correct / b.feedback, ci } : null
    };
  });
}

export function regressionSeries(buckets: readonly RegressionBucket[], confidence = 0.95): RegressionPoint[] {
  return buckets.map((b) => ({
    ...common(b, b.residuals.length, confidence),
    rmse: rmse(b.residuals, confidence),
    mae: mae(b.residuals, confidence)
  }));
}

function common(b: BucketBase, feedback: number, confidence: number): PointBase {
  const predictions = b.predictions ?? null;
  if (predictions !== null && !(Number.isInteger(predictions) && predictions >= feedback)) {
    throw new RangeError(`bucket ${b.start}: predictions (${predictions}) must be an integer ≥ feedback (${feedback})`);
  }
  const delays = b.feedbackDelays ?? [];
  return {
    start: b.start,
    feedback,
    predictions,
    coverage:
      predictions === null || predictions === 0
        ? null
        : { value: feedback / predictions, ci: wilsonInterval(feedback, predictions, confidence) },
    feedbackDelay:
      delays.length === 0 ? null : { median: percentile(delays, 50) as number, p90: percentile(delays, 90) as number }
  };
}
