import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Core } from '../core/index.ts';
import { installErrorHandler, sendError } from './error-handler.ts';
import { installHttpConventions, requestIdOptions } from './http-conventions.ts';
import { installConnectionCount } from './sole-connection.ts';
import { installPredictionAccounting } from './prediction-accounting.ts';
import { declareImpliedResponses } from './route-responses.ts';
import { installOpenApi } from './openapi.ts';
import { registryRoutes } from './routes/registry-routes.ts';
import { metadataRoutes } from './routes/metadata-routes.ts';
import { contractRoutes } from './routes/contract-routes.ts';
import { requestRoutes } from './routes/request-routes.ts';
import { servingRoutes } from './routes/serving-routes.ts';
import { logStorageRoutes } from './routes/log-storage-routes.ts';
import { predictRoute } from './routes/predict-route.ts';
import { refusalRoutes } from './routes/refusal-routes.ts';
import { platformExportRoutes } from './routes/platform-export-routes.ts';
import { abTestRoutes } from './routes/abtest-routes.ts';
import { bundleRoutes } from './routes/bundle-routes.ts';
import { healthRoutes } from './routes/health-routes.ts';
import { oipRoutes } from './routes/oip-routes.ts';
import { accessRoutes, type ServerIdentity } from './routes/access-routes.ts';
import { auditRoutes } from './routes/audit-routes.ts';
import { keyRoutes } from './routes/key-routes.ts';
import { monitoringRoutes } from './routes/monitoring-routes.ts';
import { jobRoutes } from './routes/job-routes.ts';
import { DownloadTickets } from './download-tickets.ts';
import { installSecurity, type SecurityOptions } from './security.ts';
import { serveUi } from './ui.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface ServerOptions extends SecurityOptions {
  /** JSON and form bodies (predict batches included) */
  bodyLimitBytes?: number;
  /** model uploads */
  uploadLimitBytes?: number;
  /** the built web UI, served at / (absent in tests of the API alone) */
  uiDir?: string;
  /** HTTPS, the LAN switch and the addresses clients use (start.ts); absent: plain HTTP on loopback */
  identity?: ServerIdentity;
}

/**
 * The HTTP app over a core. Never listens: the CLI and the Electron main process call
 * listen(), tests too (on port 0), so all of them serve exactly the same routes.
 */
export async function buildServer(core: Core, options: ServerOptions): Promise<FastifyInstance> {
  const identity: ServerIdentity = options.identity ?? { lan: options.lan === true, followsSavedLan: false, tls: null, urls: () => [] };
  const tls = identity.tls;
  const bodyLimit = options.bodyLimitBytes ?? 16 * 1024 * 1024;
  const fastifyOptions: FastifyServerOptions = {
    // errors and storage faults go to the core's log (<data>/logs/modeldesk.log); one line per
    // request would cost every prediction a write, so requests themselves are not logged
    loggerInstance: core.log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit,
    ...requestIdOptions,
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false } }
  };
  // Fastify's types tie HTTPS to another server type; the routes never touch the raw server
  const app = Fastify({ ...fastifyOptions, ...(tls ? { https: { key: tls.key, cert: tls.cert } } : {}) } as FastifyServerOptions).withTypeProvider<TypeBoxTypeProvider>();
  // no answer may be sniffed into another type (a JSON message read as HTML)
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
  });

  // Only JSON, form and multipart bodies are part of the contract (as in the classic API):
  // anything else is a 415, not a string the routes would have to second-guess.
  app.removeContentTypeParser('text/plain');
  installErrorHandler(app);
  declareImpliedResponses(app);
  installHttpConventions(app, (request, reply, status, message) => sendError(request, reply, status, message));
  installPredictionAccounting(app, core);
  installConnectionCount(app);
  const tickets = new DownloadTickets();
  installSecurity(app, core, options, tickets);
  await app.register(formbody);
  await app.register(multipart, {
    limits: { fileSize: options.uploadLimitBytes ?? 2 * 1024 * 1024 * 1024, files: 1, fields: 32 }
  });
  await installOpenApi(app);

  await app.register(healthRoutes(core));
  await app.register(oipRoutes(core, bodyLimit));
  await app.register(
    async (api) => {
      api.get('/', { schema: { hide: true } }, async (request) => {
        const base = `${request.protocol}://${request.headers.host ?? '127.0.0.1'}/api/v1`;
        const names = ['endpoints', 'mlalgorithms', 'mlalgorithmstatuses', 'mlrequests', 'abtests'];
        return Object.fromEntries(names.map((n) => [n, `${base}/${n}`]));
      });
      await api.register(registryRoutes(core));
      await api.register(metadataRoutes(core));
      await api.register(contractRoutes(core));
      await api.register(requestRoutes(core));
      await api.register(abTestRoutes(core));
      await api.register(bundleRoutes(core, tickets));
      await api.register(servingRoutes(core));
      await api.register(keyRoutes(core));
      await api.register(auditRoutes(core));
      await api.register(accessRoutes(core, identity));
      await api.register(refusalRoutes(core));
      await api.register(platformExportRoutes(core, tickets));
      await api.register(jobRoutes(core, tickets));
      await api.register(monitoringRoutes(core));
      await api.register(logStorageRoutes(core));
      await api.register(predictRoute(core));
    },
    { prefix: '/api/v1' }
  );
  if (options.uiDir && existsSync(join(options.uiDir, 'index.html'))) await serveUi(app, options.uiDir);
  return app;
}
