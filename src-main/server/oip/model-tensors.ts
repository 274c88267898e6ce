import type { TensorInfo } from '../../core/inference/index.ts';
import type { Algorithm } from '../../core/registry/types.ts';

/**
 * An algorithm's tensors as the Open Inference Protocol names them (model metadata, and the
 * datatype and shape every request tensor is checked against). Pure.
 */

export interface ModelTensor {
  name: string;
  datatype: string;
  /** -1 for a dimension of any size */
  shape: number[];
}

const onnxToOip: Record<string, string> = {
  float32: 'FP32',
  float64: 'FP64',
  float16: 'FP16',
  int64: 'INT64',
  int32: 'INT32',
  int16: 'INT16',
  int8: 'INT8',
  uint64: 'UINT64',
  uint32: 'UINT32',
  uint16: 'UINT16',
  uint8: 'UINT8',
  bool: 'BOOL',
  string: 'BYTES'
};

/** The v2 datatype of an ONNX element type; null for what v2 cannot carry (sequences, maps). */
export const oipDatatype = (type: string): string | null => onnxToOip[type] ?? null;

/** OIP shapes use -1 for a dynamic dimension. */
export const oipShape = (shape: TensorInfo['shape']): number[] => (shape ?? []).map((d) => (typeof d === 'number' ? d : -1));

const tensorOf = (t: TensorInfo): ModelTensor | null => {
  const datatype = oipDatatype(t.type);
  return datatype === null ? null : { name: t.name, datatype, shape: oipShape(t.shape) };
};

export const inputMetadata = (algorithm: Algorithm): ModelTensor[] =>
  algorithm.signature.inputs.map((t) => tensorOf(t) ?? { name: t.name, datatype: t.type, shape: oipShape(t.shape) });

/**
 * The outputs a v2 answer holds. skl2onnx's ZipMap output (a sequence of maps in the file) is
 * answered as the probability tensor it is rewritten to: FP32 [-1, classes].
 */
export function outputMetadata(algorithm: Algorithm): ModelTensor[] {
  const { signature } = algorithm;
  return signature.outputs.flatMap((o): ModelTensor[] => {
    if (o.name === signature.probabilityOutput && signature.zipmap) {
      return [{ name: o.name, datatype: 'FP32', shape: [-1, algorithm.classes?.length ?? signature.classes?.length ?? -1] }];
    }
    const tensor = tensorOf(o);
    return tensor ? [tensor] : [];
  });
}
