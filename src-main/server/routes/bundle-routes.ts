import { createWriteStream, rmSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Ajv, type ErrorObject } from 'ajv';
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest, FastifySchema } from 'fastify';
import { ExportQuery, ExportTicketBody, ExportTicketRequest, ImportQuery, ImportResultBody } from '../../contract/bundles.ts';
import { ErrorBody } from '../../contract/classic.ts';
import { invalidInput, ModelDeskError } from '../../core/errors.ts';
import type { Core } from '../../core/index.ts';
import type { DownloadTickets } from '../download-tickets.ts';
import { storageErrorResponses } from '../error-handler.ts';
import { malformedUpload } from '../uploads.ts';

const zipTypes = ['application/zip', 'application/x-zip-compressed', 'application/octet-stream'];
// The import route's query string is validated here because its body (a ZIP stream) must not be.
const queryAjv = new Ajv({ coerceTypes: true, useDefaults: true, removeAdditional: false, strict: false });

/** GET /registry/export and POST /registry/import (DESIGN §6, docs/BUNDLE.md). Admin only. */
export const bundleRoutes =
  (core: Core, tickets: DownloadTickets): FastifyPluginAsyncTypebox =>
  async (app) => {
    // Bundles can be gigabytes: the raw request stream goes to a temp file, never into memory.
    // Registered inside this plugin, so no other route accepts ZIP bodies.
    app.addContentTypeParser(zipTypes, (_request, payload, done) => done(null, payload));

    app.get(
      '/registry/export',
      {
        schema: {
          tags: ['bundles'],
          security: [{ bearer: [] }],
          description:
            'Downloads the registry (or the named endpoints) as one .modeldesk bundle: a ZIP with manifest.json, ' +
            'artifacts/<sha256>.onnx and, with include_requests, requests.jsonl. Streamed; see docs/BUNDLE.md.',
          querystring: ExportQuery,
          response: {
            200: Type.Unsafe<Readable>({
              description: 'the bundle (.modeldesk)',
              content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } }
            }),
            400: ErrorBody,
            401: ErrorBody,
            404: ErrorBody,
            409: ErrorBody
          }
        }
      },
      async (request, reply) => {
        const q = request.query;
        const endpoints = q.endpoint === undefined ? [] : Array.isArray(q.endpoint) ? q.endpoint : [q.endpoint];
        const exported = await core.bundles.export({
          endpoints,
          includeRequests: q.include_requests ?? false,
          ...(q.compress === undefined ? {} : { compress: q.compress })
        });
        exported.stream.on('error', (err) => request.log.error({ err }, 'bundle export failed mid-stream'));
        return reply
          .header('content-type', 'application/zip')
          .header('content-disposition', `attachment; filename="${exported.filename}"`)
          // the bundle is streamed (no content-length): its model bytes let clients show progress
          .header('x-modeldesk-artifact-bytes', String(exported.artifactBytes))
          .send(exported.stream);
      }
    );

    app.post(
      '/registry/export/tickets',
      {
        schema: {
          tags: ['bundles'],
          security: [{ bearer: [] }],
          description:
            'A one-time link for GET /registry/export with these options, so that a browser can download the bundle ' +
            'itself (a link cannot send the Authorization header). The endpoints are checked now, so a wrong name is ' +
            'an error here rather than a failed download; the link opens that one export, once, within a minute.',
          body: ExportTicketRequest,
          response: { 201: ExportTicketBody, 400: ErrorBody, 401: ErrorBody, 404: ErrorBody }
        }
      },
      async (request, reply) => {
        const { endpoint = [], include_requests: includeRequests, compress } = request.body ?? {};
        core.bundles.checkSelection(endpoint);
        const query = new URLSearchParams(endpoint.map((name): [string, string] => ['endpoint', name]));
        if (includeRequests) query.set('include_requests', 'true');
        if (compress !== undefined) query.set('compress', String(compress));
        const { ticket, url, expiresAt } = tickets.issue(`${app.prefix}/registry/export`, query);
        return reply.code(201).send({ ticket, url, expires_at: expiresAt.toISOString() });
      }
    );

    app.post(
      '/registry/import',
      {
        validatorCompiler: ({ schema, httpPart }) => (httpPart === 'body' ? () => true : queryValidator(schema)),
        schema: {
          tags: ['bundles'],
          security: [{ bearer: [] }],
          description:
            'Imports a .modeldesk bundle sent as the raw body (application/zip) or as a multipart "file" part. ' +
            'Every entry, size and SHA-256 is verified first; dry_run=true returns the plan (new, identical, ' +
            'conflicting) without changing anything; otherwise everything is applied in one transaction. ' +
            'Conflicts (same endpoint, name and version, different model) follow on_conflict (default fail: 409).',
          querystring: ImportQuery,
          consumes: ['application/zip', 'multipart/form-data'],
          body: {
            content: {
              'application/zip': { schema: { type: 'string', format: 'binary' } },
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  required: ['file'],
                  properties: { file: { type: 'string', format: 'binary', description: 'the .modeldesk file' } }
                }
              }
            }
          } as unknown as FastifySchema['body'],
          response: { 200: ImportResultBody, 400: ErrorBody, 401: ErrorBody, 409: ErrorBody, 413: ErrorBody, 415: ErrorBody, ...storageErrorResponses }
        }
      },
      async (request) => {
        const q = request.query;
        const file = core.bundles.tempFile('upload');
        // a declared size the disk cannot hold is refused before a byte is read
        const length = Number(request.headers['content-length']);
        if (Number.isFinite(length) && length > 0) core.bundles.ensureRoomForUpload(length);
        try {
          try {
            await receiveBundle(request, file);
          } catch (err) {
            // a disk that fills (or turns read-only) mid-upload: 507/503 naming the folder; a body cut short: 400
            const fault = core.bundles.storageFault(err, 'the uploaded bundle');
            throw fault === err ? malformedUpload(err) : fault;
          }
          return await core.bundles.import(file, {
            dryRun: q.dry_run ?? false,
            onConflict: q.on_conflict ?? 'fail',
            ...(q.rename_suffix === undefined ? {} : { renameSuffix: q.rename_suffix }),
            ...(q.allow_breaking_change === undefined ? {} : { allowBreakingChange: q.allow_breaking_change }),
            ...(q.reason === undefined ? {} : { reason: q.reason })
          });
        } finally {
          rmSync(file, { force: true });
        }
      }
    );
  };

/** Ajv for the query string, with enum errors that list the allowed values. */
function queryValidator(schema: object) {
  const validate = queryAjv.compile(schema);
  const check = Object.assign(
    (data: unknown) => {
      const ok = validate(data);
      check.errors = (validate.errors ?? []).map((e) =>
        e.keyword === 'enum' ? { ...e, message: `must be one of ${(e.params.allowedValues as string[]).join(', ')}` } : e
      );
      return ok;
    },
    { errors: [] as ErrorObject[] }
  );
  return check;
}

/** Streams the uploaded bundle to `file`, from a raw ZIP body or a multipart "file" part. */
async function receiveBundle(request: FastifyRequest, file: string): Promise<void> {
  if (request.isMultipart()) {
    let received = false;
    // every part is consumed, even unwanted ones: a half-read multipart body keeps the request open
    for await (const part of request.parts()) {
      if (part.type !== 'file') continue;
      if (part.fieldname !== 'file' || received) {
        part.file.resume();
        continue;
      }
      await pipeline(part.file, createWriteStream(file));
      if (part.file.truncated) throw new ModelDeskError('too_large', 'the bundle is larger than the upload limit', 'file');
      received = true;
    }
    if (!received) throw invalidInput('send the bundle as a multipart part named "file"', 'file');
    return;
  }
  const body = request.body as Readable | undefined;
  if (!body || typeof body.pipe !== 'function') {
    throw invalidInput('send the bundle as the request body (content-type application/zip) or as a multipart "file" part', 'file');
  }
  await pipeline(body, createWriteStream(file));
}
