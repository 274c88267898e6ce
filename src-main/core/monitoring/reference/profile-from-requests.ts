import type Database from 'better-sqlite3';
import { setImmediate as yieldToServing } from 'node:timers/promises';
import { invalidInput } from '../../errors.ts';
import type { Algorithm } from '../../registry/types.ts';
import { monitoredColumns } from '../columns.ts';
import { ProfileBuilder, type ReferenceProfile } from '../drift/index.ts';
import type { StoredRows } from '../stored-rows.ts';

/** ISO timestamps: from inclusive, to exclusive. */
export interface LogRange {
  from: string;
  to: string;
}

/** Log ids scanned per slice, between two yields to serving. */
const SCAN_IDS = 50_000;

/**
 * The profile of a version's own answered requests in a time range ("the first week in
 * production", or "re-baseline now": the window ending now). The log is walked by id in slices
 * (it has no index on time, and an imported log's ids do not follow time), yielding between
 * slices so serving goes on; only the version's OK rows in the range count.
 */
export async function profileFromRequests(
  sqlite: Database.Database,
  algorithm: Algorithm,
  range: LogRange,
  /** the rows' records and answers, read through the row codec */
  stored: StoredRows
): Promise<{ profile: ReferenceProfile; rows: number }> {
  if (!(Date.parse(range.from) < Date.parse(range.to))) throw invalidInput(`the time range is empty: from (${range.from}) must be before to (${range.to})`, 'from');
  const columns = monitoredColumns(algorithm);
  if (columns.features.length === 0 && columns.predictions.length === 0) {
    throw invalidInput(`algorithm ${algorithm.id}: ${columns.noFeatures}, and its outputs are not a label or a number: there is nothing to profile`, 'algorithm');
  }
  const builder = new ProfileBuilder({ features: columns.features, predictions: columns.predictions });
  const last = (sqlite.prepare('select max(id) from requests').pluck().get() as number | null) ?? 0;
  const read = sqlite
    .prepare(
      `select ab_test_id, input, label, response from requests
       where id > ? and id <= ? and +algorithm_id = ? and status = 'OK' and created_at >= ? and created_at < ?`
    )
    .raw();
  for (let after = 0; after < last; after += SCAN_IDS) {
    const rows = read.all(after, after + SCAN_IDS, algorithm.id, range.from, range.to) as [number | null, string | Buffer, string, string | Buffer][];
    for (const [abTestId, input, label, response] of rows) {
      const values = stored.values({ algorithmId: algorithm.id, abTestId, status: 'OK', label, input, response });
      // unreadable, or a record too large to log whole: its features are unknown, so the row is left out
      if (!values || values.record === null) continue;
      try {
        builder.add(columns.readRecord(values.record), values.predictions!);
      } catch {
        // a logged value of an odd kind (the model took it, the profile cannot): leave the row out
      }
    }
    await yieldToServing();
  }
  if (builder.rowCount === 0) {
    throw invalidInput(
      `algorithm ${algorithm.id} (${algorithm.name} ${algorithm.version}) has no answered requests logged from ${range.from} to ${range.to}: choose a range with traffic`,
      'from'
    );
  }
  return { profile: builder.finish(), rows: builder.rowCount };
}
