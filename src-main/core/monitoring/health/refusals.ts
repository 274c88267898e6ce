import type Database from 'better-sqlite3';

/**
 * Requests refused before any model ran (bad input, no algorithm to serve, …), counted per
 * minute by the request path into the `refusals` table (issue #12 §6: minute as ISO minute text,
 * endpoint_id 0 = unknown endpoint, algorithm_id 0 = none chosen, reason, count). That table
 * belongs to the refusal counting; monitoring only reads it, and a ModelDesk without it (older,
 * or not yet migrated) simply has no refusals to show.
 */
export interface RefusalCount {
  /** unix seconds of the minute */
  at: number;
  endpointId: number;
  algorithmId: number;
  reason: string;
  count: number;
}

export function refusalsCounted(sqlite: Database.Database): boolean {
  return sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = 'refusals'").get() !== undefined;
}

/** Refusals from `from` (inclusive) to `to` (exclusive), unix seconds; [] when the table does not exist. */
export function readRefusals(
  sqlite: Database.Database,
  from: number,
  to: number,
  filter: { endpointId?: number; algorithmId?: number } = {}
): RefusalCount[] {
  if (!refusalsCounted(sqlite)) return [];
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
