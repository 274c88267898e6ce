import { Type } from 'typebox';

/**
 * Batch prediction jobs and replays (issue #16): the closed sets of values, declared once for
 * the database, the core, the API and the Jobs page. The API's shapes are in job-schemas.ts.
 */

/** What a job does: score a file, or replay logged requests against a candidate. */
export const jobKindValues = ['predict', 'replay'] as const;
export type JobKind = (typeof jobKindValues)[number];
export const JobKindSchema = Type.Enum(jobKindValues);

/**
 * A job's life: queued → running → completed | failed | cancelled. A job that was running when
 * the process stopped is running again after the next start (it resumes).
 */
export const jobStateValues = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type JobState = (typeof jobStateValues)[number];
export const JobStateSchema = Type.Enum(jobStateValues);
/** states a job never leaves */
export const finishedJobStates: readonly JobState[] = ['completed', 'failed', 'cancelled'];

/** File formats a job reads and writes: CSV with a header row, or JSON Lines (one object per line). */
export const inputFormatValues = ['csv', 'jsonl'] as const;
export type InputFormat = (typeof inputFormatValues)[number];
export const InputFormatSchema = Type.Enum(inputFormatValues, { description: 'csv (with a header row) or jsonl (one JSON object per line)' });

/** the share of rows that may fail before a job counts as failed, when not told */
export const defaultMaxFailedFraction = 0.01;
/** rows a job hands a worker at a time (the unit of progress, resume and batching) */
export const jobChunkRows = 1024;
