import type Database from 'better-sqlite3';
import { invalidInput } from '../../errors.ts';

/** Which logged requests a replay reads: the last N of the endpoint, or those in a time range. */
export interface ReplaySelection {
  last?: number;
  /** ISO timestamps, inclusive */
  from?: string;
  to?: string;
}

/** The selection fixed to request ids when the replay is created, so a resume replays the same rows. */
export interface ReplayRange extends ReplaySelection {
  firstRequestId: number;
  lastRequestId: number;
  requests: number;
}

/** One logged request as a replay reads it. */
export interface LoggedCall {
  id: number;
  algorithmId: number;
  abTestId: number | null;
  input: string;
  label: string;
  status: string;
  latencyUs: number;
  feedback: string | null;
}

export const maxReplayRequests = 1_000_000;

// Answered requests only: a shadow row was never returned to a client. The endpoint is named
// through its algorithms, as the request log's one index wants (request-log.ts).
const answered = `algorithm_id in (select id from algorithms where endpoint_id = @endpointId) and endpoint_id = @endpointId and shadow = 0`;

/** Fixes a selection to the ids it covers now; refuses an empty or unbounded one, naming the field. */
export function fixRange(sqlite: Database.Database, endpointId: number, selection: ReplaySelection): ReplayRange {
  const byCount = selection.last !== undefined;
  const byTime = selection.from !== undefined || selection.to !== undefined;
  if (byCount === byTime) throw invalidInput('give either last (the last N requests) or from/to (a time range)', byCount ? 'from' : 'last');
  let bounds: { first: number | null; lastId: number | null; n: number };
  if (byCount) {
    const last = selection.last!;
    if (!Number.isInteger(last) || last < 1 || last > maxReplayRequests) throw invalidInput(`last must be an integer from 1 to ${maxReplayRequests}`, 'last');
    bounds = sqlite
      .prepare(`select min(id) as first, max(id) as lastId, count(*) as n from (select id from requests where ${answered} order by id desc limit @last)`)
      .get({ endpointId, last }) as typeof bounds;
  } else {
    for (const field of ['from', 'to'] as const) {
      const value = selection[field];
      if (value !== undefined && Number.isNaN(Date.parse(value))) throw invalidInput(`${field} must be an ISO timestamp, e.g. 2026-05-01T00:00:00Z`, field);
    }
    const from = selection.from === undefined ? '' : new Date(selection.from).toISOString();
    const to = selection.to === undefined ? '9999' : new Date(selection.to).toISOString();
    if (from > to) throw invalidInput('from must not be after to', 'from');
    bounds = sqlite
      .prepare(`select min(id) as first, max(id) as lastId, count(*) as n from requests where ${answered} and created_at >= @from and created_at <= @to`)
      .get({ endpointId, from, to }) as typeof bounds;
    if (bounds.n > maxReplayRequests) throw invalidInput(`the range holds ${bounds.n} requests; a replay reads at most ${maxReplayRequests}: narrow it`, 'from');
  }
  if (!bounds.n || bounds.first === null || bounds.lastId === null) throw invalidInput('no logged requests of this endpoint match: nothing to replay', byCount ? 'last' : 'from');
  return { ...selection, firstRequestId: bounds.first, lastRequestId: bounds.lastId, requests: bounds.n };
}

/** A stored input (JSON text, or a lean row's: requests/row-codec.ts) as the JSON text it was received as. */
export type InputText = (stored: string | Buffer) => string;

/**
 * The next `limit` answered requests after `afterId` within the range (time ranges filter again
 * on their timestamps). A row's own feedback is its ground truth.
 */
export function readCalls(sqlite: Database.Database, inputText: InputText, endpointId: number, range: ReplayRange, afterId: number, limit: number): LoggedCall[] {
  const timeFilter = range.last === undefined ? ' and created_at >= @from and created_at <= @to' : '';
  const rows = sqlite
    .prepare(
      `select id, algorithm_id as algorithmId, ab_test_id as abTestId, input, label, status, latency_us as latencyUs,
              nullif(feedback, '') as feedback
       from requests where ${answered} and id > @afterId and id <= @lastId${timeFilter} order by id limit @limit`
    )
    .all({
      endpointId,
      afterId: Math.max(afterId, range.firstRequestId - 1),
      lastId: range.lastRequestId,
      limit,
      from: range.from === undefined ? '' : new Date(range.from).toISOString(),
      to: range.to === undefined ? '9999' : new Date(range.to).toISOString()
    }) as (Omit<LoggedCall, 'input'> & { input: string | Buffer })[];
  return rows.map((row) => ({ ...row, input: inputText(row.input) }));
}
