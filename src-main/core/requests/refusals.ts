import type Database from 'better-sqlite3';
import { isOneOf, refusalReasonValues, type RefusalReason } from '../../contract/enums.ts';
import { invalidInput } from '../errors.ts';
import type { CoreEvents } from '../events.ts';
import type { Algorithm } from '../registry/types.ts';

/** One refused prediction, as the server saw it. */
export interface Refusal {
  /** the endpoint the call named; null when no endpoint has that name */
  endpoint: { id: number; name: string } | null;
  /** the algorithm chosen before the call was refused; null when none was */
  algorithm: Algorithm | null;
  reason: RefusalReason;
  /** the HTTP status it was answered with */
  status: number;
}

export interface RefusalFilter {
  /** ISO timestamps, inclusive; compared by minute */
  from?: string;
  to?: string;
  endpointId?: number;
  algorithmIds?: readonly number[];
}

export interface RefusalCount {
  endpointId: number;
  algorithmId: number;
  reason: RefusalReason;
  count: number;
}

/** how often counts in memory are added to the table */
export const refusalFlushMs = 5000;

/** The minute an ISO timestamp falls in, as the table keys it: 2026-12-04T13:05Z. */
export const minuteOf = (iso: string): string => `${iso.slice(0, 16)}Z`;

/**
 * Refused predictions (issue 12 §6), counted per minute, endpoint, algorithm and reason in
 * memory and added to the `refusals` table every few seconds and at close, so a flood of bad
 * requests costs one upsert per key and minute, never a row per request. Each refusal is
 * announced as `request.refused` when it happens.
 */
export class RefusalCounter {
  private pending = new Map<string, RefusalCount & { minute: string }>();
  private readonly upsert: Database.Statement;
  private readonly flushAll: Database.Transaction<(rows: (RefusalCount & { minute: string })[]) => void>;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly events: CoreEvents,
    private readonly now: () => string = () => new Date().toISOString()
  ) {
    this.upsert = sqlite.prepare(
      `insert into refusals (minute, endpoint_id, algorithm_id, reason, count) values (?, ?, ?, ?, ?)
       on conflict (minute, endpoint_id, algorithm_id, reason) do update set count = count + excluded.count`
    );
    this.flushAll = sqlite.transaction((rows: (RefusalCount & { minute: string })[]) => {
      for (const r of rows) this.upsert.run(r.minute, r.endpointId, r.algorithmId, r.reason, r.count);
    });
    this.timer = setInterval(() => this.flush(), refusalFlushMs);
    this.timer.unref();
  }

  record(refusal: Refusal): void {
    const minute = minuteOf(this.now());
    const endpointId = refusal.endpoint?.id ?? 0;
    const algorithmId = refusal.algorithm?.id ?? 0;
    const key = `${minute}|${endpointId}|${algorithmId}|${refusal.reason}`;
    const counted = this.pending.get(key);
    if (counted) counted.count++;
    else this.pending.set(key, { minute, endpointId, algorithmId, reason: refusal.reason, count: 1 });
    this.events.emit('request.refused', refusal);
  }

  /** Adds the counts held in memory to the table (one transaction). */
  flush(): void {
    if (this.pending.size === 0) return;
    const rows = [...this.pending.values()];
    this.pending = new Map();
    try {
      this.flushAll.immediate(rows);
    } catch (err) {
      // a busy or closing database must not lose the counts: they go back for the next flush
      for (const r of rows) {
        const key = `${r.minute}|${r.endpointId}|${r.algorithmId}|${r.reason}`;
        const later = this.pending.get(key);
        if (later) later.count += r.count;
        else this.pending.set(key, r);
      }
      throw err;
    }
  }

  /** Counts by endpoint, algorithm and reason over a time range (what is in memory included). */
  counts(filter: RefusalFilter = {}): RefusalCount[] {
    this.flush();
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (filter.from !== undefined) {
      where.push('minute >= ?');
      params.push(minuteOf(checkedTime(filter.from, 'from')));
    }
    if (filter.to !== undefined) {
      where.push('minute <= ?');
      params.push(minuteOf(checkedTime(filter.to, 'to')));
    }
    if (filter.endpointId !== undefined) {
      where.push('endpoint_id = ?');
      params.push(filter.endpointId);
    }
    if (filter.algorithmIds !== undefined) {
      if (filter.algorithmIds.length === 0) return [];
      where.push(`algorithm_id in (${filter.algorithmIds.map(() => '?').join(', ')})`);
      params.push(...filter.algorithmIds);
    }
    const rows = this.sqlite
      .prepare(
        `select endpoint_id as endpointId, algorithm_id as algorithmId, reason, sum(count) as count from refusals
         ${where.length ? `where ${where.join(' and ')}` : ''}
         group by endpoint_id, algorithm_id, reason order by endpoint_id, algorithm_id, reason`
      )
      .all(...params) as RefusalCount[];
    return rows.filter((r) => isOneOf(refusalReasonValues, r.reason));
  }

  /**
   * Refusals of each arm of an A/B test, by algorithm id: those of the arms' algorithms in the
   * minutes the test ran (the table keeps minutes, not tests: a refusal of an arm pinned by
   * version in those minutes counts too).
   */
  armCounts(test: { createdAt: string; endedAt: string | null; arms: readonly { algorithmId: number }[] }): Map<number, number> {
    const counts = new Map<number, number>();
    const rows = this.counts({ from: test.createdAt, ...(test.endedAt ? { to: test.endedAt } : {}), algorithmIds: test.arms.map((a) => a.algorithmId) });
    for (const r of rows) counts.set(r.algorithmId, (counts.get(r.algorithmId) ?? 0) + r.count);
    return counts;
  }

  /** Stops the timer and writes what is left. */
  close(): void {
    clearInterval(this.timer);
    this.flush();
  }
}

function checkedTime(value: string, field: string): string {
  if (Number.isNaN(Date.parse(value))) throw invalidInput(`${field} must be an ISO date-time`, field);
  return new Date(value).toISOString();
}

/** One minute's count of one kind of refusal, for series bucketed by time (monitoring). */
export interface RefusalMinute {
  /** unix seconds of the minute */
  at: number;
  endpointId: number;
  algorithmId: number;
  reason: string;
  count: number;
}

/**
 * The stored counts minute by minute, from `from` (inclusive) to `to` (exclusive), unix seconds.
 * Reads the table only: a caller that wants the counts still in memory flushes the counter first.
 */
export function refusalsByMinute(
  sqlite: Database.Database,
  from: number,
  to: number,
  filter: { endpointId?: number; algorithmId?: number } = {}
): RefusalMinute[] {
  const minute = (s: number) => new Date(s * 1000).toISOString().slice(0, 16);
  const where = ['substr(minute, 1, 16) >= ?', 'substr(minute, 1, 16) < ?'];
  const params: (string | number)[] = [minute(from), minute(to)];
  if (filter.endpointId !== undefined) {
    where.push('endpoint_id = ?');
    params.push(filter.endpointId);
  }
  if (filter.algorithmId !== undefined) {
    where.push('algorithm_id = ?');
    params.push(filter.algorithmId);
  }
  const rows = sqlite
    .prepare(`select minute, endpoint_id, algorithm_id, reason, count from refusals where ${where.join(' and ')}`)
    .raw()
    .all(...params) as [string, number, number, string, number][];
  return rows.flatMap(([text, endpointId, algorithmId, reason, count]) => {
    const at = Date.parse(`${String(text).slice(0, 16)}:00Z`);
    return Number.isFinite(at) ? [{ at: at / 1000, endpointId, algorithmId, reason: String(reason), count: Number(count) }] : [];
  });
}
