import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { toOpenApi30 } from './openapi-30.ts';

/** Every answer carries it (http-conventions.ts); the document says so on every response. */
const requestIdHeader = {
  'X-Request-Id': {
    description: 'the request\'s X-Request-Id when it sent one, else one generated; the request log keeps it (GET /api/v1/mlrequests?client_request_id=)',
    schema: { type: 'string' }
  }
};

/**
 * OpenAPI 3.0 generated from the route schemas, served at /openapi.json; Swagger UI at /docs.
 * The document is rewritten into 3.0's schema dialect (openapi-30.ts) and validated by
 * openapi.test.ts; every operation's statuses are declared (route-responses.ts).
 */
export async function installOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'ModelDesk API',
        version: '1',
        description:
          'Serve ONNX models on your own machine. Compatible with the classic "my_ml_service" tutorial API and the Open Inference Protocol v2 ' +
          '(KServe, Triton, MLServer clients). On loopback, predictions, feedback, the tutorial\'s registry reads, /metrics and the docs need no ' +
          'credential; every other route (and, in strict or LAN mode, every route but health) needs "Authorization: Bearer <admin token or API key>" ' +
          'with the scope the route names: predict, read or admin (README "Access control"). Errors are {"status":"Error","message":…} ' +
          'on /api/v1 and {"error":…} on /v2. A known path asked with another method answers 405 with Allow; OPTIONS answers 204 with Allow.'
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } }
    },
    transformObject: (documentObject) => {
      const document = toOpenApi30('openapiObject' in documentObject ? documentObject.openapiObject : documentObject.swaggerObject);
      for (const operations of Object.values((document as { paths?: Record<string, Record<string, { responses?: Record<string, { headers?: object }> }>> }).paths ?? {})) {
        for (const operation of Object.values(operations)) {
          for (const response of Object.values(operation.responses ?? {})) response.headers = { ...requestIdHeader, ...response.headers };
        }
      }
      return document;
    }
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
