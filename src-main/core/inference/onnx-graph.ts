/**
 * Reading and rewriting ONNX protobuf bytes (onnx-proto: protobufjs, ONNX 1.10 schema).
 * Only this file knows the protobuf object model; the rest of inference sees GraphFacts.
 */
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
import { ModelDeskError } from '../errors.ts';
import type { GraphFacts, NodeFacts, TensorInfo } from './signature.ts';

const { onnx } = onnxProto;
type ModelProto = OnnxTypes.ModelProto;

// TensorProto.DataType codes → our element names (unlisted codes keep the ONNX name).
const ELEMENT_TYPES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16'
};
// ONNX's own spelling, used inside readable non-tensor type strings such as seq(map(string,tensor(float))).
const ONNX_TYPE_NAMES: Record<number, string> = {
  1: 'float', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string',
  9: 'bool', 10: 'float16', 11: 'double', 12: 'uint32', 13: 'uint64', 14: 'complex64', 15: 'complex128', 16: 'bfloat16'
};
const FLOAT = 1;

/** protobufjs hands int64 fields back as Long objects (the `long` package is installed) or numbers. */
function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value && typeof (value as { toNumber?: unknown }).toNumber === 'function') {
    return (value as { toNumber(): number }).toNumber();
  }
  return Number(value ?? 0);
}

const utf8 = new TextDecoder();

export function decodeModel(bytes: Uint8Array): ModelProto {
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    // protobufjs reports a cut-off file as reading past the end of the buffer.
    const message = (err as Error).message;
    const what = /index out of range/.test(message) ? 'is truncated or not an ONNX model' : 'is not a valid ONNX model';
    throw new ModelDeskError('invalid_input', `file ${what}: ${message}`, 'file');
  }
  // Random bytes sometimes decode "successfully" into an empty message; a real model has a graph and an IR version.
  const graph = model.graph;
  if (!graph || toNumber(model.irVersion) <= 0 || (graph.node?.length ?? 0) === 0 || (graph.output?.length ?? 0) === 0) {
    throw new ModelDeskError('invalid_input', 'file is not a valid ONNX model: no graph, nodes or outputs found', 'file');
  }
  return model;
}

function typeString(type: OnnxTypes.ITypeProto | null | undefined): string {
  if (!type) return 'unknown';
  if (type.tensorType) return `tensor(${ONNX_TYPE_NAMES[type.tensorType.elemType ?? 0] ?? 'undefined'})`;
  if (type.sparseTensorType) return `sparse_tensor(${ONNX_TYPE_NAMES[type.sparseTensorType.elemType ?? 0] ?? 'undefined'})`;
  if (type.sequenceType) return `seq(${typeString(type.sequenceType.elemType)})`;
  if (type.optionalType) return `optional(${typeString(type.optionalType.elemType)})`;
  if (type.mapType) {
    return `map(${ONNX_TYPE_NAMES[type.mapType.keyType ?? 0] ?? 'undefined'},${typeString(type.mapType.valueType)})`;
  }
  return 'unknown';
}

function tensorInfo(value: OnnxTypes.IValueInfoProto): TensorInfo {
  const name = value.name ?? '';
  const tensor = value.type?.tensorType;
  if (!tensor) return { name, type: typeString(value.type), shape: null };
  const type = ELEMENT_TYPES[tensor.elemType ?? 0] ?? `undefined(${tensor.elemType ?? 0})`;
  const shape = tensor.shape
    ? (tensor.shape.dim ?? []).map((d) =>
        d.dimValue != null ? toNumber(d.dimValue) : d.dimParam ? d.dimParam : null
      )
    : null;
  return { name, type, shape };
}

function classLabels(node: OnnxTypes.INodeProto): (string | number)[] | null {
  for (const attr of node.attribute ?? []) {
    if (attr.name === 'classlabels_strings' && attr.strings?.length) return attr.strings.map((s) => utf8.decode(s));
    if ((attr.name === 'classlabels_int64s' || attr.name === 'classlabels_ints') && attr.ints?.length) {
      return attr.ints.map(toNumber);
    }
  }
  return null;
}

/** A tree ensemble whose nodes send missing values (NaN) down a branch of their own (LightGBM, XGBoost). */
function tracksMissing(node: OnnxTypes.INodeProto): boolean {
  const attr = node.attribute?.find((a) => a.name === 'nodes_missing_value_tracks_true');
  return (attr?.ints ?? []).some((v) => toNumber(v) !== 0);
}

function intAttribute(node: OnnxTypes.INodeProto, name: string): number | null {
  const attr = node.attribute?.find((a) => a.name === name);
  return attr?.i == null ? null : toNumber(attr.i);
}

export function readGraphFacts(model: ModelProto): GraphFacts {
  const graph = model.graph!;
  // Graph inputs may also list initializers (IR < 4 style); those are weights, not things a caller feeds.
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  const nodes: NodeFacts[] = (graph.node ?? []).map((n) => ({
    opType: n.opType ?? '',
    domain: n.domain ?? '',
    inputs: n.input ?? [],
    outputs: n.output ?? [],
    // Only classifier-like nodes carry labels; skip decoding attributes for the rest.
    classLabels: n.domain === 'ai.onnx.ml' && /Classifier$|^ZipMap$/.test(n.opType ?? '') ? classLabels(n) : null,
    ...(n.opType === 'Gather' ? { axis: intAttribute(n, 'axis') ?? 0 } : {}),
    ...(n.domain === 'ai.onnx.ml' && n.opType?.startsWith('TreeEnsemble') ? { tracksMissing: tracksMissing(n) } : {})
  }));
  const initializerDims: Record<string, number[]> = {};
  for (const t of graph.initializer ?? []) if (t.name) initializerDims[t.name] = (t.dims ?? []).map(toNumber);
  return {
    inputs: (graph.input ?? []).filter((v) => !initializers.has(v.name ?? '')).map(tensorInfo),
    outputs: (graph.output ?? []).map(tensorInfo),
    opsets: (model.opsetImport ?? []).map((o) => ({ domain: o.domain ?? '', version: toNumber(o.version) })),
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    irVersion: toNumber(model.irVersion),
    nodes,
    initializerDims
  };
}

/**
 * onnxruntime-node cannot return seq(map) outputs, so each ZipMap becomes an Identity of its
 * float [N, C] input and the graph output is retyped to match. Mutates `model`; returns whether
 * anything changed (callers re-encode only then, since re-encoding changes the bytes).
 */
export function rewriteZipMaps(model: ModelProto): boolean {
  const graph = model.graph!;
  let changed = false;
  for (const node of graph.node ?? []) {
    if (node.opType !== 'ZipMap' || node.domain !== 'ai.onnx.ml') continue;
    const labels = classLabels(node);
    const output = node.output?.[0];
    node.opType = 'Identity';
    node.domain = '';
    node.attribute = [];
    const type = onnx.TypeProto.create({
      tensorType: {
        elemType: FLOAT,
        shape: { dim: [{ dimParam: 'N' }, labels ? { dimValue: labels.length } : {}] }
      }
    });
    for (const value of [...(graph.output ?? []), ...(graph.valueInfo ?? [])]) {
      if (value.name === output) value.type = type;
    }
    changed = true;
  }
  return changed;
}

export function encodeModel(model: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}
