import type Database from 'better-sqlite3';
import { setImmediate as yieldToServing } from 'node:timers/promises';
import type { Task } from '../../contract/enums.ts';
import type { Logger } from '../logging/logger.ts';
import type { Algorithm } from '../registry/types.ts';
import type { RequestRow } from '../requests/request-writer.ts';
import type { WriteGate } from '../storage/write-gate.ts';
import type { ActiveProfiles } from './active-profiles.ts';
import { Batch, DriftSampling } from './batch.ts';
import { DriftWriter } from './drift-cells.ts';
import { HealthCells, HealthWriter } from './health/health-cells.ts';
import { FeedbackOutcomes, outcomeOf, OutcomeWriter, type Outcome } from './quality/outcomes.ts';
import { Backfill } from './reference/backfill.ts';
import type { StoredRows } from './stored-rows.ts';
import { minuteOf } from './time.ts';

/**
 * Keeps the monitoring aggregates up to date with the request log, off the predict path.
 *
 * Live: each `requests.logged` event's rows (already in memory, with their ids) are counted
 * into health cells per algorithm and minute, a fraction of a microsecond per row; rows of a
 * version with an active reference profile are only set aside (a reference to their logged
 * input), and parsed for drift at the next pass. A pass runs on a timer (every
 * `flushIntervalMs` while traffic comes): it parses the set-aside rows in slices of `sliceRows`,
 * yielding to the event loop between slices, then commits everything with the new watermark
 * (the last log id counted) in one small transaction, through the core's write gate (BEGIN
 * IMMEDIATE; a locked database is waited for without blocking the event loop). On a busy server drift counts a uniform
 * sample (batch.ts, DriftSampling), so parsing stays a small share of the serving thread.
 *
 * From the log: when rows exist that no event announced (the first start over an old log, rows
 * logged while the server was down or by another process, an import), the pass reads the rows
 * after the watermark by rowid instead, in slices, counting every row (health, drift, feedback
 * outcomes), and commits every 20,000 rows; then live counting resumes.
 *
 * Exactly once: counts and watermark commit together, and a commit first checks that the stored
 * watermark is where the batch started and, for a live batch, that the log holds exactly the rows
 * it counted in its id range (else the batch is dropped and the log path counts that range). Log
 * ids only grow, so "after the watermark" is exactly "not counted". Batch sizes come from
 * `model.ran` alone (they are not in the log): kept in memory until the next commit, so a crash
 * loses at most one interval of them.
 */
export interface AggregatorOptions {
  flushIntervalMs: number;
  sliceRows: number;
  /** above this many rows per second to profiled versions, drift counts a uniform sample */
  driftRowsPerSecond: number;
  /** minute rows older than this are dropped (hour rows stay) */
  minuteRetentionDays: number;
  now: () => number;
}

type LogRow = [
  id: number,
  algorithmId: number,
  abTestId: number | null,
  status: string,
  shadow: number,
  latencyUs: number,
  createdAt: string,
  label: string,
  /** stored form (requests/row-codec.ts), null for a version without an active profile */
  input: string | Buffer | null,
  response: string | Buffer | null,
  feedback: string | null,
  feedbackAt: string | null
];

/** Rows counted between two commits at most on the log path. */
const COMMIT_ROWS = 20_000;

export class Aggregator {
  private watermark: number;
  /** counted from events since the last pass; null while the log path counts instead */
  private live: Batch | null;
  private readonly runs = new HealthCells();
  private readonly sampling: DriftSampling;
  private readonly statements: Record<'rows' | 'stored' | 'save' | 'count' | 'last' | 'prune', Database.Statement>;
  private readonly health: HealthWriter;
  private readonly drift: DriftWriter;
  private readonly backfill: Backfill;
  private readonly outcomes: OutcomeWriter;
  private readonly feedback: FeedbackOutcomes;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private lastPrune = 0;
  /** an algorithm's task never changes: asked of the registry once */
  private readonly tasks = new Map<number, Task>();
  /** the minute of the last created_at seen (the rows of one call share it) */
  private minuteKey = '';
  private minute = 0;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly writes: WriteGate,
    private readonly profiles: ActiveProfiles,
    private readonly algorithmOf: (id: number) => Algorithm,
    /** log rows' records and answers, read through the row codec */
    private readonly stored: StoredRows,
    private readonly options: AggregatorOptions,
    private readonly log: Logger
  ) {
    const profiled = 'algorithm_id in (select algorithm_id from reference_profiles where active = 1)';
    this.statements = {
      rows: sqlite
        .prepare(
          `select id, algorithm_id, ab_test_id, status, shadow, latency_us, created_at, label,
                  case when ${profiled} then input end, case when ${profiled} then response end,
                  nullif(feedback, ''), feedback_at
           from requests where id > ? order by id limit ?`
        )
        .raw(),
      stored: sqlite.prepare("select value from monitor_state where key = 'watermark'").pluck(),
      save: sqlite.prepare("insert into monitor_state (key, value) values ('watermark', ?) on conflict (key) do update set value = excluded.value"),
      count: sqlite.prepare('select count(*) from requests where id > ? and id <= ?').pluck(),
      last: sqlite.prepare('select max(id) from requests').pluck(),
      prune: sqlite.prepare('delete from monitor_health_minutes where minute < ?')
    };
    this.health = new HealthWriter(sqlite);
    this.drift = new DriftWriter(sqlite);
    this.outcomes = new OutcomeWriter(sqlite);
    this.feedback = new FeedbackOutcomes(this.outcomes, writes, (err) => this.failed('writing feedback outcomes', err));
    this.backfill = new Backfill(sqlite, writes, profiles, this.drift, stored, options.now);
    this.sampling = new DriftSampling(options.driftRowsPerSecond, options.now());
    this.watermark = this.readWatermark();
    // the first pass reads the log: rows may have been logged while nothing counted them
    this.live = null;
    profiles.refresh();
  }

  /** One call's rows, just committed to the log (the `requests.logged` event). */
  recordLogged(rows: readonly RequestRow[], ids: readonly number[]): void {
    const live = this.live;
    this.schedule();
    if (!live) return;
    for (let i = 0; i < rows.length; i++) {
      const id = ids[i]!;
      if (id <= live.last) continue;
      const row = rows[i]!;
      const minute = this.minuteOf(row.createdAt);
      const failed = row.status !== 'OK';
      live.cells.addRow(row.algorithmId, minute, failed, row.shadow, row.latencyUs);
      const profile = this.profiles.get(row.algorithmId);
      if (profile && id > profile.liveFromId && this.sampling.keep()) {
        live.pending.push({ profile, hour: Math.floor(minute / 60), row });
      }
      live.last = id;
      live.rows += 1;
    }
  }

  /** One onnxruntime run (the `model.ran` event). */
  recordRun(algorithmId: number, rows: number): void {
    this.runs.addRun(algorithmId, Math.floor(this.options.now() / 60_000), rows);
    this.schedule();
  }

  /** A request's feedback was stored (its outcome) or cleared (null). */
  feedbackChanged(requestId: number, outcome: Outcome | null): void {
    this.feedback.changed(requestId, outcome);
  }

  /** A profile was set: count the next rows into it, and apply it to the earlier ones (backfill). */
  profilesChanged(): void {
    this.profiles.refresh();
    this.schedule();
  }

  /** Rows reached the log without events (an import): the next pass reads the log. */
  logChanged(): void {
    this.live = null;
    this.schedule();
  }

  schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.options.flushIntervalMs);
  }

  /**
   * Counts everything logged so far (passes never overlap; resolves when this one is done). A pass
   * that fails (the database busy past its timeout with another process's long write) is tried
   * again at the next interval: what it had counted in memory is dropped, and the rows it had not
   * committed are read from the log then, since the watermark did not move.
   */
  flush(): Promise<void> {
    this.chain = this.chain
      .then(() => this.pass())
      .catch((err: unknown) => {
        this.live = null;
        this.failed('counting the request log', err);
      });
    return this.chain;
  }

  /** A write that failed is tried again at the next interval (what it needs is still in the log, or queued). */
  private failed(what: string, err: unknown): void {
    this.log.warn({ err }, `monitoring: ${what} failed; trying again in ${this.options.flushIntervalMs} ms`);
    this.schedule();
  }

  /** Stops the timer and lets a pass in progress finish. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.chain;
    await this.feedback.settle();
  }

  private async pass(): Promise<void> {
    await this.feedback.settle();
    this.profiles.refresh();
    this.sampling.update(this.options.now());
    const live = this.live;
    if (live) {
      this.live = new Batch(live.last);
      if (this.complete(live)) {
        for (let at = 0; at < live.pending.length; at += this.options.sliceRows) {
          for (const row of live.pending.slice(at, at + this.options.sliceRows)) live.countPending(row);
          await yieldToServing();
        }
        live.pending = [];
        if (!(await this.commit(live))) this.live = null;
      } else this.live = null;
    }
    if (!this.live) await this.countFromLog();
    // a profile set after traffic came: apply it to the rows logged before it
    await this.backfill.run(() => this.closed);
    await this.prune();
  }

  /**
   * Whether a live batch holds every log row after the stored watermark: it starts there, the log
   * has exactly its rows in its id range, and none after it (rows no event announced: written by
   * another process, or by this one without an event, are then counted from the log).
   */
  private complete(batch: Batch): boolean {
    if (this.readWatermark() !== batch.from) return false;
    if (Number(this.statements.last.get() ?? 0) !== batch.last) return false;
    return batch.rows === Number(this.statements.count.get(batch.from, batch.last));
  }

  /** Counts the rows after the watermark from the log, then hands over to live counting. */
  private async countFromLog(): Promise<void> {
    this.watermark = this.readWatermark();
    for (;;) {
      const batch = new Batch(this.watermark);
      let read: number;
      do {
        read = this.read(batch);
        if (read === this.options.sliceRows) await yieldToServing();
      } while (read === this.options.sliceRows && batch.rows < COMMIT_ROWS && !this.closed);
      const caughtUp = read < this.options.sliceRows || this.closed;
      // no await since the last read: a row committed after it arrives as an event, counted live
      // from here (dropped again below if this commit fails)
      if (caughtUp) this.live = new Batch(batch.last);
      const committed = await this.commit(batch);
      if (caughtUp) {
        if (!committed) this.live = null;
        return;
      }
    }
  }

  /** Reads the next slice of log rows after the batch's last and counts them into it; returns how many. */
  private read(batch: Batch): number {
    const rows = this.statements.rows.all(batch.last, this.options.sliceRows) as LogRow[];
    for (const [id, algorithmId, abTestId, status, shadow, latencyUs, createdAt, label, input, response, feedback, feedbackAt] of rows) {
      batch.last = id;
      const minute = this.minuteOf(createdAt);
      const failed = status !== 'OK';
      batch.cells.addRow(algorithmId, minute, failed, shadow === 1, latencyUs);
      const profile = input === null ? undefined : this.profiles.get(algorithmId);
      if (profile && id > profile.liveFromId) {
        const values = this.stored.values({ algorithmId, abTestId, status, label, input: input!, response: response ?? '' });
        if (values) batch.countDrift(profile, Math.floor(minute / 60), values.record, values.predictions);
      }
      if (feedback !== null && !shadow) {
        const outcome = outcomeOf({ id, algorithmId, status, label, feedback, feedbackAt, createdAt }, this.taskOf(algorithmId));
        if (outcome) batch.outcomes.push(outcome);
      }
    }
    batch.rows += rows.length;
    return rows.length;
  }

  /**
   * Commits a batch with its watermark in one transaction, unless the stored watermark moved (another
   * process counted those rows: the batch is dropped). Returns whether it committed.
   */
  private async commit(batch: Batch): Promise<boolean> {
    const runs = this.runs.take();
    if (batch.rows === 0 && runs.length === 0) return true;
    const keepAfter = Math.floor(this.options.now() / 60_000) - this.options.minuteRetentionDays * 1440;
    const cells = [...batch.cells.take(), ...runs];
    const drift = batch.drift.take();
    let committed = false;
    try {
      committed = await this.writes.transaction('the monitoring aggregates', () => {
        if (this.readWatermark() !== batch.from) return false;
        this.health.write(cells, keepAfter);
        this.drift.write(drift);
        this.outcomes.write(batch.outcomes);
        if (batch.last !== batch.from) this.statements.save.run(batch.last);
        return true;
      });
    } finally {
      this.watermark = committed ? batch.last : this.readWatermark();
      if (!committed) this.runs.restore(runs);
    }
    return committed;
  }

  private minuteOf(createdAt: string): number {
    if (createdAt.slice(0, 16) !== this.minuteKey) {
      this.minuteKey = createdAt.slice(0, 16);
      this.minute = minuteOf(createdAt);
    }
    return this.minute;
  }

  private taskOf(algorithmId: number): Task {
    let task = this.tasks.get(algorithmId);
    if (task === undefined) this.tasks.set(algorithmId, (task = this.algorithmOf(algorithmId).task));
    return task;
  }

  private readWatermark(): number {
    return Number(this.statements.stored.get() ?? 0);
  }

  private async prune(): Promise<void> {
    const now = this.options.now();
    if (now - this.lastPrune < 3_600_000) return;
    const before = Math.floor(now / 60_000) - this.options.minuteRetentionDays * 1440;
    await this.writes.transaction('pruning old monitoring minutes', () => this.statements.prune.run(before));
    this.lastPrune = now;
  }
}
