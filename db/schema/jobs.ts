import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { inputFormatValues, jobKindValues, jobStateValues } from '../../src-main/contract/jobs.ts';
import { algorithms, endpoints } from '../schema.ts';

/**
 * Batch prediction jobs and replays (issue #16): one row per job, its progress written after
 * every completed chunk of output, so that a job interrupted by a crash resumes from the last
 * chunk it finished. A job's rows are never written to the request log; this row is its summary.
 */
export const jobs = sqliteTable(
  'jobs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind', { enum: jobKindValues }).notNull(),
    state: text('state', { enum: jobStateValues }).notNull(),
    endpointId: integer('endpoint_id')
      .notNull()
      .references(() => endpoints.id),
    /** the version that scores the file, or a replay's candidate */
    algorithmId: integer('algorithm_id')
      .notNull()
      .references(() => algorithms.id),
    createdBy: text('created_by').notNull().default(''),
    createdAt: text('created_at').notNull(),
    /** first start; finished_at − started_at is the wall time, running_ms the time it actually ran */
    startedAt: text('started_at'),
    finishedAt: text('finished_at'),
    runningMs: integer('running_ms').notNull().default(0),
    /** the file read (a predict job): uploaded into the data dir, or a path on this machine */
    inputPath: text('input_path'),
    inputName: text('input_name'),
    inputFormat: text('input_format', { enum: inputFormatValues }),
    inputBytes: integer('input_bytes'),
    /** SHA-256 of the input, checked again before a job resumes */
    inputSha256: text('input_sha256'),
    inputUploaded: integer('input_uploaded', { mode: 'boolean' }).notNull().default(false),
    /** where the rows begin (after a CSV header) */
    dataOffset: integer('data_offset').notNull().default(0),
    outputPath: text('output_path'),
    errorsPath: text('errors_path'),
    outputFormat: text('output_format', { enum: inputFormatValues }),
    maxFailedFraction: real('max_failed_fraction').notNull(),
    /** worker threads of its last run */
    workers: integer('workers'),
    /** progress, as of the last completed chunk: rows, and the input/output bytes they span */
    rowsDone: integer('rows_done').notNull().default(0),
    rowsFailed: integer('rows_failed').notNull().default(0),
    rowsSkipped: integer('rows_skipped').notNull().default(0),
    /** known once finished (a replay knows it from the start) */
    rowsTotal: integer('rows_total'),
    inputOffset: integer('input_offset').notNull().default(0),
    outputBytes: integer('output_bytes').notNull().default(0),
    errorsBytes: integer('errors_bytes').notNull().default(0),
    /** the first failed rows (1 = the first row after the header) */
    failedRows: text('failed_rows', { mode: 'json' }).notNull().$type<number[]>().default([]),
    /** why it failed, or what a cancellation kept */
    message: text('message'),
    /** how rows are read and written (columns, fields, output plan) or what a replay replays; the core's shapes */
    options: text('options', { mode: 'json' }).notNull().$type<unknown>(),
    /** a replay's report (core/jobs/replay); null for predict jobs */
    report: text('report', { mode: 'json' }).$type<unknown>()
  },
  (t) => [index('jobs_state').on(t.state)]
);
