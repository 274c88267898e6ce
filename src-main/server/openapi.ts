import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

/** OpenAPI 3 generated from the route schemas, served at /openapi.json; Swagger UI at /docs. */
export async function installOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'ModelDesk API',
        version: '1',
        description:
          'Serve ONNX models on your own machine. Compatible with the classic "my_ml_service" tutorial API. ' +
          'On loopback, predictions, feedback, the tutorial\'s registry reads, /metrics and the docs need no credential; every other route ' +
          '(and, in strict or LAN mode, every route but health) needs "Authorization: Bearer <admin token or API key>" with the scope the route names: ' +
          'predict, read or admin (README "Access control").'
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } }
    }
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
