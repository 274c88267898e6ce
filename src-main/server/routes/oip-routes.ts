import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Core } from '../../core/index.ts';
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
    app.get('/v2/health/ready', { schema: { tags } }, async () => ({ ready: true }));

    const clientKeyHeader = Type.Object({ 'x-client-key': Type.Optional(Type.String({ maxLength: 256 })) });
    const clientKeyOf = (request: { headers: { 'x-client-key'?: string } }) => request.headers['x-client-key'] ?? null;
    app.get('/v2/models/:name', { schema: { tags, params: ModelParams, headers: clientKeyHeader } }, async (request) =>
      v2.modelMetadata(request.params.name, undefined, clientKeyOf(request))
    );
    app.get('/v2/models/:name/versions/:version', { schema: { tags, params: VersionParams } }, async (request) =>
      v2.modelMetadata(request.params.name, request.params.version, null)
    );
    app.get('/v2/models/:name/ready', { schema: { tags, params: ModelParams } }, async (request) => {
      v2.servingAlgorithm(request.params.name, undefined, null);
      return { name: request.params.name, ready: true };
    });
    app.get('/v2/models/:name/versions/:version/ready', { schema: { tags, params: VersionParams } }, async (request) => {
      v2.servingAlgorithm(request.params.name, request.params.version, null);
      return { name: request.params.name, ready: true };
    });

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
