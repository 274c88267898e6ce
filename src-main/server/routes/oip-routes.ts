import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { invalidInput } from '../../core/errors.ts';
import type { Core } from '../../core/index.ts';
import type { Algorithm } from '../../core/registry/types.ts';
import { binaryContentType, binaryOutputSelector, decodeRawBinaryRequest, encodeInferResponse, headerLengthHeader, type InferRequestBody } from '../oip/binary-data.ts';
import { inputMetadata } from '../oip/model-tensors.ts';
import { installOipBodies, rawBinaryBody } from '../oip/request-body.ts';
import * as S from '../oip/schemas.ts';
import type { InputTensor } from '../oip/tensor-inputs.ts';
import { oipV2 } from '../oip/v2-service.ts';
import { markFailure, selectionObserver } from '../prediction-accounting.ts';

const ModelParams = Type.Object({ name: Type.String() });
const VersionParams = Type.Object({ name: Type.String(), version: Type.String() });
const ClientKey = Type.Object({ 'x-client-key': Type.Optional(Type.String({ maxLength: 256 })) });
const tags = ['open inference protocol v2'];
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, S.OipError]));

/**
 * Open Inference Protocol v2 (DESIGN §4.2): clients written for KServe, Triton or MLServer work
 * unchanged (test/standards/CLIENTS.md). Model name = endpoint; version = an algorithm's version
 * (model-versions.ts); unversioned calls are routed like the classic predict (production, or
 * the running A/B test's arm) and every call is logged.
 */
export const oipRoutes =
  (core: Core, bodyLimit: number): FastifyPluginAsyncTypebox =>
  async (app) => {
    installOipBodies(app, bodyLimit);
    const v2 = oipV2(core);

    const serverMetadata = { schema: { tags, response: { 200: S.ServerMetadata } } };
    app.get('/v2', serverMetadata, async () => v2.serverMetadata());
    app.get('/v2/', { schema: { ...serverMetadata.schema, hide: true } }, async () => v2.serverMetadata());
    app.get('/v2/health/live', { schema: { tags, response: { 200: S.ServerLive } } }, async () => ({ live: true }));
    // Not ready: 503 (a Kubernetes readinessProbe reads the status code), with what stops it.
    app.get('/v2/health/ready', { schema: { tags, response: { 200: S.ServerReady, 503: S.ServerNotReady } } }, async (_request, reply) => {
      const { ready, problems } = core.health.server();
      return ready ? { ready } : reply.code(503).send({ ready, error: problems.map((p) => p.message).join('; ') });
    });

    const clientKeyOf = (request: { headers: { 'x-client-key'?: string } }) => request.headers['x-client-key'] ?? null;

    const metadataSchema = <P extends TSchema>(params: P) => ({ tags, params, headers: ClientKey, response: { 200: S.ModelMetadata, ...errors(404) } });
    app.get('/v2/models/:name', { schema: metadataSchema(ModelParams) }, async (request) =>
      v2.modelMetadata(request.params.name, undefined, clientKeyOf(request))
    );
    app.get('/v2/models/:name/versions/:version', { schema: metadataSchema(VersionParams) }, async (request) =>
      v2.modelMetadata(request.params.name, request.params.version, null)
    );
    const readySchema = <P extends TSchema>(params: P) => ({ tags, params, response: { 200: S.ModelReady, 404: S.OipError, 503: S.ModelNotReady } });
    const modelReady = (name: string, algorithm: Algorithm, reply: FastifyReply) => {
      const { ready, problems } = core.health.model(algorithm);
      return ready ? { name, ready } : reply.code(503).send({ name, ready, error: problems.map((p) => p.message).join('; ') });
    };
    app.get('/v2/models/:name/ready', { schema: readySchema(ModelParams) }, async (request, reply) =>
      modelReady(request.params.name, v2.servingAlgorithm(request.params.name, undefined, null), reply)
    );
    app.get('/v2/models/:name/versions/:version/ready', { schema: readySchema(VersionParams) }, async (request, reply) =>
      modelReady(request.params.name, v2.servingAlgorithm(request.params.name, request.params.version, null), reply)
    );

    const infer = async (request: FastifyRequest, reply: FastifyReply, name: string, version: string | undefined) => {
      const body = request.body as InferRequestBody & { inputs: InputTensor[] };
      const raw = rawBinaryBody(request);
      const asBinary = binaryOutputSelector(body);
      const answer = await v2.infer(name, version, body, {
        clientKey: clientKeyOf(request as FastifyRequest<{ Headers: { 'x-client-key'?: string } }>),
        clientRequestId: request.id,
        alone: request.server.soleConnection(),
        apiKeyId: request.credential?.keyId ?? null,
        onSelected: selectionObserver(request),
        ...(raw ? { inputsFor: (algorithm: Algorithm) => decodeRawBinaryRequest(raw, onlyInput(algorithm)).inputs as InputTensor[] } : {}),
        asBinary,
        onFailure: (reason) => markFailure(request, reason)
      });
      const encoded = encodeInferResponse(answer, asBinary);
      if (encoded.headerLength !== null) reply.header(headerLengthHeader, String(encoded.headerLength)).type(binaryContentType);
      else reply.type('application/json');
      return reply.send(encoded.body);
    };

    const inferSchema = <P extends TSchema>(params: P) => ({
      tags,
      description:
        'The body is an inference request as JSON (application/json, or no Content-Type, as tritonclient sends it), optionally gzip- or ' +
        'deflate-encoded, or the binary tensor data extension (Inference-Header-Content-Length; application/octet-stream). The answer is ' +
        'JSON, or the binary extension when any output is asked for as binary data. parameters.request_ids lists the request-log ids, comma-separated.',
      params,
      headers: ClientKey,
      consumes: ['application/json', 'application/octet-stream'],
      body: S.InferRequest,
      response: {
        200: {
          description: 'the inference response',
          content: {
            'application/json': { schema: S.InferResponse },
            [binaryContentType]: { schema: Type.String({ format: 'binary', description: S.binaryBodyDescription }) }
          }
        },
        ...errors(404, 500)
      }
    });
    app.post('/v2/models/:name/infer', { config: { prediction: true }, schema: inferSchema(ModelParams) }, async (request, reply) =>
      infer(request, reply, request.params.name, undefined)
    );
    app.post('/v2/models/:name/versions/:version/infer', { config: { prediction: true }, schema: inferSchema(VersionParams) }, async (request, reply) =>
      infer(request, reply, request.params.name, request.params.version)
    );
  };

function onlyInput(algorithm: Algorithm) {
  const inputs = inputMetadata(algorithm);
  if (inputs.length !== 1) {
    throw invalidInput(
      `a raw binary request (Inference-Header-Content-Length: 0) needs a model with exactly one input; this one has ${inputs.length}: send the inference header`,
      'Inference-Header-Content-Length'
    );
  }
  return inputs[0]!;
}
