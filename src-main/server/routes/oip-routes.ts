import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { readFileSync } from 'node:fs';
import { notFound, unavailable } from '../../core/errors.ts';
import type { Core } from '../../core/index.ts';
import type { Algorithm } from '../../core/registry/types.ts';
import { sendOipError } from '../error-handler.ts';
import { recordsFromTensors, tensorMetadata, tensorsFromOutputs, type OipTensor } from '../oip/tensors.ts';

const appVersion = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

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

    app.get('/v2', { schema: { tags } }, async () => ({ name: 'modeldesk', version: appVersion, extensions: [] }));
    app.get('/v2/health/live', { schema: { tags } }, async () => ({ live: true }));
    app.get('/v2/health/ready', { schema: { tags } }, async () => ({ ready: true }));

    const algorithmFor = (name: string, version?: string): Algorithm => {
      const endpoint = core.registry.findEndpointByName(name);
      if (!endpoint) throw notFound(`model "${name}" not found`);
      const live = core.registry.listAlgorithms({ endpointId: endpoint.id }).filter((a) => a.currentStatus !== 'archived');
      if (version !== undefined) {
        const matches = live.filter((a) => a.version === version);
        if (matches.length === 0) throw notFound(`model "${name}" has no version "${version}"`);
        if (matches.length > 1) throw unavailable(`model "${name}" has several algorithms with version "${version}"`);
        return matches[0]!;
      }
      const serving = live.find((a) => a.currentStatus === 'production') ?? live.find((a) => a.currentStatus === 'ab_testing');
      if (!serving) throw unavailable(`model "${name}" has no production algorithm`);
      return serving;
    };

    const metadata = (name: string, algorithm: Algorithm) => ({
      name,
      versions: core.registry
        .listAlgorithms({ endpointId: algorithm.endpointId })
        .filter((a) => a.currentStatus !== 'archived')
        .map((a) => a.version),
      platform: 'onnxruntime_onnx',
      inputs: algorithm.signature.inputs.map(tensorMetadata),
      outputs: algorithm.signature.outputs.map((o) =>
        o.name === algorithm.signature.probabilityOutput && algorithm.signature.zipmap
          ? { name: o.name, datatype: 'FP32', shape: [-1, algorithm.classes?.length ?? -1] }
          : tensorMetadata(o)
      )
    });

    app.get('/v2/models/:name', { schema: { tags, params: ModelParams } }, async (request) =>
      metadata(request.params.name, algorithmFor(request.params.name))
    );
    app.get('/v2/models/:name/versions/:version', { schema: { tags, params: VersionParams } }, async (request) =>
      metadata(request.params.name, algorithmFor(request.params.name, request.params.version))
    );
    app.get('/v2/models/:name/ready', { schema: { tags, params: ModelParams } }, async (request) => {
      algorithmFor(request.params.name);
      return { name: request.params.name, ready: true };
    });
    app.get('/v2/models/:name/versions/:version/ready', { schema: { tags, params: VersionParams } }, async (request) => {
      algorithmFor(request.params.name, request.params.version);
      return { name: request.params.name, ready: true };
    });

    const infer = async (name: string, version: string | undefined, body: { id?: string; inputs: OipTensor[]; outputs?: { name: string }[] }, clientKey: string | null) => {
      const pinned = version === undefined ? undefined : algorithmFor(name, version);
      const signatureOf = pinned ?? algorithmFor(name);
      const records = recordsFromTensors(body.inputs, signatureOf.signature.inputs);
      const result = await core.predictor.predict(name, records, {
        ...(pinned ? { algorithmId: pinned.id } : {}),
        clientKey
      });
      const answers = 'predictions' in result.body ? result.body.predictions : [result.body];
      const failed = answers.find((a) => a.status !== 'OK');
      if (failed) throw unavailable(failed.message ?? 'the model failed');
      return {
        model_name: name,
        model_version: result.algorithm.version,
        ...(body.id === undefined ? {} : { id: body.id }),
        parameters: { request_ids: answers.map((a) => a.request_id), algorithm_id: result.algorithm.id },
        outputs: tensorsFromOutputs(
          answers.map((a) => a.outputs ?? {}),
          result.algorithm.signature.outputs,
          body.outputs ? body.outputs.map((o) => o.name) : null
        )
      };
    };

    const clientKeyHeader = Type.Object({ 'x-client-key': Type.Optional(Type.String({ maxLength: 256 })) });
    app.post(
      '/v2/models/:name/infer',
      { config: { open: true }, schema: { tags, params: ModelParams, headers: clientKeyHeader, body: InferRequest } },
      async (request) => infer(request.params.name, undefined, request.body, request.headers['x-client-key'] ?? null)
    );
    app.post(
      '/v2/models/:name/versions/:version/infer',
      { config: { open: true }, schema: { tags, params: VersionParams, headers: clientKeyHeader, body: InferRequest } },
      async (request) => infer(request.params.name, request.params.version, request.body, request.headers['x-client-key'] ?? null)
    );
  };
