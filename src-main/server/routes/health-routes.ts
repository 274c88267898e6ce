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
            'Prometheus text format (checked by promtool): prediction requests by outcome, failures by reason (refusals included), latency split into queue, compute and log commit, in flight, batch sizes, loaded models, HTTP requests by route and status, feedback, A/B arm counters. Names and their Triton/MLServer equivalents: README, "Metrics".',
          produces: ['text/plain'],
          response: { 200: Type.String({ description: 'Prometheus text exposition format 0.0.4' }) }
        }
      },
      async (_request, reply) => reply.type(core.metrics.contentType).send(await core.metrics.text())
    );
  };
