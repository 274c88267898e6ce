import type { RequestRow } from '../requests/request-writer.ts';
import type { ActiveProfile } from './active-profiles.ts';
import { DriftCells } from './drift-cells.ts';
import { HealthCells } from './health/health-cells.ts';
import type { Outcome } from './quality/outcomes.ts';
import { livePredictions, liveRecord } from './stored-rows.ts';

/** A logged row kept for drift counting at the next pass (its record is read then, not when it was answered). */
export interface PendingRow {
  profile: ActiveProfile;
  hour: number;
  /** the row as the `requests.logged` event announced it: the record and answer in memory */
  row: RequestRow;
}

/**
 * What the aggregator has counted since its last commit: log rows (ids) after `from` up to `last`,
 * `rows` of them, as health cells, drift counts (and rows still to parse for drift) and feedback
 * outcomes. Committed together with the watermark `last`, or dropped whole.
 */
export class Batch {
  rows = 0;
  last: number;
  readonly cells = new HealthCells();
  readonly drift = new DriftCells();
  readonly outcomes: Outcome[] = [];
  pending: PendingRow[] = [];

  constructor(readonly from: number) {
    this.last = from;
  }

  /** Counts a live row set aside for drift (stored-rows.ts reads it as a stored row would read). */
  countPending({ profile, hour, row }: PendingRow): void {
    this.countDrift(profile, hour, liveRecord(row), livePredictions(row));
  }

  /**
   * Counts a row for drift now: `record` null when it was too large to log whole (a `$truncated`
   * marker: only its prediction counts), `predictions` undefined when the model failed.
   */
  countDrift(profile: ActiveProfile, hour: number, record: unknown, predictions: Record<string, unknown> | undefined): void {
    let features: Record<string, unknown> | null = null;
    if (record !== null) {
      try {
        features = profile.columns.readRecord(record);
      } catch {
        return;
      }
    }
    this.drift.add(profile.id, profile.profile, hour, features, predictions);
  }
}

/**
 * The share of logged rows counted for drift: all of them while the traffic to profiled versions
 * stays under `rowsPerSecond`, then a uniform random sample (each row kept with the same
 * probability, whatever it holds) of about that many rows per second. The rate is a moving
 * average over about ten seconds and the probability changes only at a pass, so a lone burst
 * (one large batch call) is counted whole. Bounds what drift costs the serving thread on a busy
 * server: parsing a logged input costs about 5% of a whole prediction, and keeping inputs until
 * the next pass costs garbage collection (docs/BENCHMARKS.md), while 200 rows a second (720,000
 * an hour) are plenty to judge drift hour by hour.
 */
export class DriftSampling {
  private rate = 0;
  private since: number;
  private seen = 0;
  probability = 1;

  constructor(
    private readonly rowsPerSecond: number,
    now: number,
    private readonly timeConstantMs = 10_000
  ) {
    this.since = now;
  }

  /** Whether this row is counted (call once per row of a profiled version). */
  keep(): boolean {
    this.seen += 1;
    return this.probability >= 1 || Math.random() < this.probability;
  }

  /** At each pass: the rate since the last one joins the average, and the probability follows. */
  update(now: number): void {
    const elapsed = Math.max(1, now - this.since);
    const weight = 1 - Math.exp(-elapsed / this.timeConstantMs);
    this.rate += weight * ((this.seen * 1000) / elapsed - this.rate);
    this.seen = 0;
    this.since = now;
    this.probability = this.rate <= this.rowsPerSecond ? 1 : this.rowsPerSecond / this.rate;
  }
}
