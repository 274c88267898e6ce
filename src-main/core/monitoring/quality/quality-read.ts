import type Database from 'better-sqlite3';
import type { Task } from '../../../contract/enums.ts';
import type { QualityPoint } from '../../../contract/monitoring.ts';
import type { Interval, MetricEstimate } from '../../experiments/stats/index.ts';
import { accuracySeries, regressionSeries, type AccuracyPoint, type RegressionPoint } from '../drift/index.ts';
import type { TimeWindow } from '../time.ts';

interface Gathered {
  correct: number;
  feedback: number;
  residuals: number[];
  delays: number[];
}

const empty = (): Gathered => ({ correct: 0, feedback: 0, residuals: [], delays: [] });

/**
 * Quality per bucket of a window, from the outcomes of predictions with feedback
 * (monitor_feedback, bucketed by when the prediction was made), with the A/B engine's intervals
 * (drift/quality.ts): accuracy for classifiers, RMSE and MAE for regressors, 95%. `predictions`
 * holds each bucket's answered predictions, for the feedback coverage. Returns the buckets, then
 * the whole window.
 */
export function readQuality(
  sqlite: Database.Database,
  algorithmIds: readonly number[],
  window: TimeWindow,
  task: Task,
  predictions: readonly number[]
): { points: QualityPoint[]; total: QualityPoint } {
  const buckets = predictions.map(empty);
  const total = empty();
  if (algorithmIds.length) {
    const rows = sqlite
      .prepare(
        `select predicted_at, correct, error, delay_seconds from monitor_feedback
         where algorithm_id in (${algorithmIds.map(() => '?').join(',')}) and predicted_at >= ? and predicted_at < ?`
      )
      .raw()
      .all(...algorithmIds, window.from, window.to) as [number, number | null, number | null, number][];
    for (const [at, correct, error, delay] of rows) {
      const b = buckets[Math.floor((at - window.from) / window.bucketSeconds)];
      if (!b) continue;
      for (const g of [b, total]) {
        g.feedback += 1;
        g.correct += correct ?? 0;
        if (error !== null) g.residuals.push(error);
        g.delays.push(delay);
      }
    }
  }
  const totalPredictions = predictions.reduce((a, b) => a + b, 0);
  const points = buckets.map((g, i) => toPoint(g, predictions[i] ?? 0, task));
  return { points, total: toPoint(total, totalPredictions, task) };
}

function toPoint(g: Gathered, predictions: number, task: Task): QualityPoint {
  // feedback can arrive before its prediction's health cell is counted (the aggregator runs every few seconds)
  const answered = Math.max(predictions, g.feedback);
  const base = { start: 0, predictions: answered, feedbackDelays: g.delays };
  if (task === 'regression') {
    const [p] = regressionSeries([{ ...base, residuals: g.residuals }]) as [RegressionPoint];
    return { ...common(p), accuracy: null, rmse: estimate(p.rmse), mae: estimate(p.mae) };
  }
  const [p] = accuracySeries([{ ...base, correct: g.correct, feedback: g.feedback }]) as [AccuracyPoint];
  return { ...common(p), accuracy: p.accuracy ? interval(p.accuracy.value, p.accuracy.ci) : null, rmse: null, mae: null };
}

function common(p: AccuracyPoint | RegressionPoint) {
  return {
    predictions: p.predictions ?? 0,
    feedback: p.feedback,
    coverage: p.coverage ? interval(p.coverage.value, p.coverage.ci) : null,
    feedback_delay_seconds: p.feedbackDelay
  };
}

function interval(value: number, ci: Interval | null) {
  return { value, ci_low: ci?.lower ?? value, ci_high: ci?.upper ?? value };
}

const estimate = (e: MetricEstimate | null) => (e ? interval(e.value, e.ci) : null);
