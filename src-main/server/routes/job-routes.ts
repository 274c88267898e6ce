import { createReadStream } from 'node:fs';
import type { OutgoingHttpHeaders } from 'node:http';
import { basename, extname } from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifySchema } from 'fastify';
import { Type } from 'typebox';
import { ErrorBody } from '../../contract/classic.ts';
import { CreatePathJobBody, CreateReplayBody, JobBody, JobIdParams, JobListBody, JobTicketBody, JobTicketRequest } from '../../contract/job-schemas.ts';
import { finishedJobStates } from '../../contract/jobs.ts';
import type { Core } from '../../core/index.ts';
import type { JobRow } from '../../core/jobs/job-store.ts';
import { jobView } from '../../core/jobs/job-view.ts';
import type { DownloadTickets } from '../download-tickets.ts';
import { storageErrorResponses } from '../error-handler.ts';
import { countJobRefusals, nameJobEndpoint } from './job-refusals.ts';
import { predictRequestOf, readPathBody, readUploadJob } from './job-upload.ts';

/** a request for predictions: a refusal (4xx) is counted with the refused predictions */
const jobRequest = { config: { jobRequest: true } } as const;
const tags = ['jobs'];

/**
 * Batch prediction jobs and replays (issue #16): create (an upload, a file on this machine, or
 * the request log), watch (poll or server-sent events), cancel, download. Who may call each is
 * in access/route-table.ts: creating and cancelling need admin (a job may read a file on this
 * machine); watching and downloading need read, as the request log does.
 */
export const jobRoutes =
  (core: Core, tickets: DownloadTickets): FastifyPluginAsyncTypebox =>
  async (app) => {
    const links = (id: number) => ({ result: `${app.prefix}/jobs/${id}/result`, errors: `${app.prefix}/jobs/${id}/errors` });
    const view = (job: JobRow) => jobView(job, core.registry, core.jobs.live(job.id), links(job.id));
    countJobRefusals(app, core);

    app.post(
      '/jobs',
      {
        ...jobRequest,
        // the body is multipart (streamed to disk) or JSON: checked in the handler, which names the field
        validatorCompiler: () => () => true,
        schema: {
          tags,
          description:
            'Starts a batch prediction job (202; it runs in the background, one job at a time, on the job worker threads). ' +
            'Send the input as a multipart "file" part (CSV with a header row, or JSON Lines) with the fields below, or a JSON body ' +
            'naming a file on the server\'s disk by "path" (it must be inside a folder jobs may read: `serve --job-input-dir`). ' +
            'The version is production unless algorithm_id, version or status names another; an A/B test never routes a job.',
          consumes: ['multipart/form-data', 'application/json'],
          body: {
            content: {
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  required: ['file', 'endpoint'],
                  properties: { file: { type: 'string', format: 'binary', description: 'the CSV or JSON Lines file' }, ...fieldDocs() }
                }
              },
              'application/json': { schema: CreatePathJobBody }
            }
          } as unknown as FastifySchema['body'],
          response: { 202: JobBody, 400: ErrorBody, 401: ErrorBody, 413: ErrorBody, 415: ErrorBody, ...storageErrorResponses }
        }
      },
      async (request, reply) => {
        let job: JobRow;
        if (request.isMultipart()) {
          const upload = await readUploadJob(core, request);
          nameJobEndpoint(request, upload.fields.endpoint);
          job = await core.jobs.createFromUpload(upload.file, upload.name, upload.fields);
        } else {
          const body = readPathBody(request.body ?? {});
          job = await core.jobs.createFromPath(body.path, predictRequestOf(body));
        }
        return reply.code(202).header('location', `${app.prefix}/jobs/${job.id}`).send(view(job));
      }
    );

    app.post(
      '/jobs/replay',
      {
        ...jobRequest,
        schema: {
          tags,
          description:
            'Replays the requests an endpoint answered (the last N, or those logged from/to) against one of its versions, as a job (202). ' +
            'Its report: agreement with the answers given, per answering model (an A/B arm counts its own requests), and on requests with ' +
            'feedback a paired comparison (McNemar for accuracy, a paired t-test on absolute errors for regressors) with a verdict.',
          body: CreateReplayBody,
          response: { 202: JobBody, 400: ErrorBody, 401: ErrorBody, ...storageErrorResponses }
        }
      },
      async (request, reply) => {
        const { endpoint, candidate_algorithm_id, last, from, to, created_by } = request.body;
        const job = await core.jobs.createReplay({
          endpoint,
          candidateAlgorithmId: candidate_algorithm_id,
          ...(last === undefined ? {} : { last }),
          ...(from === undefined ? {} : { from }),
          ...(to === undefined ? {} : { to }),
          ...(created_by === undefined ? {} : { createdBy: created_by })
        });
        return reply.code(202).header('location', `${app.prefix}/jobs/${job.id}`).send(view(job));
      }
    );

    app.get(
      '/jobs',
      { schema: { tags, description: 'Jobs and replays, newest first (the last 200).', response: { 200: JobListBody, 401: ErrorBody } } },
      async () => core.jobs.list().map(view)
    );

    app.get(
      '/jobs/:id',
      {
        schema: {
          tags,
          description: 'One job: state, counts, rows per second and time left while it runs, the failed rows, a replay\'s report.',
          params: JobIdParams,
          response: { 200: JobBody, 401: ErrorBody, 404: ErrorBody }
        }
      },
      async (request) => view(core.jobs.get(request.params.id))
    );

    app.delete(
      '/jobs/:id',
      {
        schema: {
          tags,
          description:
            'Cancels a queued or running job. A running job finishes the chunks it handed out and keeps what it finished: its result holds ' +
            'those rows and its message says so. A finished job cannot be cancelled (409).',
          params: JobIdParams,
          response: { 200: JobBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody, ...storageErrorResponses }
        }
      },
      async (request) => view(await core.jobs.cancel(request.params.id))
    );

    for (const which of ['result', 'errors'] as const) {
      app.get(
        `/jobs/:id/${which}`,
        {
          schema: {
            tags,
              description:
              which === 'result'
                ? "A finished job's result: the input's columns, the prediction columns and error, in input order (a cancelled job's: the rows it finished)."
                : "The rows a finished job could not score: their row number (1 = the first after the header), the input and why.",
            params: JobIdParams,
            querystring: Type.Object({ ticket: Type.Optional(Type.String()) }),
            response: { 200: Type.Unsafe({ description: 'CSV or JSON Lines', content: { 'text/csv': { schema: { type: 'string' } }, 'application/x-ndjson': { schema: { type: 'string' } } } }), 401: ErrorBody, 404: ErrorBody, 409: ErrorBody }
          }
        },
        async (request, reply) => {
          const { path, job } = core.jobs.resultFile(request.params.id, which);
          const name = `${basename(job.inputName ?? 'input', extname(job.inputName ?? ''))}.job-${job.id}.${which}${extname(path)}`;
          return reply
            .header('content-type', job.outputFormat === 'jsonl' ? 'application/x-ndjson; charset=utf-8' : 'text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="${name.replace(/["\\]/g, '_')}"`)
            .header('x-modeldesk-job-state', job.state)
            .send(createReadStream(path));
        }
      );
    }

    app.post(
      '/jobs/:id/tickets',
      {
        schema: {
          tags,
          description: "A one-time link (a minute) for a browser download of a finished job's result or error rows.",
          params: JobIdParams,
          body: JobTicketRequest,
          response: { 201: JobTicketBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody }
        }
      },
      async (request, reply) => {
        core.jobs.resultFile(request.params.id, request.body.file);
        const { ticket, url, expiresAt } = tickets.issue(`${app.prefix}/jobs/${request.params.id}/${request.body.file}`);
        return reply.code(201).send({ ticket, url, expires_at: expiresAt.toISOString() });
      }
    );

    app.get(
      '/jobs/:id/events',
      {
        schema: {
          tags,
          description:
            'Progress as server-sent events: a `progress` event (the job, as GET /jobs/{id}) each half second while it changes, ' +
            'and an `end` event with the finished job, after which the stream closes.',
          params: JobIdParams,
          response: { 200: Type.Unsafe({ description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } }), 401: ErrorBody, 404: ErrorBody }
        }
      },
      async (request, reply) => {
        const id = request.params.id;
        core.jobs.get(id);
        reply.hijack();
        const out = reply.raw;
        // the headers hooks set so far (X-Request-Id and the like) go out with the stream, which Fastify no longer sends
        out.writeHead(200, { ...(reply.getHeaders() as OutgoingHttpHeaders), 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
        let last = '';
        const send = (): boolean => {
          const job = core.jobs.get(id);
          const data = JSON.stringify(view(job));
          const finished = finishedJobStates.includes(job.state);
          if (data !== last || finished) out.write(`event: ${finished ? 'end' : 'progress'}\ndata: ${data}\n\n`);
          last = data;
          return finished;
        };
        if (send()) return out.end();
        const timer = setInterval(() => {
          try {
            if (send()) {
              clearInterval(timer);
              out.end();
            }
          } catch {
            clearInterval(timer);
            out.end();
          }
        }, 500);
        request.raw.on('close', () => clearInterval(timer));
      }
    );
  };

function fieldDocs(): Record<string, object> {
  const { properties } = CreatePathJobBody as unknown as { properties: Record<string, object> };
  const { path: _path, ...rest } = properties;
  return rest;
}
