import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import type { Core } from '../../core/index.ts';
import type { Algorithm } from '../../core/registry/types.ts';
import { sendOipError } from '../error-handler.ts';
import { oipV2 } from '../oip/v2-service.ts';

const TensorSchema = Type.Object({
  name: Type.String(),
  shape: Type.Array(Type.Integer({ minimum: 0 })),
  datatype: Type.String(),
  data: Type.Array(Type.Unknown()),
  parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown()))
});
const InferRequest = Type.Object({
  id: Type.Optional(Type.String()),
  inputs: Type.Array(TensorSchema, { minItems: 1 }),
  outputs: Type.Optional(Type.Array(Type.Object({ name: Type.String() }))),
  parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown()))
});
const ModelParams = Type.Object({ name: Type.String() });
const VersionParams = Type.Object({ name: Type.String(), version: Type.String() });
const tags = ['open inference protocol v2'];

/**
 * Open Inference Protocol v2 (DESIGN §4.2): clients written for KServe, Triton or MLServer work
 * unchanged. Model name = endpoint, version = algorithm version; unversioned calls are routed
 * like the classic predict (production, or the running A/B test), and every call is logged.
 */
export const oipRoutes =
  (core: Core): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.setErrorHandler(sendOipError);
    const v2 = oipV2(core);

    app.get('/v2', { schema: { tags } }, async () => v2.serverMetadata());
    app.get('/v2/health/live', { schema: { tags } }, async () => ({ live: true }));
    // Not ready: 503 (a Kubernetes readinessProbe reads the status code), with what stops it.
    app.get('/v2/health/ready', { schema: { tags } }, async (_request, reply) => {
      const { ready, problems } = core.health.server();
      return ready ? { ready } : reply.code(503).send({ ready, error: problems.map((p) => p.message).join('; '), problems });
    });

    const clientKeyHeader = Type.Object({ 'x-client-key': Type.Optional(Type.String({ maxLength: 256 })) });
    const clientKeyOf = (request: { headers: { 'x-client-key'?: string } }) => request.headers['x-client-key'] ?? null;
    app.get('/v2/models/:name', { schema: { tags, params: ModelParams, headers: clientKeyHeader } }, async (request) =>
      v2.modelMetadata(request.params.name, undefined, clientKeyOf(request))
    );
    app.get('/v2/models/:name/versions/:version', { schema: { tags, params: VersionParams } }, async (request) =>
      v2.modelMetadata(request.params.name, request.params.version, null)
    );
    const modelReady = (name: string, algorithm: Algorithm, reply: FastifyReply) => {
      const { ready, problems } = core.health.model(algorithm);
      return ready ? { name, ready } : reply.code(503).send({ name, ready, error: problems.map((p) => p.message).join('; ') });
    };
    app.get('/v2/models/:name/ready', { schema: { tags, params: ModelParams } }, async (request, reply) =>
      modelReady(request.params.name, v2.servingAlgorithm(request.params.name, undefined, null), reply)
    );
    app.get('/v2/models/:name/versions/:version/ready', { schema: { tags, params: VersionParams } }, async (request, reply) =>
      modelReady(request.params.name, v2.servingAlgorithm(request.params.name, request.params.version, null), reply)
    );

    app.post(
      '/v2/models/:name/infer',
      { config: { open: true }, schema: { tags, params: ModelParams, headers: clientKeyHeader, body: InferRequest } },
      async (request) => v2.infer(request.params.name, undefined, request.body, clientKeyOf(request))
    );
    app.post(
      '/v2/models/:name/versions/:version/infer',
      { config: { open: true }, schema: { tags, params: VersionParams, headers: clientKeyHeader, body: InferRequest } },
      async (request) => v2.infer(request.params.name, request.params.version, request.body, clientKeyOf(request))
    );
  };
