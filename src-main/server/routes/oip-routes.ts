import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import { Type, type TSchema } from 'typebox';
import { invalidInput, notFound, unavailable } from '../../core/errors.ts';
import type { Core, InferOptions, InferResult } from '../../core/index.ts';
import { SelectionError } from '../../core/serving/algorithm-selector.ts';
import type { Algorithm } from '../../core/registry/types.ts';
import { binaryContentType, binaryDataExtension, binaryOutputSelector, decodeRawBinaryRequest, encodeInferResponse, headerLengthHeader, type InferRequestBody } from '../oip/binary-data.ts';
import { algorithmNamed, versionNames } from '../oip/model-versions.ts';
import { inputMetadata, outputMetadata } from '../oip/model-tensors.ts';
import { installOipBodies, rawBinaryBody } from '../oip/request-body.ts';
import * as S from '../oip/schemas.ts';
import { recordsFromTensors, type InputTensor } from '../oip/tensor-inputs.ts';
import { checkRequestedOutputs, nonFiniteProblem, outputTensors } from '../oip/tensor-outputs.ts';
import { markFailure, selectionObserver } from '../prediction-accounting.ts';

const appVersion = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const ModelParams = Type.Object({ name: Type.String() });
const VersionParams = Type.Object({ name: Type.String(), version: Type.String() });
const ClientKey = Type.Object({ 'x-client-key': Type.Optional(Type.String({ maxLength: 256 })) });
const tags = ['open inference protocol v2'];
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, S.OipError]));

/** A failure the client is told about in words although it is a 5xx (the model's, not the server's internals). */
export class ExposedServerError extends Error {
  readonly expose = true;
  constructor(
    readonly statusCode: number,
    message: string
  ) {
    super(message);
  }
}

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

    const serverMetadata = { schema: { tags, response: { 200: S.ServerMetadata } } };
    const metadataBody = () => ({ name: 'modeldesk', version: appVersion, extensions: [binaryDataExtension] });
    app.get('/v2', serverMetadata, async () => metadataBody());
    app.get('/v2/', { schema: { ...serverMetadata.schema, hide: true } }, async () => metadataBody());
    app.get('/v2/health/live', { schema: { tags, response: { 200: S.ServerLive } } }, async () => ({ live: true }));
    app.get('/v2/health/ready', { schema: { tags, response: { 200: S.ServerReady } } }, async () => ({ ready: true }));

    const live = (endpointId: number) => core.registry.listAlgorithms({ endpointId });
    /** The algorithm a metadata or ready call names: a version's, or the core's own choice for this client. */
    const named = (name: string, version: string | undefined, clientKey: string | null): Algorithm => {
      try {
        return version === undefined ? core.select(name, { clientKey }).algorithm : pinned(name, version).algorithm;
      } catch (err) {
        throw inV2Words(err, name);
      }
    };
    const pinned = (name: string, version: string): { algorithm: Algorithm } => {
      const endpoint = core.registry.findEndpointByName(name);
      if (!endpoint) throw inV2Words(new SelectionError('no_endpoint', `no endpoint named "${name}"`), name);
      const algorithm = algorithmNamed(live(endpoint.id), version);
      if (!algorithm) {
        const known = versionNames(live(endpoint.id)).map((v) => `"${v.name}"`);
        throw new SelectionError('no_algorithm', `model "${name}" has no version "${version}"; its versions: ${known.join(', ') || 'none'}`);
      }
      return { algorithm };
    };
    const metadata = (name: string, algorithm: Algorithm) => ({
      name,
      versions: versionNames(live(algorithm.endpointId)).map((v) => v.name),
      platform: 'onnxruntime_onnx',
      inputs: inputMetadata(algorithm),
      outputs: outputMetadata(algorithm)
    });
    const clientKeyOf = (request: { headers: { 'x-client-key'?: string } }) => request.headers['x-client-key'] ?? null;

    const metadataSchema = <P extends TSchema>(params: P) => ({ tags, params, headers: ClientKey, response: { 200: S.ModelMetadata, ...errors(404) } });
    app.get('/v2/models/:name', { schema: metadataSchema(ModelParams) }, async (request) =>
      metadata(request.params.name, named(request.params.name, undefined, clientKeyOf(request)))
    );
    app.get('/v2/models/:name/versions/:version', { schema: metadataSchema(VersionParams) }, async (request) =>
      metadata(request.params.name, named(request.params.name, request.params.version, null))
    );
    const readySchema = <P extends TSchema>(params: P) => ({ tags, params, response: { 200: S.ModelReady, ...errors(404) } });
    app.get('/v2/models/:name/ready', { schema: readySchema(ModelParams) }, async (request) => {
      named(request.params.name, undefined, null);
      return { name: request.params.name, ready: true };
    });
    app.get('/v2/models/:name/versions/:version/ready', { schema: readySchema(VersionParams) }, async (request) => {
      named(request.params.name, request.params.version, null);
      return { name: request.params.name, ready: true };
    });

    const infer = async (request: FastifyRequest, reply: FastifyReply, name: string, version: string | undefined) => {
      const body = request.body as InferRequestBody & { inputs: InputTensor[] };
      const raw = rawBinaryBody(request);
      // the tensors are read with the signature of the algorithm that runs, chosen once by the core
      const decode = (algorithm: Algorithm) => {
        checkRequestedOutputs(body.outputs, outputMetadata(algorithm), name);
        const inputs = raw ? (decodeRawBinaryRequest(raw, onlyInput(algorithm)).inputs as InputTensor[]) : body.inputs;
        return recordsFromTensors(inputs, algorithm, name);
      };
      let result: InferResult;
      try {
        const options: InferOptions = {
          ...(version === undefined ? {} : { algorithmId: pinned(name, version).algorithm.id }),
          clientKey: clientKeyOf(request as FastifyRequest<{ Headers: { 'x-client-key'?: string } }>),
          clientRequestId: request.id,
          onSelected: selectionObserver(request)
        };
        result = await core.infer(name, { kind: 'decode', decode }, options);
      } catch (err) {
        throw inV2Words(err, name);
      }
      const failed = result.answers.find((a) => a.status !== 'OK');
      if (failed) {
        markFailure(request, 'model_error');
        throw new ExposedServerError(500, failed.message ?? 'the model failed');
      }
      const asBinary = binaryOutputSelector(body);
      const outputs = outputTensors(result.answers.map((a) => a.outputs ?? {}), outputMetadata(result.algorithm), body.outputs);
      for (const output of outputs) {
        const problem = asBinary(output.name) ? null : nonFiniteProblem(output);
        if (problem) {
          markFailure(request, 'non_finite_output');
          throw new ExposedServerError(500, problem);
        }
      }
      const encoded = encodeInferResponse(
        {
          model_name: name,
          model_version: versionNames(live(result.algorithm.endpointId)).find((v) => v.algorithm.id === result.algorithm.id)?.name ?? result.algorithm.version,
          ...(body.id === undefined ? {} : { id: body.id }),
          parameters: {
            request_ids: result.answers.map((a) => a.request_id).join(','),
            algorithm_id: result.algorithm.id,
            ...(result.abTestId === null ? {} : { ab_test_id: result.abTestId })
          },
          outputs
        },
        asBinary
      );
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
    app.post('/v2/models/:name/infer', { config: { open: true, prediction: true }, schema: inferSchema(ModelParams) }, async (request, reply) =>
      infer(request, reply, request.params.name, undefined)
    );
    app.post('/v2/models/:name/versions/:version/infer', { config: { open: true, prediction: true }, schema: inferSchema(VersionParams) }, async (request, reply) =>
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

/**
 * A failed selection in v2's words: an unknown model or version is a 404 naming it, a model
 * without a production algorithm a 400 (the classic API's `unavailable`). The selection error
 * stays as the cause, for the refusal count's reason.
 */
function inV2Words(err: unknown, name: string): unknown {
  if (!(err instanceof SelectionError)) return err;
  if (err.failure === 'no_endpoint') return Object.assign(notFound(`model "${name}" not found`), { cause: err });
  if (err.message.startsWith(`model "${name}"`)) return Object.assign(notFound(err.message), { cause: err });
  return Object.assign(unavailable(`model "${name}" has no algorithm to serve an unversioned call: ${err.message}`), { cause: err });
}
