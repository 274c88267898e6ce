import type Database from 'better-sqlite3';
import type { Task } from '../../../contract/enums.ts';
import { firstNumber } from '../../experiments/observations.ts';

/**
 * What one piece of feedback says about the prediction it answers, for quality over time
 * (monitor_feedback): right or wrong for classifiers (the A/B engine's rule: the label text equals
 * the feedback, a failed prediction is wrong), prediction − truth for regressors.
 */
export interface Outcome {
  requestId: number;
  algorithmId: number;
  /** unix seconds */
  predictedAt: number;
  correct: 0 | 1 | null;
  error: number | null;
  delaySeconds: number;
}

export interface FeedbackRow {
  id: number;
  algorithmId: number;
  status: string;
  label: string;
  feedback: string | null;
  feedbackAt: string | null;
  createdAt: string;
  shadow?: boolean | number;
}

/** null when the row has no feedback (or is a shadow run, which shares its answered request's). */
export function outcomeOf(row: FeedbackRow, task: Task): Outcome | null {
  const feedback = row.feedback?.trim() ?? '';
  if (feedback === '' || row.shadow) return null;
  const predicted = Date.parse(row.createdAt);
  const given = row.feedbackAt ? Date.parse(row.feedbackAt) : predicted;
  const ok = row.status === 'OK';
  let correct: Outcome['correct'] = null;
  let error: number | null = null;
  if (task === 'regression') {
    const value = ok ? firstNumber(row.label) : null;
    const truth = Number(feedback);
    if (value !== null && Number.isFinite(truth)) error = value - truth;
  } else {
    correct = ok && row.label.trim() === feedback ? 1 : 0;
  }
  return {
    requestId: row.id,
    algorithmId: row.algorithmId,
    predictedAt: Math.floor(predicted / 1000),
    correct,
    error,
    delaySeconds: Math.max(0, (given - predicted) / 1000)
  };
}

export class OutcomeWriter {
  private readonly upsert: Database.Statement;
  private readonly remove: Database.Statement;

  constructor(sqlite: Database.Database) {
    this.upsert = sqlite.prepare(
      `insert into monitor_feedback (request_id, algorithm_id, predicted_at, correct, error, delay_seconds)
       values (@requestId, @algorithmId, @predictedAt, @correct, @error, @delaySeconds)
       on conflict (request_id) do update set correct = excluded.correct, error = excluded.error, delay_seconds = excluded.delay_seconds`
    );
    this.remove = sqlite.prepare('delete from monitor_feedback where request_id = ?');
  }

  write(outcomes: readonly Outcome[]): void {
    for (const o of outcomes) this.upsert.run(o);
  }

  clear(requestId: number): void {
    this.remove.run(requestId);
  }
}
