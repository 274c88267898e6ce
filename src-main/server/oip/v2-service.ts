import packageJson from '../../../package.json' with { type: 'json' };
import { notFound, unavailable } from '../../core/errors.ts';
import type { Core, InferResult, SelectOptions } from '../../core/index.ts';
import { SelectionError } from '../../core/serving/algorithm-selector.ts';
import type { Algorithm } from '../../core/registry/types.ts';
import { recordsFromTensors, tensorMetadata, tensorsFromOutputs, type OipTensor } from './tensors.ts';

/**
 * Open Inference Protocol v2, independent of the transport: the REST routes (routes/oip-routes.ts)
 * and the gRPC service (grpc/oip-grpc.ts) both answer through this. Model name = endpoint,
 * version = algorithm version; an unversioned call is routed like the classic predict (production,
 * or the running A/B test's arm for this client), and every inference goes through core.infer.
 */

// imported, not read at run time: a bundled build (dist/server, out/main) sits elsewhere than this file
const appVersion: string = packageJson.version;

export interface V2InferBody {
  id?: string | undefined;
  inputs: OipTensor[];
  /** the outputs asked for; absent = all */
  outputs?: { name: string }[] | undefined;
}

export interface V2InferAnswer {
  model_name: string;
  model_version: string;
  id?: string;
  parameters: { request_ids: (number | null)[]; algorithm_id: number };
  outputs: OipTensor[];
}

export interface OipV2 {
  serverMetadata(): { name: string; version: string; extensions: string[] };
  /** the algorithm a call names (throws v2's not found / unavailable) */
  servingAlgorithm(name: string, version: string | undefined, clientKey: string | null): Algorithm;
  modelMetadata(name: string, version: string | undefined, clientKey: string | null): ReturnType<typeof metadataOf>;
  infer(name: string, version: string | undefined, body: V2InferBody, clientKey: string | null): Promise<V2InferAnswer>;
}

function metadataOf(core: Core, name: string, algorithm: Algorithm) {
  return {
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
  };
}

export function oipV2(core: Core): OipV2 {
  // The algorithm a v2 call names is the core's own choice (production, or the running A/B
  // test's arm for this client; a version among every status but archived).
  const servingAlgorithm = (name: string, version: string | undefined, clientKey: string | null): Algorithm => {
    try {
      return core.select(name, { ...selectVersion(version), clientKey }).algorithm;
    } catch (err) {
      throw inV2Words(err, name, version);
    }
  };

  return {
    serverMetadata: () => ({ name: 'modeldesk', version: appVersion, extensions: [] }),
    servingAlgorithm,
    modelMetadata: (name, version, clientKey) => metadataOf(core, name, servingAlgorithm(name, version, clientKey)),
    async infer(name, version, body, clientKey) {
      // the tensors are read with the signature of the algorithm that runs, chosen once by the core
      const decode = (algorithm: Algorithm) => recordsFromTensors(body.inputs, algorithm.signature.inputs);
      let result: InferResult;
      try {
        result = await core.infer(name, { kind: 'decode', decode }, { ...selectVersion(version), clientKey });
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
    }
  };
}

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
