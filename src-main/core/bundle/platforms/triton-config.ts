/**
 * One algorithm version as a Triton model configuration (model_config.proto's ModelConfig),
 * for the ONNX Runtime backend. Pure: facts in, a text-format message out.
 */
import { invalidInput } from '../../errors.ts';
import type { TensorInfo } from '../../inference/index.ts';
import type { BatchingOptions } from '../../serving/batcher.ts';
import { pbEnum, pbMap, toTextFormat, type PbMessage } from './pbtxt.ts';

/** ModelDesk's element types → Triton's DataType (model_config.proto). */
const TRITON_TYPES: Record<string, string> = {
  bool: 'TYPE_BOOL',
  uint8: 'TYPE_UINT8',
  uint16: 'TYPE_UINT16',
  uint32: 'TYPE_UINT32',
  uint64: 'TYPE_UINT64',
  int8: 'TYPE_INT8',
  int16: 'TYPE_INT16',
  int32: 'TYPE_INT32',
  int64: 'TYPE_INT64',
  float16: 'TYPE_FP16',
  float32: 'TYPE_FP32',
  float64: 'TYPE_FP64',
  string: 'TYPE_STRING',
  bfloat16: 'TYPE_BF16'
};

export const labelsFileName = 'labels.txt';

export interface TritonModelFacts {
  /** the model's name in the repository (its directory) */
  name: string;
  /** the runnable graph's inputs and outputs (after the ZipMap rewrite) */
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /** every input has a dynamic first dimension (ModelSignature.batchable) */
  batchable: boolean;
  /** ModelDesk's batching for this algorithm */
  batching: BatchingOptions;
  /** ModelDesk's onnxruntime intra-op threads (0 = onnxruntime's choice) */
  intraOpThreads: number;
  /** the output whose columns the labels file names, when there is one */
  labelledOutput: string | null;
}

export function tritonType(info: TensorInfo): string | null {
  return TRITON_TYPES[info.type] ?? null;
}

/** The tensors Triton's ONNX backend can hand back; a non-tensor output (a leftover seq or map) cannot be. */
export function servableOutputs(outputs: TensorInfo[]): TensorInfo[] {
  return outputs.filter((o) => tritonType(o) !== null && o.shape !== null);
}

const dim = (d: number | string | null): number => (typeof d === 'number' ? d : -1);

/**
 * dims without the batch dimension when Triton batches; a rank-1 tensor ([N]) then has no dims
 * left, which Triton does not allow, so it is declared as [1] and reshaped to [] for the model.
 */
function shapeFields(info: TensorInfo, batched: boolean): PbMessage {
  const shape = info.shape ?? [];
  if (!batched) return { dims: shape.map(dim) };
  const rest = shape.slice(1).map(dim);
  if (rest.length === 0) return { dims: [1], reshape: { shape: [] } };
  return { dims: rest };
}

function tensor(info: TensorInfo, batched: boolean, where: string): PbMessage {
  const type = tritonType(info);
  if (!type || info.shape === null) {
    throw invalidInput(`${where} "${info.name}" has type ${info.type}, which Triton's ONNX backend cannot serve`, 'model');
  }
  return { name: info.name, data_type: pbEnum(type), ...shapeFields(info, batched) };
}

/** max_batch_size and dynamic_batching as ModelDesk batches this algorithm. */
export function batchingFields(batchable: boolean, batching: BatchingOptions): PbMessage {
  // A fixed batch dimension is never batched by ModelDesk; for Triton that is max_batch_size 0.
  if (!batchable) return { max_batch_size: 0 };
  if (batching.maxBatchSize <= 1) return { max_batch_size: 1 };
  return {
    max_batch_size: batching.maxBatchSize,
    dynamic_batching: {
      preferred_batch_size: [batching.maxBatchSize],
      // ModelDesk's 0 (adaptive: run what is queued, no timer) is Triton's 0 too
      max_queue_delay_microseconds: batching.maxWaitUs
    }
  };
}

export function tritonConfig(facts: TritonModelFacts): PbMessage {
  const batched = facts.batchable;
  const { max_batch_size: maxBatchSize, dynamic_batching: dynamicBatching } = batchingFields(facts.batchable, facts.batching);
  return {
    name: facts.name,
    platform: 'onnxruntime_onnx',
    max_batch_size: maxBatchSize,
    input: facts.inputs.map((i) => tensor(i, batched, 'input')),
    output: servableOutputs(facts.outputs).map((o) => {
      const out = tensor(o, batched, 'output');
      return o.name === facts.labelledOutput ? { ...out, label_filename: labelsFileName } : out;
    }),
    dynamic_batching: dynamicBatching,
    instance_group: [{ count: 1, kind: pbEnum('KIND_CPU') }],
    // the same thread count as ModelDesk: with one thread a row's answer does not depend on the thread pool
    parameters: facts.intraOpThreads > 0 ? pbMap({ intra_op_thread_count: { string_value: String(facts.intraOpThreads) } }) : undefined
  };
}

export function tritonConfigText(facts: TritonModelFacts, header: string): string {
  return toTextFormat(tritonConfig(facts), header);
}

/** labels.txt: one class per line, in the probability columns' order (Triton's label_filename). */
export function labelsFile(classes: (string | number)[]): string {
  for (const c of classes) {
    if (/[\r\n]/.test(String(c))) throw invalidInput(`class label ${JSON.stringify(c)} contains a line break; a labels file cannot hold it`, 'classes');
  }
  return classes.map(String).join('\n') + '\n';
}
