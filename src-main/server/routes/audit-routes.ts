import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AuditPage, AuditQuery, type AuditEntry } from '../../contract/access.ts';
import { ErrorBody } from '../../contract/classic.ts';
import type { AuditRecord, Core } from '../../core/index.ts';
import { drfPage } from '../pagination.ts';

/** The audit log (issue 17 §4), newest first, paginated like the request log. Admin only. */
export const auditRoutes =
  (core: Core): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/audit',
      {
        schema: {
          tags: ['access'],
          security: [{ bearer: [] }],
          description:
            'Every change (registration, status change, A/B start and stop, import, settings, keys) with its time, ' +
            'the credential that made it (owner = the admin token, a key name, cli, system), the client address, the action and a summary.',
          querystring: AuditQuery,
          response: { 200: AuditPage, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody }
        }
      },
      async (request) => {
        const q = request.query;
        const page = q.page ?? 1;
        const pageSize = q.page_size ?? 100;
        const result = core.audit.list(
          {
            ...(q.action === undefined ? {} : { action: q.action }),
            ...(q.actor === undefined ? {} : { actor: q.actor }),
            ...(q.endpoint === undefined ? {} : { endpoint: q.endpoint }),
            ...(q.from === undefined ? {} : { from: q.from }),
            ...(q.to === undefined ? {} : { to: q.to }),
            ...(q.order === undefined ? {} : { order: q.order })
          },
          page,
          pageSize
        );
        return drfPage(request, page, pageSize, result.count, result.results.map(auditBody));
      }
    );

    app.get(
      '/audit/facets',
      {
        schema: {
          tags: ['access'],
          security: [{ bearer: [] }],
          description: 'The actions and actors the audit log holds, for filters.',
          response: { 200: Type.Object({ actions: Type.Array(Type.String()), actors: Type.Array(Type.String()) }), 401: ErrorBody, 403: ErrorBody }
        }
      },
      async () => core.audit.facets()
    );
  };

export const auditBody = (r: AuditRecord): AuditEntry => ({
  id: r.id,
  created_at: r.createdAt,
  actor: r.actor,
  api_key_id: r.apiKeyId,
  client_address: r.clientAddress,
  action: r.action,
  endpoint: r.endpoint,
  summary: r.summary
});
