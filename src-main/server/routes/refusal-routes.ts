import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { refusalReasonValues, type RefusalReason } from '../../contract/enums.ts';
import { RefusalQuery, RefusalSummary } from '../../contract/refusals.ts';
import type { Core } from '../../core/index.ts';
import { endpointIdOf } from '../params.ts';

/** GET /api/v1/refusals: refused predictions by reason over a time range (issue 12 §6). */
export const refusalRoutes =
  (core: Core): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/refusals',
      {
        schema: {
          tags: ['requests'],
          description:
            'Predictions (classic predict, v2 infer) refused with a 4xx, which are never in the request log: counts by reason (validation, unknown_endpoint, no_algorithm, auth, too_large, unsupported_media_type) and by endpoint and algorithm, summed per minute over [from, to].',
          querystring: RefusalQuery,
          response: { 200: RefusalSummary }
        }
      },
      async (request) => {
        const q = request.query;
        const endpointId = q.endpoint === undefined ? undefined : endpointIdOf(core, q.endpoint);
        const rows = core.refusals.counts({
          ...(q.from === undefined ? {} : { from: q.from }),
          ...(q.to === undefined ? {} : { to: q.to }),
          ...(endpointId === undefined ? {} : { endpointId }),
          ...(q.algorithm === undefined ? {} : { algorithmIds: [q.algorithm] })
        });
        const byReason = Object.fromEntries(refusalReasonValues.map((r) => [r, 0])) as Record<RefusalReason, number>;
        for (const r of rows) byReason[r.reason] += r.count;
        const names = new Map(core.registry.listEndpoints().map((e) => [e.id, e.name]));
        return {
          total: rows.reduce((n, r) => n + r.count, 0),
          by_reason: byReason,
          rows: rows.map((r) => ({ endpoint_id: r.endpointId, endpoint: names.get(r.endpointId) ?? null, algorithm_id: r.algorithmId, reason: r.reason, count: r.count }))
        };
      }
    );
  };
