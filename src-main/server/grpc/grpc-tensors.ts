import { invalidInput } from '../../core/errors.ts';
import { decodeTensorBytes, encodeTensorBytes, isOipDatatype, type OipDatatype } from '../oip/binary-tensors.ts';
import type { InputTensor } from '../oip/tensor-inputs.ts';
import type { V2InferAnswer, V2InferBody } from '../oip/v2-service.ts';

/**
 * grpc_predict_v2.proto's messages (as @grpc/proto-loader hands them: keepCase, longs as
 * numbers, bytes as Buffers) ↔ the transport-neutral v2 shapes of oip/v2-service.ts. A tensor
 * comes either as typed `contents` or as `raw_input_contents` bytes (Triton's clients send
 * raw), laid out as Triton's binary data extension lays them out (oip/binary-tensors.ts). The
 * answer mirrors the request: raw in, raw out.
 */

export interface TensorContents {
  bool_contents?: boolean[];
  int_contents?: number[];
  int64_contents?: number[];
  uint_contents?: number[];
  uint64_contents?: number[];
  fp32_contents?: number[];
  fp64_contents?: number[];
  bytes_contents?: Buffer[];
}

export interface InferParameter {
  bool_param?: boolean;
  int64_param?: number;
  string_param?: string;
  double_param?: number;
  uint64_param?: number;
  parameter_choice?: string;
}

export interface GrpcInferRequest {
  model_name: string;
  model_version: string;
  id: string;
  parameters?: Record<string, InferParameter>;
  inputs: { name: string; datatype: string; shape: number[]; parameters?: Record<string, InferParameter>; contents?: TensorContents | null }[];
  outputs: { name: string }[];
  raw_input_contents: Buffer[];
}

export interface GrpcInferResponse {
  model_name: string;
  model_version: string;
  id: string;
  parameters: Record<string, InferParameter>;
  outputs: { name: string; datatype: string; shape: number[]; contents?: TensorContents }[];
  raw_output_contents: Buffer[];
}

/** The InferTensorContents field each datatype uses (FP16 and BF16 only travel raw). */
const contentsField: Partial<Record<OipDatatype, keyof TensorContents>> = {
  BOOL: 'bool_contents',
  INT8: 'int_contents',
  INT16: 'int_contents',
  INT32: 'int_contents',
  INT64: 'int64_contents',
  UINT8: 'uint_contents',
  UINT16: 'uint_contents',
  UINT32: 'uint_contents',
  UINT64: 'uint64_contents',
  FP32: 'fp32_contents',
  FP64: 'fp64_contents',
  BYTES: 'bytes_contents'
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

function contentsOf(contents: TensorContents | null | undefined, datatype: OipDatatype, subject: string): unknown[] {
  const field = contentsField[datatype];
  if (!field) throw invalidInput(`${subject}: ${datatype} tensors must be sent in raw_input_contents`, 'inputs');
  const values = (contents?.[field] ?? []) as unknown[];
  if (datatype !== 'BYTES') return values;
  return (values as Buffer[]).map((bytes, i) => {
    try {
      return utf8.decode(bytes);
    } catch {
      throw invalidInput(`${subject}: BYTES element ${i} is not UTF-8 text`, 'inputs');
    }
  });
}

/** A ModelInferRequest as the v2 body core.infer's decoder reads. */
export function inferBodyFromGrpc(request: GrpcInferRequest): V2InferBody {
  const raw = request.raw_input_contents ?? [];
  if (raw.length && raw.length !== request.inputs.length) {
    throw invalidInput(`raw_input_contents has ${raw.length} entries for ${request.inputs.length} inputs: give one per input, in order`, 'raw_input_contents');
  }
  const inputs: InputTensor[] = request.inputs.map((input, i) => {
    const subject = `input "${input.name}"`;
    if (!isOipDatatype(input.datatype)) throw invalidInput(`${subject}: unknown datatype "${input.datatype}"`, `inputs[${i}].datatype`);
    const shape = input.shape.map(Number);
    const count = shape.reduce((a, b) => a * b, 1);
    if (raw.length && hasContents(input.contents)) {
      throw invalidInput(`${subject}: contents must be empty when raw_input_contents is used`, `inputs[${i}].contents`);
    }
    const data = raw.length ? decodeTensorBytes(raw[i]!, input.datatype, count, subject) : contentsOf(input.contents, input.datatype, subject);
    return { name: input.name, datatype: input.datatype, shape, data };
  });
  return {
    ...(request.id ? { id: request.id } : {}),
    inputs,
    ...(request.outputs?.length ? { outputs: request.outputs.map((o) => ({ name: o.name })) } : {})
  };
}

const hasContents = (contents: TensorContents | null | undefined) =>
  !!contents && Object.values(contents).some((values) => Array.isArray(values) && values.length > 0);

/** The v2 answer as a ModelInferResponse: typed contents, or raw bytes when the request was raw. */
export function grpcFromInferAnswer(answer: V2InferAnswer, raw: boolean): GrpcInferResponse {
  const outputs = answer.outputs.map((t) => {
    const datatype = t.datatype as OipDatatype;
    const base = { name: t.name, datatype, shape: t.shape };
    if (raw) return base;
    const field = contentsField[datatype]!;
    const values = datatype === 'BYTES' ? t.data.map((v) => Buffer.from(String(v), 'utf8')) : t.data.map((v) => (typeof v === 'boolean' ? v : Number(v)));
    return { ...base, contents: { [field]: values } };
  });
  return {
    model_name: answer.model_name,
    model_version: answer.model_version,
    id: answer.id ?? '',
    // request_ids in a string (InferParameter holds scalars only): the ids to send feedback for
    parameters: {
      algorithm_id: { int64_param: answer.parameters.algorithm_id },
      request_ids: { string_param: answer.parameters.request_ids }
    },
    outputs,
    raw_output_contents: raw ? answer.outputs.map((t) => encodeTensorBytes(t.data, t.datatype as OipDatatype, `output "${t.name}"`)) : []
  };
}
