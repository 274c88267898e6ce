import type Database from 'better-sqlite3';
import type { Task } from '../../../contract/enums.ts';
import { firstNumber } from '../../experiments/observations.ts';
import type { WriteGate } from '../../storage/write-gate.ts';

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

  /** Call inside a transaction. */
  write(outcomes: readonly Outcome[]): void {
    for (const o of outcomes) this.upsert.run(o);
  }

  /** Each request's newest outcome, or null where its feedback was cleared. Call inside a transaction. */
  apply(changes: Iterable<readonly [number, Outcome | null]>): void {
    for (const [requestId, outcome] of changes) {
      if (outcome) this.upsert.run(outcome);
      else this.remove.run(requestId);
    }
  }
}

/**
 * Feedback given or cleared while serving (`feedback.recorded` / `feedback.cleared`), written to
 * monitor_feedback at once through the write gate, so quality answers the feedback just given.
 * One write at a time, so an older outcome never lands after a newer one; a write that fails
 * (the database locked past the gate's wait) keeps its outcomes for the next try (`settle`, at
 * the aggregator's next pass), newer feedback of the same request winning.
 */
export class FeedbackOutcomes {
  private readonly queued = new Map<number, Outcome | null>();
  private writing: Promise<void> | null = null;

  constructor(
    private readonly writer: OutcomeWriter,
    private readonly writes: WriteGate,
    private readonly failed: (err: unknown) => void
  ) {}

  /** A request's feedback changed: its outcome, or null when the feedback was cleared. */
  changed(requestId: number, outcome: Outcome | null): void {
    this.queued.set(requestId, outcome);
    this.write();
  }

  /** Writes what is still queued; resolves once no write is in flight. */
  async settle(): Promise<void> {
    this.write();
    while (this.writing) await this.writing;
  }

  private write(): void {
    if (this.writing || this.queued.size === 0) return;
    const changes = [...this.queued];
    this.queued.clear();
    this.writing = this.writes.transaction('the monitoring feedback outcomes', () => this.writer.apply(changes)).then(
      () => {
        this.writing = null;
        this.write();
      },
      (err: unknown) => {
        this.writing = null;
        for (const [id, outcome] of changes) if (!this.queued.has(id)) this.queued.set(id, outcome);
        this.failed(err);
      }
    );
  }
}
