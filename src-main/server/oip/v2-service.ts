import packageJson from '../../../package.json' with { type: 'json' };
import { notFound, unavailable } from '../../core/errors.ts';
import type { Core, InferOptions, InferResult, SelectOptions } from '../../core/index.ts';
import { SelectionError } from '../../core/serving/algorithm-selector.ts';
import type { Algorithm } from '../../core/registry/types.ts';
import { binaryDataExtension, type ResponseTensor } from './binary-data.ts';
import { inputMetadata, outputMetadata } from './model-tensors.ts';
import { algorithmNamed, versionNames } from './model-versions.ts';
import { recordsFromTensors, type InputTensor } from './tensor-inputs.ts';
import { checkRequestedOutputs, nonFiniteProblem, outputTensors, type RequestedOutput } from './tensor-outputs.ts';

/**
 * Open Inference Protocol v2, independent of the transport: the REST routes (routes/oip-routes.ts)
 * and the gRPC service (grpc/oip-grpc.ts) both answer through this, so both follow the same
 * rules. Model name = endpoint; version = an algorithm's version (model-versions.ts: each live
 * algorithm listed once); an unversioned call is routed like the classic predict (production, or
 * the running A/B test's arm for this client), and every inference goes through core.infer,
 * with the tensors read by the signature of the algorithm that actually runs.
 */

// imported, not read at run time: a bundled build (dist/server, out/main) sits elsewhere than this file
const appVersion: string = packageJson.version;

export interface V2InferBody {
  id?: string | undefined;
  inputs: InputTensor[];
  /** the outputs asked for; absent = all */
  outputs?: RequestedOutput[] | undefined;
}

// a type, not an interface: it is handed on where any response object is taken (encodeInferResponse)
export type V2InferAnswer = {
  model_name: string;
  model_version: string;
  id?: string;
  /** scalars only (the spec's rule): request_ids comma-separated */
  parameters: { request_ids: string; algorithm_id: number; ab_test_id?: number };
  outputs: ResponseTensor[];
};

/** Why a call failed after the model was chosen (the prediction accounting's reasons). */
export type V2Failure = 'model_error' | 'non_finite_output';

export interface V2InferOptions extends Pick<InferOptions, 'clientRequestId' | 'onSelected' | 'apiKeyId' | 'alone'> {
  clientKey: string | null;
  /** the request's tensors for the algorithm that runs (default: body.inputs); the binary extension's raw body */
  inputsFor?: (algorithm: Algorithm) => InputTensor[];
  /** outputs that travel as binary data (they may hold non-finite values); default none */
  asBinary?: (output: string) => boolean;
  /** told why a call failed after its algorithm was chosen */
  onFailure?: (reason: V2Failure) => void;
}

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

export interface OipV2 {
  serverMetadata(): { name: string; version: string; extensions: string[] };
  /** the algorithm a call names: a version's, or the core's own choice for this client (throws v2's 404/400) */
  servingAlgorithm(name: string, version: string | undefined, clientKey: string | null): Algorithm;
  modelMetadata(name: string, version: string | undefined, clientKey: string | null): ReturnType<typeof metadataOf>;
  infer(name: string, version: string | undefined, body: V2InferBody, options: V2InferOptions): Promise<V2InferAnswer>;
}

function metadataOf(live: readonly Algorithm[], name: string, algorithm: Algorithm) {
  return {
    name,
    versions: versionNames(live).map((v) => v.name),
    platform: 'onnxruntime_onnx',
    inputs: inputMetadata(algorithm),
    outputs: outputMetadata(algorithm)
  };
}

export function oipV2(core: Core): OipV2 {
  const live = (endpointId: number) => core.registry.listAlgorithms({ endpointId });
  const pinned = (name: string, version: string): Algorithm => {
    const endpoint = core.registry.findEndpointByName(name);
    if (!endpoint) throw inV2Words(new SelectionError('no_endpoint', `no endpoint named "${name}"`), name);
    const algorithm = algorithmNamed(live(endpoint.id), version);
    if (!algorithm) {
      const known = versionNames(live(endpoint.id)).map((v) => `"${v.name}"`);
      throw inV2Words(new SelectionError('no_algorithm', `model "${name}" has no version "${version}"; its versions: ${known.join(', ') || 'none'}`), name);
    }
    return algorithm;
  };
  const servingAlgorithm = (name: string, version: string | undefined, clientKey: string | null): Algorithm => {
    if (version !== undefined) return pinned(name, version);
    try {
      return core.select(name, { clientKey }).algorithm;
    } catch (err) {
      throw inV2Words(err, name);
    }
  };

  return {
    serverMetadata: () => ({ name: 'modeldesk', version: appVersion, extensions: [binaryDataExtension] }),
    servingAlgorithm,
    modelMetadata: (name, version, clientKey) => {
      const algorithm = servingAlgorithm(name, version, clientKey);
      return metadataOf(live(algorithm.endpointId), name, algorithm);
    },
    async infer(name, version, body, options) {
      const decode = (algorithm: Algorithm) => {
        checkRequestedOutputs(body.outputs, outputMetadata(algorithm), name);
        return recordsFromTensors(options.inputsFor ? options.inputsFor(algorithm) : body.inputs, algorithm, name);
      };
      let result: InferResult;
      try {
        const select: SelectOptions = version === undefined ? {} : { algorithmId: pinned(name, version).id };
        result = await core.infer(name, { kind: 'decode', decode }, {
          ...select,
          clientKey: options.clientKey,
          ...(options.clientRequestId === undefined ? {} : { clientRequestId: options.clientRequestId }),
          ...(options.apiKeyId === undefined ? {} : { apiKeyId: options.apiKeyId }),
          ...(options.onSelected === undefined ? {} : { onSelected: options.onSelected }),
          alone: options.alone === true
        });
      } catch (err) {
        throw inV2Words(err, name);
      }
      const failed = result.answers.find((a) => a.status !== 'OK');
      if (failed) {
        options.onFailure?.('model_error');
        throw new ExposedServerError(500, failed.message ?? 'the model failed');
      }
      const outputs = outputTensors(result.answers.map((a) => a.outputs ?? {}), outputMetadata(result.algorithm), body.outputs);
      const asBinary = options.asBinary ?? (() => false);
      for (const output of outputs) {
        const problem = asBinary(output.name) ? null : nonFiniteProblem(output);
        if (problem) {
          options.onFailure?.('non_finite_output');
          throw new ExposedServerError(500, problem);
        }
      }
      return {
        model_name: name,
        model_version: versionNames(live(result.algorithm.endpointId)).find((v) => v.algorithm.id === result.algorithm.id)?.name ?? result.algorithm.version,
        ...(body.id === undefined ? {} : { id: body.id }),
        parameters: {
          request_ids: result.answers.map((a) => a.request_id).join(','),
          algorithm_id: result.algorithm.id,
          ...(result.abTestId === null ? {} : { ab_test_id: result.abTestId })
        },
        outputs
      };
    }
  };
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
