import type Database from 'better-sqlite3';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { WriteGate } from '../storage/write-gate.ts';
import { giveBackPages, usedBytes, type VacuumState } from './vacuum.ts';

/** How long the request log keeps rows; 0 = no limit (serving settings log_retention_days, log_retention_mb). */
export interface RetentionPolicy {
  days: number;
  mb: number;
}

export interface PruneReport {
  at: string;
  deletedRows: number;
  /** rows past retention kept because they carry feedback for a running A/B test */
  keptForAbTests: number;
  /** why the pass stopped early (a full disk, a locked database), or null */
  error: string | null;
}

export interface RetentionOptions {
  /** a pass every so often, and soon after the policy changes */
  intervalMs?: number;
  /** rows per delete transaction: each is short, so answers never wait long for the lock */
  batchRows?: number;
  /** free pages given back to the disk per step */
  vacuumPages?: number;
  /** true while another connection (the log worker) holds a transaction: wait rather than block this thread */
  writerBusy?: () => boolean;
  /** deletes and vacuum steps wait for a lock without blocking, and storage faults are recorded (storage/write-gate.ts) */
  writes?: WriteGate;
  now?: () => number;
}

const dayMs = 86_400_000;
/** what a failed pass is called in messages */
const what = 'request-log retention';

/**
 * A row a prune must keep: it carries feedback for a running A/B test (its own, or for a shadow
 * row, its answered request's), so the test's metric and verdict do not change under it.
 * `r` is the row; used inside the delete and the count of kept rows alike.
 */
const protectedRow = `r.ab_test_id in (select id from ab_tests where state = 'running')
  and (coalesce(r.feedback, '') <> ''
       or exists (select 1 from requests p where p.id = r.primary_request_id and coalesce(p.feedback, '') <> ''))`;

/**
 * Request-log retention (issue #18): rows older than `days`, or the oldest rows while the
 * database holds more than `mb`, are deleted in small IMMEDIATE transactions from a timer, off
 * the prediction path, then their pages are given back to the disk (vacuum.ts). A/B results of
 * stopped tests and monitoring aggregates live in their own tables and do not change.
 *
 * The newest row is never deleted: `requests` has a rowid key without AUTOINCREMENT, so SQLite
 * gives a new row max(rowid) + 1, and deleting the newest rows would hand their ids (which
 * clients were given as request_id) to new requests.
 */
export class LogRetention {
  private timer: NodeJS.Timeout | null = null;
  private soon: NodeJS.Timeout | null = null;
  private pass: Promise<PruneReport | null> | null = null;
  private closed = false;
  lastPrune: PruneReport | null = null;
  private readonly deleteUpTo: Database.Statement;
  private readonly countKept: Database.Statement;
  private readonly oldest: Database.Statement;
  private readonly prune: (after: number, upTo: number) => { deleted: number; kept: number };

  constructor(
    private readonly sqlite: Database.Database,
    private policy: RetentionPolicy,
    readonly vacuum: VacuumState,
    private readonly options: RetentionOptions = {}
  ) {
    this.deleteUpTo = sqlite.prepare(`delete from requests as r where r.id > ? and r.id <= ? and not (${protectedRow})`);
    this.countKept = sqlite.prepare(`select count(*) from requests as r where r.id > ? and r.id <= ? and ${protectedRow}`).pluck();
    this.oldest = sqlite.prepare('select id, created_at as createdAt from requests where id > ? and id < ? order by id limit ?');
    const prune = sqlite.transaction((after: number, upTo: number) => ({
      kept: this.countKept.get(after, upTo) as number,
      deleted: this.deleteUpTo.run(after, upTo).changes
    }));
    this.prune = (after, upTo) => prune.immediate(after, upTo);
  }

  get current(): RetentionPolicy {
    return this.policy;
  }

  /** Passes every intervalMs (the timer does not keep the process alive). */
  start(): void {
    this.timer = setInterval(() => void this.pruneNow(), this.options.intervalMs ?? 60_000);
    this.timer.unref();
    this.schedule();
  }

  /** A new policy (a saved setting) applies from a pass a moment later. */
  configure(policy: RetentionPolicy): void {
    this.policy = policy;
    this.schedule();
  }

  /** Prunes what is past retention now; a pass already running is awaited instead. Null when nothing is limited. */
  pruneNow(): Promise<PruneReport | null> {
    if (this.closed) return Promise.resolve(null);
    this.pass ??= this.runPass().finally(() => (this.pass = null));
    return this.pass;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.soon) clearTimeout(this.soon);
    await this.pass;
  }

  private schedule(): void {
    if (this.closed || !this.active) return;
    if (this.soon) clearTimeout(this.soon);
    this.soon = setTimeout(() => void this.pruneNow(), 1000);
    this.soon.unref();
  }

  private get active(): boolean {
    return this.policy.days > 0 || this.policy.mb > 0;
  }

  private async runPass(): Promise<PruneReport | null> {
    if (!this.active) return null;
    const report: PruneReport = { at: new Date(this.now()).toISOString(), deletedRows: 0, keptForAbTests: 0, error: null };
    try {
      await this.deletePastRetention(report);
      await this.giveBack();
    } catch (err) {
      report.error = (err as Error).message;
    }
    this.lastPrune = report;
    return report;
  }

  private async deletePastRetention(report: PruneReport): Promise<void> {
    const newest = this.sqlite.prepare('select max(id) from requests').pluck().get() as number | null;
    if (newest === null) return;
    const { days, mb } = this.policy;
    const cutoff = days > 0 ? new Date(this.now() - days * dayMs).toISOString() : null;
    let overSize = mb > 0 ? this.rowsOverSize(mb * 2 ** 20) : 0;
    const batchRows = this.options.batchRows ?? 500;
    let after = 0;
    while (!this.closed) {
      if (this.options.writerBusy?.()) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      // oldest first, below the newest row; created_at follows the ids closely (a call's rows
      // carry the time it started), so a pass stops at the first row still within `days`
      const rows = this.oldest.all(after, newest, batchRows) as { id: number; createdAt: string }[];
      let past = 0;
      while (past < rows.length && (overSize > past || (cutoff !== null && rows[past]!.createdAt < cutoff))) past++;
      if (past === 0) return;
      const upTo = rows[past - 1]!.id;
      const { deleted, kept } = await this.write(() => this.prune(after, upTo));
      report.deletedRows += deleted;
      report.keptForAbTests += kept;
      overSize = Math.max(0, overSize - past);
      after = upTo;
      if (past < rows.length) return;
      await nextTurn();
    }
  }

  /** How many of the oldest rows hold the database's content above `limit` bytes (an estimate: rows are of similar size). */
  private rowsOverSize(limit: number): number {
    const used = usedBytes(this.sqlite);
    if (used <= limit) return 0;
    const rows = this.sqlite.prepare('select count(*) from requests').pluck().get() as number;
    if (rows === 0) return 0;
    return Math.ceil((used - limit) / (used / rows));
  }

  private async giveBack(): Promise<void> {
    if (!this.vacuum.shrinks) return;
    const pages = this.options.vacuumPages ?? 256;
    while (!this.closed) {
      if (this.options.writerBusy?.()) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      if ((await this.write(() => giveBackPages(this.sqlite, pages))) === 0) return;
      await nextTurn();
    }
  }

  /** A write of this pass: through the write gate when there is one, else tried once. */
  private write<T>(fn: () => T): Promise<T> | T {
    return this.options.writes ? this.options.writes.attempt(what, fn) : fn();
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
