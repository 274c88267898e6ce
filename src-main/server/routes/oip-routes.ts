import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { readFileSync } from 'node:fs';
import { notFound, unavailable } from '../../core/errors.ts';
import type { Core, InferResult, SelectOptions } from '../../core/index.ts';
import { SelectionError } from '../../core/serving/algorithm-selector.ts';
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

    // The algorithm a v2 call names is the core's own choice (production, or the running A/B
    // test's arm for this client; a version among every status but archived).
    const servingAlgorithm = (name: string, version: string | undefined, clientKey: string | null): Algorithm => {
      try {
        return core.select(name, { ...selectVersion(version), clientKey }).algorithm;
      } catch (err) {
        throw inV2Words(err, name, version);
      }
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

    const clientKeyHeader = Type.Object({ 'x-client-key': Type.Optional(Type.String({ maxLength: 256 })) });
    const clientKeyOf = (request: { headers: { 'x-client-key'?: string } }) => request.headers['x-client-key'] ?? null;
    app.get('/v2/models/:name', { schema: { tags, params: ModelParams, headers: clientKeyHeader } }, async (request) =>
      metadata(request.params.name, servingAlgorithm(request.params.name, undefined, clientKeyOf(request)))
    );
    app.get('/v2/models/:name/versions/:version', { schema: { tags, params: VersionParams } }, async (request) =>
      metadata(request.params.name, servingAlgorithm(request.params.name, request.params.version, null))
    );
    app.get('/v2/models/:name/ready', { schema: { tags, params: ModelParams } }, async (request) => {
      servingAlgorithm(request.params.name, undefined, null);
      return { name: request.params.name, ready: true };
    });
    app.get('/v2/models/:name/versions/:version/ready', { schema: { tags, params: VersionParams } }, async (request) => {
      servingAlgorithm(request.params.name, request.params.version, null);
      return { name: request.params.name, ready: true };
    });

    const infer = async (
      name: string,
      version: string | undefined,
      body: { id?: string; inputs: OipTensor[]; outputs?: { name: string }[] },
      clientKey: string | null,
      apiKeyId: number | null
    ) => {
      // the tensors are read with the signature of the algorithm that runs, chosen once by the core
      const decode = (algorithm: Algorithm) => recordsFromTensors(body.inputs, algorithm.signature.inputs);
      let result: InferResult;
      try {
        result = await core.infer(name, { kind: 'decode', decode }, { ...selectVersion(version), clientKey, apiKeyId });
      } catch (err) {
        throw inV2Words(err, name, version);
      }
      const failed = result.answers.find((a) => a.status !== 'OK');
      if (failed) throw unavailable(failed.message ?? 'the model failed');
      return {
        model_name: name,
        model_version: result.algorithm.version,
        ...(body.id === undefined ? {} : { id: body.id }),
        parameters: { request_ids: result.answers.map((a) => a.request_id), algorithm_id: result.algorithm.id },
        outputs: tensorsFromOutputs(
          result.answers.map((a) => a.outputs ?? {}),
          result.algorithm.signature.outputs,
          body.outputs ? body.outputs.map((o) => o.name) : null
        )
      };
    };

    app.post(
      '/v2/models/:name/infer',
      { schema: { tags, params: ModelParams, headers: clientKeyHeader, body: InferRequest } },
      async (request) => infer(request.params.name, undefined, request.body, clientKeyOf(request), request.credential?.keyId ?? null)
    );
    app.post(
      '/v2/models/:name/versions/:version/infer',
      { schema: { tags, params: VersionParams, headers: clientKeyHeader, body: InferRequest } },
      async (request) => infer(request.params.name, request.params.version, request.body, clientKeyOf(request), request.credential?.keyId ?? null)
    );
  };

/** v2's versioned paths name a version of any status but archived. */
const selectVersion = (version: string | undefined): SelectOptions => (version === undefined ? {} : { version, anyLiveStatus: true });

/** A failed selection in v2's words: its 404s name the model or the version. */
function inV2Words(err: unknown, name: string, version: string | undefined): unknown {
  if (!(err instanceof SelectionError)) return err;
  if (err.failure === 'no_endpoint') return notFound(`model "${name}" not found`);
  if (version === undefined) return unavailable(`model "${name}" has no production algorithm`);
  if (err.failure === 'ambiguous') return unavailable(`model "${name}" has several algorithms with version "${version}"`);
  return notFound(`model "${name}" has no version "${version}"`);
}
