import type Database from 'better-sqlite3';
import { setImmediate as yieldToServing } from 'node:timers/promises';
import type { Task } from '../../contract/enums.ts';
import type { Algorithm } from '../registry/types.ts';
import type { ActiveProfiles } from './active-profiles.ts';
import { loggedPredictionValues } from './columns.ts';
import { DriftCells, DriftWriter } from './drift-cells.ts';
import { HealthCells, HealthWriter } from './health/health-cells.ts';
import { outcomeOf, OutcomeWriter, type Outcome } from './quality/outcomes.ts';
import { Backfill } from './reference/backfill.ts';
import { minuteOf } from './time.ts';

/**
 * Keeps the monitoring aggregates up to date with the request log, off the predict path.
 *
 * Predictions only announce themselves (`requests.logged`, `model.ran`); nothing is computed for
 * them while they are answered. A pass runs on a timer (every `flushIntervalMs` while traffic
 * comes): it reads the log rows after its watermark (the last id it counted) in slices of
 * `sliceRows`, by rowid, so only new rows are read, and for each slice commits in one
 * transaction the health cells (per algorithm and minute/hour), the drift counts of the rows
 * whose algorithm has an active reference profile (their input and response parsed here, in a
 * batch), the outcomes of rows that already have feedback, and the new watermark. Between slices
 * it yields to the event loop, so a long catch-up (the first start over an old log, an import)
 * never holds up serving for more than one slice.
 *
 * Exactly once: aggregates and watermark commit together, and a commit first checks that the
 * stored watermark is still the one the slice started from (another process with the same data
 * directory, e.g. the CLI while a server runs, may have counted those rows: the slice is then
 * dropped and read again). Log ids only grow, so "after the watermark" is exactly "not counted".
 * Batch sizes come from `model.ran` alone (they are not in the log): kept in memory until the next
 * commit, so a crash loses at most one interval of them.
 */
export interface AggregatorOptions {
  flushIntervalMs: number;
  sliceRows: number;
  /** minute rows older than this are dropped (hour rows stay) */
  minuteRetentionDays: number;
  now: () => number;
}

type LogRow = [
  id: number,
  algorithmId: number,
  status: string,
  shadow: number,
  latencyUs: number,
  createdAt: string,
  label: string,
  input: string | null,
  response: string | null,
  feedback: string | null,
  feedbackAt: string | null
];

export class Aggregator {
  private watermark: number;
  private readonly runs = new HealthCells();
  private readonly readRows: Database.Statement;
  private readonly storedWatermark: Database.Statement;
  private readonly saveWatermark: Database.Statement;
  private readonly pruneMinutes: Database.Statement;
  private readonly health: HealthWriter;
  private readonly drift: DriftWriter;
  private readonly backfill: Backfill;
  readonly outcomes: OutcomeWriter;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private lastPrune = 0;
  /** an algorithm's task never changes: asked of the registry once */
  private readonly tasks = new Map<number, Task>();

  constructor(
    private readonly sqlite: Database.Database,
    private readonly profiles: ActiveProfiles,
    private readonly algorithmOf: (id: number) => Algorithm,
    private readonly options: AggregatorOptions
  ) {
    const profiled = 'algorithm_id in (select algorithm_id from reference_profiles where active = 1)';
    this.readRows = sqlite
      .prepare(
        `select id, algorithm_id, status, shadow, latency_us, created_at, label,
                case when ${profiled} then input end, case when ${profiled} then response end,
                nullif(feedback, ''), feedback_at
         from requests where id > ? order by id limit ?`
      )
      .raw();
    this.storedWatermark = sqlite.prepare("select value from monitor_state where key = 'watermark'").pluck();
    this.saveWatermark = sqlite.prepare(
      "insert into monitor_state (key, value) values ('watermark', ?) on conflict (key) do update set value = excluded.value"
    );
    this.pruneMinutes = sqlite.prepare('delete from monitor_health_minutes where minute < ?');
    this.health = new HealthWriter(sqlite);
    this.drift = new DriftWriter(sqlite);
    this.outcomes = new OutcomeWriter(sqlite);
    this.backfill = new Backfill(sqlite, profiles, this.drift, options.now);
    this.watermark = this.readWatermark();
  }

  /** New rows were logged: count them at the next pass. */
  schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.options.flushIntervalMs);
  }

  /** One onnxruntime run (the `model.ran` event). */
  recordRun(algorithmId: number, rows: number): void {
    this.runs.addRun(algorithmId, Math.floor(this.options.now() / 60_000), rows);
    this.schedule();
  }

  /** Counts everything logged so far (passes never overlap; resolves when this one is done). */
  flush(): Promise<void> {
    this.chain = this.chain.then(() => this.drain()).catch((err: unknown) => console.error('modeldesk: monitoring aggregation failed:', err));
    return this.chain;
  }

  /** Stops the timer and lets a pass in progress finish (its last slice commits). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.chain;
  }

  private async drain(): Promise<void> {
    this.profiles.refresh();
    for (;;) {
      const counted = this.slice();
      if (counted < this.options.sliceRows || this.closed) break;
      await yieldToServing();
    }
    // a profile set after traffic came: apply it to the rows logged before it
    await this.backfill.run(() => this.closed);
    this.prune();
  }

  /** Reads, counts and commits one slice; returns how many rows it read. */
  private slice(): number {
    const from = this.watermark;
    const rows = this.readRows.all(from, this.options.sliceRows) as LogRow[];
    const cells = new HealthCells();
    const drift = new DriftCells();
    const outcomes: Outcome[] = [];
    let last = from;
    let minuteKey = '';
    let minute = 0;
    for (const row of rows) {
      const [id, algorithmId, status, shadow, latencyUs, createdAt, label, input, response, feedback, feedbackAt] = row;
      last = id;
      // the rows of one call share created_at: parse each distinct minute once
      if (createdAt.slice(0, 16) !== minuteKey) {
        minuteKey = createdAt.slice(0, 16);
        minute = minuteOf(createdAt);
      }
      const failed = status !== 'OK';
      cells.addRow(algorithmId, minute, failed, shadow === 1, latencyUs);
      if (input !== null) this.countDrift(drift, id, algorithmId, Math.floor(minute / 60), input, failed ? null : label, response);
      if (feedback !== null && !shadow) {
        const outcome = outcomeOf({ id, algorithmId, status, label, feedback, feedbackAt, createdAt }, this.taskOf(algorithmId));
        if (outcome) outcomes.push(outcome);
      }
    }
    const runs = this.runs.take();
    if (rows.length === 0 && runs.length === 0) return 0;
    const committed = this.sqlite.transaction(() => {
      // another process counted these rows meanwhile: drop this slice, read again
      if (this.readWatermark() !== from) return false;
      const keepAfter = Math.floor(this.options.now() / 60_000) - this.options.minuteRetentionDays * 1440;
      this.health.write([...cells.take(), ...runs], keepAfter);
      this.drift.write(drift.take());
      this.outcomes.write(outcomes);
      if (last !== from) this.saveWatermark.run(last);
      return true;
    })();
    if (committed) this.watermark = last;
    else {
      this.watermark = this.readWatermark();
      this.runs.restore(runs);
    }
    return committed ? rows.length : this.options.sliceRows;
  }

  private countDrift(drift: DriftCells, id: number, algorithmId: number, hour: number, input: string, label: string | null, response: string | null): void {
    const active = this.profiles.get(algorithmId);
    if (!active || id <= active.liveFromId) return;
    let record: unknown;
    try {
      record = JSON.parse(input);
    } catch {
      return;
    }
    const predictions = label === null || response === null ? undefined : loggedPredictionValues(label, response);
    drift.add(active.id, active.profile, hour, active.columns.readRecord(record), predictions);
  }

  private taskOf(algorithmId: number): Task {
    let task = this.tasks.get(algorithmId);
    if (task === undefined) this.tasks.set(algorithmId, (task = this.algorithmOf(algorithmId).task));
    return task;
  }

  private readWatermark(): number {
    return Number(this.storedWatermark.get() ?? 0);
  }

  private prune(): void {
    const now = this.options.now();
    if (now - this.lastPrune < 3_600_000) return;
    this.lastPrune = now;
    this.pruneMinutes.run(Math.floor(now / 60_000) - this.options.minuteRetentionDays * 1440);
  }
}
