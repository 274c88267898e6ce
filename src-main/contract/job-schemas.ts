import { Type, type Static } from 'typebox';
import { InputFormatSchema, JobKindSchema, JobStateSchema } from './jobs.ts';
import { ReplayReport } from './replay-report.ts';

/**
 * The shapes of /api/v1/jobs (issue #16): what the routes validate and answer, what the OpenAPI
 * document shows and what the Jobs page reads.
 */

const timestamp = Type.String({ format: 'date-time' });
const nullable = <T extends ReturnType<typeof Type.Number>>(schema: T) => Type.Union([schema, Type.Null()]);

/** which version scores: pinned by id, a version string, or a status (default production) */
const selectionFields = {
  endpoint: Type.String({ minLength: 1, description: 'the endpoint whose model scores the rows' }),
  algorithm_id: Type.Optional(Type.Integer({ minimum: 1, description: 'this version of the endpoint' })),
  version: Type.Optional(Type.String({ minLength: 1, description: 'the version with this version string' })),
  status: Type.Optional(Type.String({ description: 'the version with this status (default production)' }))
};

const jobOptionFields = {
  format: Type.Optional(InputFormatSchema),
  output_format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('jsonl')], { description: "the result's format (default: the input's)" })),
  max_failed_fraction: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'the share of rows that may fail before the job fails (default 0.01)' })),
  created_by: Type.Optional(Type.String({ maxLength: 200 }))
};

/** POST /jobs with a JSON body: a file on the server's disk, inside an allowed folder. */
export const CreatePathJobBody = Type.Object(
  { ...selectionFields, path: Type.String({ minLength: 1, description: 'absolute path of a CSV or JSON Lines file on the server, inside a folder jobs may read' }), ...jobOptionFields },
  { additionalProperties: false }
);
export type CreatePathJob = Static<typeof CreatePathJobBody>;

/** The multipart fields of POST /jobs (besides the `file` part). */
export const uploadFieldNames = ['endpoint', 'algorithm_id', 'version', 'status', 'format', 'output_format', 'max_failed_fraction', 'created_by'] as const;

/** POST /jobs/replay */
export const CreateReplayBody = Type.Object(
  {
    endpoint: Type.String({ minLength: 1 }),
    candidate_algorithm_id: Type.Integer({ minimum: 1, description: 'the version replayed against the logged requests' }),
    last: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'the last N requests the endpoint answered' })),
    from: Type.Optional(Type.String({ description: 'or a time range: requests logged from (ISO timestamp)' })),
    to: Type.Optional(Type.String({ description: '… to (ISO timestamp)' })),
    created_by: Type.Optional(Type.String({ maxLength: 200 }))
  },
  { additionalProperties: false }
);
export type CreateReplay = Static<typeof CreateReplayBody>;

export const JobBody = Type.Object({
  id: Type.Integer(),
  kind: JobKindSchema,
  state: JobStateSchema,
  endpoint: Type.String(),
  endpoint_id: Type.Integer(),
  algorithm_id: Type.Integer({ description: 'the version that scores (a replay: the candidate)' }),
  algorithm_name: Type.String(),
  version: Type.String(),
  created_by: Type.String(),
  created_at: timestamp,
  started_at: Type.Union([timestamp, Type.Null()]),
  finished_at: Type.Union([timestamp, Type.Null()]),
  /** time it ran (across restarts) */
  duration_seconds: Type.Number(),
  input: Type.Union([
    Type.Object({
      name: Type.String(),
      format: InputFormatSchema,
      bytes: Type.Integer(),
      sha256: Type.String({ description: "the input's fingerprint, checked again before a job resumes" }),
      uploaded: Type.Boolean()
    }),
    Type.Null()
  ]),
  output_format: Type.Union([InputFormatSchema, Type.Null()]),
  max_failed_fraction: Type.Number(),
  workers: Type.Union([Type.Integer(), Type.Null()]),
  rows_done: Type.Integer(),
  rows_failed: Type.Integer(),
  rows_skipped: Type.Integer(),
  rows_total: Type.Union([Type.Integer(), Type.Null()]),
  /** 0–1, from the input bytes read (files) or the requests replayed */
  progress: Type.Number(),
  rows_per_second: nullable(Type.Number()),
  eta_seconds: nullable(Type.Number()),
  /** the first failed rows (1 = the first row after the header) */
  failed_rows: Type.Array(Type.Integer()),
  message: Type.Union([Type.String(), Type.Null()]),
  /** what a replay replays */
  replay: Type.Union([
    Type.Object({ last: Type.Union([Type.Integer(), Type.Null()]), from: Type.Union([Type.String(), Type.Null()]), to: Type.Union([Type.String(), Type.Null()]), requests: Type.Integer() }),
    Type.Null()
  ]),
  report: Type.Union([ReplayReport, Type.Null()]),
  /** when the result and error rows can be downloaded */
  files: Type.Union([Type.Object({ result: Type.String(), errors: Type.String(), partial: Type.Boolean() }), Type.Null()])
});
export type JobView = Static<typeof JobBody>;

export const JobListBody = Type.Array(JobBody);

export const JobIdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const JobDownloadQuery = Type.Object({ ticket: Type.Optional(Type.String()) });

export const JobTicketRequest = Type.Object({ file: Type.Union([Type.Literal('result'), Type.Literal('errors')]) }, { additionalProperties: false });
export const JobTicketBody = Type.Object({ ticket: Type.String(), url: Type.String(), expires_at: timestamp });
