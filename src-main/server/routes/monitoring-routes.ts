import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ErrorBody } from '../../contract/classic.ts';
import {
  AlgorithmHealthBody,
  DriftReportBody,
  FromJobBody,
  FromRequestsBody,
  HealthSeries,
  HistogramBody,
  HistogramQuery,
  MonitoringQuery,
  ReferenceSummary
} from '../../contract/monitoring.ts';
import { invalidInput } from '../../core/errors.ts';
import type { Core } from '../../core/index.ts';
import { referenceFromJob } from '../../core/job-reference.ts';
import { ReferenceProfile } from '../../core/monitoring/drift/index.ts';
import { parseDuration } from '../../core/monitoring/time.ts';
import { storageErrorResponses } from '../error-handler.ts';
import { idParam } from '../params.ts';

const tags = ['monitoring'];
const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody };
const ReferenceWithProfile = Type.Intersect([ReferenceSummary, Type.Object({ profile: ReferenceProfile })]);

/**
 * Monitoring (issue #15): serving health, quality and drift over time, and reference profiles.
 * Admin routes (a read-only key scope comes with access control). Every read is served from
 * aggregates, whatever the size of the request log.
 */
export const monitoringRoutes =
  (core: Core): FastifyPluginAsyncTypebox =>
  async (app) => {
    const monitoring = core.monitoring;

    app.get(
      '/monitoring/series',
      {
        schema: {
          tags,
          description:
            'Serving health and quality over a window ending now, per bucket (chosen from the window: 1h → 1 min, 24h → 15 min, 7d → 1 h, 30d → 6 h): ' +
            'requests/s, model failures and refused requests by reason, latency p50/p95/p99, batch sizes, accuracy or RMSE/MAE with 95% intervals, feedback share and delay; version changes as markers.',
          querystring: MonitoringQuery,
          response: { 200: HealthSeries, ...errors }
        }
      },
      async (request) => monitoring.series(request.query)
    );

    app.get(
      '/monitoring/drift',
      {
        schema: {
          tags,
          description:
            'Data and prediction drift of a version (default: the endpoint\'s production version) over the whole hours of a window, against its active reference profile: ' +
            'per feature PSI, Jensen–Shannon, Wasserstein (numeric), tests with Benjamini–Hochberg, a verdict and a sparkline; the dataset verdict. Without a profile, empty_reason says how to set one.',
          querystring: MonitoringQuery,
          response: { 200: DriftReportBody, ...errors }
        }
      },
      async (request) => monitoring.drift(request.query)
    );

    app.get(
      '/monitoring/histogram',
      {
        schema: {
          tags,
          description: 'One column\'s reference and current distributions as shares, for an overlay chart.',
          querystring: HistogramQuery,
          response: { 200: HistogramBody, ...errors }
        }
      },
      async (request) => monitoring.histogram(request.query.algorithm, request.query.column, request.query.window)
    );

    app.get(
      '/monitoring/status',
      {
        schema: {
          tags,
          description: 'Per version that is not archived: drift over the last 24 hours and whether the error rate jumped in the last hour (the Models page\'s badges).',
          response: { 200: Type.Array(AlgorithmHealthBody), 401: ErrorBody }
        }
      },
      async () => monitoring.status()
    );

    app.get(
      '/monitoring/references',
      {
        schema: {
          tags,
          description: 'A version\'s reference profiles, the active one first.',
          querystring: Type.Object({ algorithm: Type.Integer({ minimum: 1 }) }),
          response: { 200: Type.Array(ReferenceSummary), ...errors }
        }
      },
      async (request) => monitoring.references.list(request.query.algorithm)
    );

    app.get(
      '/monitoring/references/:id',
      {
        schema: {
          tags,
          description: 'One reference profile with its document (bins, counts, moments per column).',
          params: Type.Object({ id: Type.String() }),
          response: { 200: ReferenceWithProfile, 401: ErrorBody, 404: ErrorBody }
        }
      },
      async (request) => {
        const { summary, profile } = monitoring.references.get(idParam(request.params.id, 'reference profile'));
        return { ...summary, profile };
      }
    );

    app.post(
      '/monitoring/references',
      {
        // multipart: the body and the query are read and checked by the handler (the schema documents them)
        validatorCompiler: () => () => true,
        schema: {
          tags,
          consumes: ['multipart/form-data'],
          description:
            'Sets a version\'s reference profile from its training data: multipart `file`, CSV (header row) or JSON Lines, UTF-8, one column per feature named like the model\'s inputs ' +
            '(extra columns such as the target are ignored). Every row is scored by the model for the prediction reference. The previous profile retires; nothing is stored on any error.',
          querystring: Type.Object({ algorithm: Type.Integer({ minimum: 1 }), created_by: Type.Optional(Type.String({ maxLength: 128 })) }),
          body: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary', description: 'the training file (.csv, .tsv, .jsonl)' } } },
          response: { 201: ReferenceSummary, ...errors, 413: ErrorBody, ...storageErrorResponses }
        }
      },
      async (request, reply) => {
        const query = request.query as Record<string, unknown>;
        const algorithm = Number(query.algorithm);
        if (!(Number.isInteger(algorithm) && algorithm >= 1)) throw invalidInput('algorithm must be the id of an algorithm version (a positive integer)', 'algorithm');
        const createdBy = typeof query.created_by === 'string' ? query.created_by.slice(0, 128) : '';
        const { name, bytes } = await readReferenceUpload(request);
        return reply.code(201).send(await monitoring.references.fromFile(algorithm, name, chunksOf(bytes), createdBy));
      }
    );

    app.post(
      '/monitoring/references/from-requests',
      {
        schema: {
          tags,
          description:
            'Sets a version\'s reference profile from its own answered requests in a time range (`from`/`to`), or in the window ending now (`window`: "re-baseline now").',
          body: FromRequestsBody,
          response: { 201: ReferenceSummary, ...errors, ...storageErrorResponses }
        }
      },
      async (request, reply) => {
        const { algorithm, from, to, window, created_by } = request.body;
        const now = Date.now();
        let range: { from: string; to: string };
        if (window !== undefined) {
          if (from !== undefined) throw invalidInput('give either window or from/to, not both', 'window');
          range = { from: new Date(now - parseDuration(window, 'window') * 1000).toISOString(), to: new Date(now + 1).toISOString() };
        } else {
          if (from === undefined) throw invalidInput('from is required (or window, to re-baseline from the window ending now)', 'from');
          range = { from: iso(from, 'from'), to: to === undefined ? new Date(now + 1).toISOString() : iso(to, 'to') };
        }
        return reply.code(201).send(await monitoring.references.fromRequests(algorithm, range, created_by ?? ''));
      }
    );

    app.post(
      '/monitoring/references/from-job',
      {
        schema: {
          tags,
          description:
            'Sets a version\'s reference profile from the input of a completed batch prediction job (default: for the version the job scored; `algorithm` may name another version of the same endpoint). ' +
            'The rows are profiled as an uploaded training file is, read from the job\'s result (which holds every input row as written); rows the job could not score are left out. ' +
            'Setting the same job\'s profile again answers the active one and stores nothing. ' +
            '404: no such job or algorithm; 409: a replay (no input file), a job that has not completed, or one whose result file is gone or changed.',
          body: FromJobBody,
          response: { 201: ReferenceSummary, ...errors, 409: ErrorBody, ...storageErrorResponses }
        }
      },
      async (request, reply) => {
        const { job, algorithm, created_by } = request.body;
        const summary = await referenceFromJob(
          { jobs: core.jobs, references: monitoring.references, registry: core.registry },
          { job, ...(algorithm === undefined ? {} : { algorithm }), createdBy: created_by ?? '' }
        );
        return reply.code(201).send(summary);
      }
    );

    app.post(
      '/monitoring/references/from-profile',
      {
        schema: {
          tags,
          description: 'Sets a version\'s reference profile from a profile document (e.g. one read with GET /monitoring/references/{id}), checked against the version\'s model.',
          body: Type.Object({ algorithm: Type.Integer({ minimum: 1 }), profile: Type.Unknown(), created_by: Type.Optional(Type.String({ maxLength: 128 })) }),
          response: { 201: ReferenceSummary, ...errors, ...storageErrorResponses }
        }
      },
      async (request, reply) => {
        const { algorithm, profile, created_by } = request.body;
        return reply.code(201).send(await monitoring.references.fromProfile(algorithm, profile, created_by ?? ''));
      }
    );
  };

function iso(text: string, field: string): string {
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) throw invalidInput(`${field} must be an ISO-8601 time`, field);
  return new Date(ms).toISOString();
}

/**
 * The multipart `file` part, read whole before any of it is used, so a refusal half-way cannot
 * leave the upload half-consumed (and its connection hanging).
 */
async function readReferenceUpload(request: FastifyRequest): Promise<{ name: string; bytes: Buffer }> {
  if (!request.isMultipart()) throw invalidInput('send multipart/form-data with a "file" part (the training file, CSV or JSON Lines)', 'file');
  let found: { name: string; bytes: Buffer } | undefined;
  let tooLarge = false;
  for await (const part of request.parts()) {
    if (part.type !== 'file') continue;
    if (part.fieldname !== 'file' || found) {
      part.file.resume();
      continue;
    }
    found = { name: part.filename, bytes: await part.toBuffer() };
    tooLarge = part.file.truncated;
  }
  if (tooLarge) throw invalidInput('the training file is larger than the upload limit', 'file');
  if (!found) throw invalidInput('file is required: the training data, CSV or JSON Lines', 'file');
  return found;
}

/** A buffer as 1 MiB chunks, the shape the file reader streams from. */
async function* chunksOf(bytes: Buffer): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += 1 << 20) yield bytes.subarray(at, at + (1 << 20));
}
