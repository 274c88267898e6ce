import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Core } from '../../core/index.ts';

const HealthBody = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded'), Type.Literal('failing')]),
  endpoints: Type.Integer(),
  algorithms: Type.Integer(),
  problems: Type.Array(
    Type.Object({
      area: Type.String({ description: 'database, artifacts, data (the data directory\'s temp files) or model:<algorithm id>' }),
      kind: Type.String({ description: 'no_space, read_only, busy, missing, corrupt or unavailable' }),
      message: Type.String(),
      since: Type.String(),
      occurrences: Type.Integer()
    })
  )
});

export const healthRoutes =
  (core: Core): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/healthz',
      {
        schema: {
          tags: ['operations'],
          description:
            'ok (200); degraded (200: writes wait for another connection\'s lock, some are refused with 503 + Retry-After); ' +
            'failing (503: a storage fault refuses requests: full disk, read-only or damaged database, missing or altered model file). ' +
            'Each problem says what and where, since when and how often; a problem whose cause is gone clears itself.',
          response: { 200: HealthBody, 503: HealthBody }
        }
      },
      async (_request, reply) => {
        const report = core.health.report();
        return reply.code(report.status === 'failing' ? 503 : 200).send(report);
      }
    );

    app.get(
      '/metrics',
      {
        schema: {
          tags: ['operations'],
          description:
            'Prometheus text format (checked by promtool): prediction requests by outcome, failures by reason (refusals included), latency split into queue, compute and log commit, in flight, batch sizes, loaded models, HTTP requests by route and status, feedback, A/B arm counters. Names and their Triton/MLServer equivalents: README, "Metrics".',
          // the metrics are text; its refusals (401 with a wrong credential, or any without one in strict and LAN mode) are JSON
          response: {
            200: Type.Unsafe({ description: 'Prometheus text exposition format 0.0.4', content: { 'text/plain': { schema: { type: 'string' } } } })
          }
        }
      },
      async (_request, reply) => reply.type(core.metrics.contentType).send(await core.metrics.text())
    );
  };
