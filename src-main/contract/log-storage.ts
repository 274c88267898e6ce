import { Type, type Static } from 'typebox';

/**
 * `GET /api/v1/request-log/storage` (issue #18): what the request log takes on disk, what
 * retention is doing, and how much room the data folder's disk has left. The Server page shows it.
 */

/** Below this much free space, or this share of the disk, the disk counts as nearly full. */
export const nearlyFullBelowBytes = 2 * 2 ** 30;
export const nearlyFullBelowShare = 0.05;

/** The one rule for "nearly full" (the server decides it, the page words it). */
export function diskNearlyFull(freeBytes: number, totalBytes: number): boolean {
  return freeBytes < nearlyFullBelowBytes || (totalBytes > 0 && freeBytes / totalBytes < nearlyFullBelowShare);
}

export const LogStorageBody = Type.Object({
  rows: Type.Integer({ description: 'rows in the request log' }),
  oldest_created_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'when its oldest row was logged' }),
  database_bytes: Type.Integer({ description: 'modeldesk.db on disk (the request log is nearly all of it)' }),
  wal_bytes: Type.Integer({ description: 'the write-ahead log beside it (modeldesk.db-wal)' }),
  reusable_bytes: Type.Integer({ description: 'space inside the database freed by deleted rows and not yet given back to the disk' }),
  shrinks: Type.Boolean({ description: 'whether pruning gives space back to the disk (incremental vacuum), or only reuses it' }),
  shrink_note: Type.Union([Type.String(), Type.Null()], { description: 'why the database file does not shrink, when it does not' }),
  retention: Type.Object({
    days: Type.Integer({ description: 'log_retention_days in effect; 0 = keep everything' }),
    mb: Type.Integer({ description: 'log_retention_mb in effect; 0 = no size limit' })
  }),
  last_prune: Type.Union([
    Type.Object({
      at: Type.String({ format: 'date-time' }),
      deleted_rows: Type.Integer(),
      kept_for_ab_tests: Type.Integer({ description: 'rows past retention kept because they carry feedback for a running A/B test' }),
      error: Type.Union([Type.String(), Type.Null()])
    }),
    Type.Null()
  ]),
  disk: Type.Object({
    free_bytes: Type.Integer(),
    total_bytes: Type.Integer(),
    nearly_full: Type.Boolean({ description: `under ${nearlyFullBelowBytes / 2 ** 30} GiB or ${nearlyFullBelowShare * 100}% of the disk free` })
  })
});

export type LogStorage = Static<typeof LogStorageBody>;
