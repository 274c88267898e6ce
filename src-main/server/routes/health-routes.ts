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
  };
