import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LogStorageBody } from '../../contract/log-storage.ts';
import type { Core } from '../../core/index.ts';

/** The request log on disk: its size, retention's last pass, the free space of the data folder's disk (issue #18). */
export const logStorageRoutes =
  (core: Core): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/request-log/storage',
      {
        schema: {
          tags: ['operations'],
          description:
            'What the request log takes on disk, what retention (log_retention_days, log_retention_mb in /api/v1/serving) ' +
            'deleted last, and how much room the disk holding the data folder has left.',
          response: { 200: LogStorageBody }
        }
      },
      async () => core.logStorage()
    );
  };
