import { join } from 'node:path';
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorBody } from '../../contract/classic.ts';
import {
  defaultStorageUri,
  ParityErrorBody,
  PlatformExportBody,
  PlatformExportRequest,
  type ParityMismatch,
  type PlatformExportResult
} from '../../contract/platforms.ts';
import { exportsDir, newPlatformExportName, platformExportDir, zipFolder } from '../../core/bundle/platforms/export-folders.ts';
import { exportPlatforms, ParityError, platformSources, type PlatformExportResult as CoreResult } from '../../core/bundle/platforms/index.ts';
import type { Core } from '../../core/index.ts';
import { errorBody } from '../error-handler.ts';
import type { DownloadTickets } from '../download-tickets.ts';

/**
 * POST /registry/export/platforms and GET /registry/export/platforms/{name} (issue 19 §1–2;
 * README "Moving to Triton or KServe"). The export is written on the server, under
 * `<data>/exports/`, like the CLI writes it, and can then be fetched as one ZIP. Admin only.
 */
export const platformExportRoutes =
  (core: Core, tickets: DownloadTickets): FastifyPluginAsyncTypebox =>
  async (app) => {
    const downloadPath = (name: string) => `${app.prefix}/registry/export/platforms/${name}`;

    app.post(
      '/registry/export/platforms',
      {
        schema: {
          tags: ['bundles'],
          security: [{ bearer: [] }],
          description:
            'Exports the registry (or one endpoint) as a Triton model repository plus KServe and Seldon Core v2 manifests ' +
            'that keep the running A/B split, into <data>/exports/<name>/ on the server. Nothing is written unless every ' +
            'exported graph answers the algorithm\'s input example and its last logged requests as ModelDesk did: otherwise ' +
            '409 with every differing answer in `mismatches`. The answer\'s download.url fetches the folder as a ZIP.',
          body: PlatformExportRequest,
          response: { 201: PlatformExportBody, 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: Type.Union([ParityErrorBody, ErrorBody]) }
        }
      },
      async (request, reply) => {
        const body = request.body ?? {};
        const name = newPlatformExportName();
        try {
          const result = await exportPlatforms(platformSources(core), {
            outDir: join(exportsDir(core.config.dataDir), name),
            storageUri: body.storage_uri ?? defaultStorageUri,
            ...(body.endpoint === undefined ? {} : { endpoint: body.endpoint }),
            ...(body.namespace === undefined ? {} : { namespace: body.namespace }),
            ...(body.parity_requests === undefined ? {} : { parityRequests: body.parity_requests }),
            ...(body.tolerance === undefined ? {} : { tolerance: body.tolerance }),
            ...(body.include_archived === undefined ? {} : { includeArchived: body.include_archived })
          });
          const { url, expiresAt } = tickets.issue(downloadPath(name));
          return reply.code(201).send(resultBody(name, result, { url, expires_at: expiresAt.toISOString() }));
        } catch (err) {
          if (!(err instanceof ParityError)) throw err;
          return reply.code(409).send({ ...errorBody(err.message, 'parity'), field: 'parity' as const, mismatches: err.mismatches.map(mismatchBody) });
        }
      }
    );

    app.post(
      '/registry/export/platforms/:name/tickets',
      {
        schema: {
          tags: ['bundles'],
          security: [{ bearer: [] }],
          description: 'A fresh one-time link (a minute) to download an earlier platform export as a ZIP.',
          params: Type.Object({ name: Type.String() }),
          response: { 201: PlatformExportBody.properties.download, 401: ErrorBody, 404: ErrorBody }
        }
      },
      async (request, reply) => {
        const { name } = request.params;
        platformExportDir(core.config.dataDir, name);
        const { url, expiresAt } = tickets.issue(downloadPath(name));
        return reply.code(201).send({ url, expires_at: expiresAt.toISOString() });
      }
    );

    app.get(
      '/registry/export/platforms/:name',
      {
        schema: {
          tags: ['bundles'],
          security: [{ bearer: [] }],
          description: 'A platform export written by POST /registry/export/platforms, as one ZIP (its folder inside). Streamed.',
          params: Type.Object({ name: Type.String() }),
          querystring: Type.Object({ ticket: Type.Optional(Type.String({ description: 'the one-time ticket from the export\'s download.url' })) }),
          response: {
            200: Type.Unsafe({ description: 'the export folder as a ZIP', content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } } }),
            401: ErrorBody,
            404: ErrorBody
          }
        }
      },
      async (request, reply) => {
        const { name } = request.params;
        const dir = platformExportDir(core.config.dataDir, name);
        return reply
          .header('content-type', 'application/zip')
          .header('content-disposition', `attachment; filename="${name}.zip"`)
          .send(zipFolder(dir, name));
      }
    );
  };

function resultBody(name: string, r: CoreResult, download: PlatformExportResult['download']): PlatformExportResult {
  return {
    name,
    out_dir: r.outDir,
    triton_repository: r.tritonRepository,
    models: r.models.map((m) => ({
      name: m.name,
      endpoint: m.endpoint,
      algorithm_id: m.algorithmId,
      algorithm: m.algorithm,
      version: m.version,
      status: m.status,
      max_batch_size: m.maxBatchSize,
      dynamic_batching: m.dynamicBatching,
      labels: m.labels,
      zipmap_rewritten: m.zipmapRewritten
    })),
    manifests: r.manifests,
    parity: r.parity.map((p) => ({
      model: p.model,
      algorithm_id: p.algorithmId,
      input_example: p.inputExample,
      requests: p.requests,
      largest_difference: p.largestDifference
    })),
    warnings: r.warnings,
    download
  };
}

const mismatchBody = (m: ParityError['mismatches'][number]): ParityMismatch => ({
  model: m.model,
  algorithm_id: m.algorithmId,
  source: m.source,
  request_id: m.requestId,
  field: m.field,
  expected: m.expected,
  actual: m.actual
});
