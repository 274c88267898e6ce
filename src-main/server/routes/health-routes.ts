import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Core } from '../../core/index.ts';

export const healthRoutes =
  (core: Core): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/healthz',
      {
        schema: {
          tags: ['operations'],
          response: { 200: Type.Object({ status: Type.String(), endpoints: Type.Integer(), algorithms: Type.Integer() }) }
        }
      },
      async () => ({
        status: 'ok',
        endpoints: core.registry.listEndpoints().length,
        algorithms: core.registry.listAlgorithms().length
      })
    );

    app.get(
      '/metrics',
      {
        schema: {
          tags: ['operations'],
          description:
            'Prometheus text format: predictions by endpoint/algorithm/status, compute and queue latency, batch sizes, feedback, A/B arm counters.'
        }
      },
      async (_request, reply) => reply.type(core.metrics.contentType).send(await core.metrics.text())
    );
  };
