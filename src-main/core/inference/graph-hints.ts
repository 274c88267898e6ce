/**
 * What a graph says about the records it can take and the scores it gives, beyond its declared
 * inputs and outputs: whether it handles missing values, which integer inputs index a table
 * (ids past it fail the whole run), and what its classifier output holds. Read from GraphFacts
 * only (no protobuf), so it is testable on hand-made graphs.
 */
import type { OutputKind } from '../../contract/enums.ts';
import type { GraphFacts, ModelSignature, NodeFacts } from './signature.ts';

/** The suggestion shown at registration for `output_kind`, and why. */
export interface OutputKindHint {
  /** the output read as the classifier's scores */
  output: string;
  kind: OutputKind;
  /** in words, e.g. "the graph ends in Softmax" */
  because: string;
}

/**
 * A graph handles missing values when it imputes them (skl2onnx's Imputer), tests for them
 * (IsNaN), or routes them in its trees (LightGBM and XGBoost exports). A model without any of
 * these turns a NaN into a garbage answer, so ModelDesk refuses `null` for it.
 */
export function imputes(nodes: readonly NodeFacts[]): boolean {
  return nodes.some(
    (n) => (n.domain === 'ai.onnx.ml' && n.opType === 'Imputer') || (n.domain === '' && n.opType === 'IsNaN') || n.tracksMissing === true
  );
}

// Ops that carry a tensor on without changing what its values are (ids, or scores).
const CARRY = new Set(['Identity', 'Cast', 'Reshape', 'Squeeze', 'Unsqueeze', 'Flatten']);
const INTEGER = new Set(['int64', 'int32', 'int16', 'int8', 'uint64', 'uint32', 'uint16', 'uint8']);

/**
 * Integer inputs that are the indices of a Gather over a weight table (an embedding): the ids
 * it has, 0 to rows - 1. onnxruntime fails the whole run for an id past the table and wraps a
 * negative one around, where PyTorch refuses both; ModelDesk refuses them up front.
 */
export function indexRanges(facts: GraphFacts): Map<string, [number, number]> {
  const ranges = new Map<string, [number, number]>();
  const weights = facts.initializerDims ?? {};
  for (const input of facts.inputs) {
    if (!INTEGER.has(input.type)) continue;
    let rows = Infinity;
    const seen = new Set<string>();
    const follow = (tensor: string, depth: number): void => {
      if (depth > 8 || seen.has(tensor)) return;
      seen.add(tensor);
      for (const node of facts.nodes) {
        if (node.opType === 'Gather' && node.domain === '' && node.inputs[1] === tensor) {
          const dims = weights[node.inputs[0] ?? ''];
          const axis = node.axis ?? 0;
          const size = dims?.[axis < 0 ? axis + dims.length : axis];
          if (size !== undefined && size > 0) rows = Math.min(rows, size);
        } else if (CARRY.has(node.opType) && node.domain === '' && node.inputs[0] === tensor && node.outputs[0]) {
          follow(node.outputs[0], depth + 1);
        }
      }
    };
    follow(input.name, 0);
    if (Number.isFinite(rows)) ranges.set(input.name, [0, rows - 1]);
  }
  return ranges;
}

const FLOAT = new Set(['float32', 'float64', 'float16']);

/** The op that makes `tensor`, looking through ops that only carry it on. */
function producer(tensor: string, nodes: readonly NodeFacts[]): NodeFacts | undefined {
  let current = tensor;
  for (let hops = 0; hops < 8; hops++) {
    const node = nodes.find((n) => n.outputs.includes(current));
    if (!node || !CARRY.has(node.opType) || !node.inputs[0]) return node;
    current = node.inputs[0];
  }
  return undefined;
}

/**
 * Which output a classifier reads and what it holds: the graph's own probabilities (skl2onnx),
 * or a float [N, C] / [N, 1] output judged by the op at its end: Softmax or Sigmoid make
 * probabilities; a linear layer (Gemm, MatMul, Add) makes logits, and so does LogSoftmax (the
 * softmax of log-probabilities is the probabilities). null when nothing fits or it is unclear.
 */
export function outputKindHint(facts: GraphFacts, signature: Pick<ModelSignature, 'probabilityOutput' | 'outputs'>): OutputKindHint | null {
  if (signature.probabilityOutput) {
    return { output: signature.probabilityOutput, kind: 'probabilities', because: "it is the graph's classifier output" };
  }
  const candidates = signature.outputs.filter((o) => FLOAT.has(o.type) && (o.shape?.length === 2 || o.shape?.length === 1));
  const output = candidates.length === 1 ? candidates[0] : candidates.find((o) => /prob|logit|score/i.test(o.name));
  if (!output) return null;
  const op = producer(output.name, facts.nodes)?.opType;
  if (op === 'Softmax' || op === 'Sigmoid') return { output: output.name, kind: 'probabilities', because: `the graph ends in ${op}` };
  if (op === 'LogSoftmax') return { output: output.name, kind: 'logits', because: 'the graph ends in LogSoftmax (log-probabilities)' };
  if (op === 'Gemm' || op === 'MatMul' || op === 'Add') {
    return { output: output.name, kind: 'logits', because: `the graph ends in a linear layer (${op}) with no Softmax or Sigmoid` };
  }
  return null;
}
