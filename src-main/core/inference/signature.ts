/**
 * What a model looks like from the outside (its signature) and what kind of model it is.
 * The derivation works on plain facts read from the graph (see onnx-graph.ts), so it is
 * independent of protobuf and testable on hand-made graphs.
 */

import type { OutputKind, Task } from '../../contract/enums.ts';
import type { ElementType } from '../../contract/record-values.ts';
import { imputes, indexRanges, outputKindHint, type OutputKindHint } from './graph-hints.ts';

export type { ElementType, OutputKind, OutputKindHint, Task };

export interface TensorInfo {
  name: string;
  /** element type for tensors; non-tensor values (e.g. ZipMap output) keep a readable ONNX-style string */
  type: ElementType | string;
  /** null dim = dynamic; symbolic names kept as strings; null shape = unknown / not a tensor */
  shape: (number | string | null)[] | null;
  /** integer inputs that index a table (an embedding's Gather): the ids it has */
  range?: [number, number];
}

export interface ModelSignature {
  inputs: TensorInfo[];
  /** as in the ORIGINAL file (a ZipMap output is shown as its seq(map) type) */
  outputs: TensorInfo[];
  opsets: { domain: string; version: number }[];
  producer: string;
  irVersion: number;
  task: Task;
  classes: (string | number)[] | null;
  labelOutput: string | null;
  probabilityOutput: string | null;
  /** true when the file had a ZipMap that was rewritten */
  zipmap: boolean;
  /** every input has a dynamic first dim */
  batchable: boolean;
  /**
   * the graph handles missing values itself (an Imputer, IsNaN, or trees that route missing
   * values); absent in signatures stored before ModelDesk read it (runnable-model.ts fills it in)
   */
  imputes?: boolean;
  /** what the classifier output looks like it holds, read from the op that makes it (graph-hints.ts) */
  outputKindHint?: OutputKindHint | null;
}

export interface ModelOptions {
  featureNames?: string[] | null;
  positiveClass?: string | number | null;
  threshold?: number | null;
  /** used only when the model itself carries no class labels */
  classes?: (string | number)[] | null;
  /** what the score output holds; given (or classes given) for a tensor model, it answers as a classifier */
  outputKind?: OutputKind | null;
  /** the model handles missing values (null in a record); null/absent: as the graph says (imputes) */
  handlesMissing?: boolean | null;
  intraOpThreads?: number;
  /** false: idle pool threads sleep instead of busy-waiting for the next run (onnxruntime's default: true) */
  allowSpinning?: boolean;
}

export interface Prediction {
  label?: string | number;
  probability?: number;
  probabilities?: Record<string, number>;
  prediction?: number | number[];
  outputs: Record<string, unknown>;
}

/** One graph node, reduced to what signature derivation needs. */
export interface NodeFacts {
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  /** classlabels_strings / classlabels_int64s / classlabels_ints, when the node has them */
  classLabels: (string | number)[] | null;
  /** Gather only: the axis it indexes */
  axis?: number;
  /** tree ensembles only: some node sends missing values down a branch of its own */
  tracksMissing?: boolean;
}

export interface GraphFacts {
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  opsets: { domain: string; version: number }[];
  producer: string;
  irVersion: number;
  /** in the file's (topological) order */
  nodes: NodeFacts[];
  /** each initializer's dims (the weights' shapes), by name */
  initializerDims?: Record<string, number[]>;
}

const FLOAT_TYPES = new Set(['float32', 'float64', 'float16']);
const LABEL_TYPES = new Set(['string', 'int64', 'int32']);
// Ops that carry a classifier's label or probabilities to a graph output unchanged in meaning.
const PASS_THROUGH = new Set(['Identity', 'Cast', 'Normalizer', 'ZipMap', 'Reshape', 'Squeeze', 'Flatten']);

export const isZipMap = (n: NodeFacts): boolean => n.opType === 'ZipMap' && n.domain === 'ai.onnx.ml';
const isClassifier = (n: NodeFacts): boolean => n.domain === 'ai.onnx.ml' && n.opType.endsWith('Classifier');

/** Width of the last axis when the tensor is [N, K] with a known K. */
export function columnWidth(info: TensorInfo): number | null {
  const last = info.shape?.[info.shape.length - 1];
  return info.shape && info.shape.length === 2 && typeof last === 'number' ? last : null;
}

export function isDynamicBatch(info: TensorInfo): boolean {
  const first = info.shape?.[0];
  return !!info.shape && info.shape.length >= 1 && typeof first !== 'number';
}

/** Follows a tensor through pass-through ops to the graph output it becomes, if any. */
function traceToOutput(tensor: string, nodes: NodeFacts[], outputNames: Set<string>): string | null {
  let current = tensor;
  for (let hops = 0; hops < 8; hops++) {
    if (outputNames.has(current)) return current;
    const next = nodes.find((n) => PASS_THROUGH.has(n.opType) && n.inputs[0] === current);
    if (!next?.outputs[0]) return null;
    current = next.outputs[0];
  }
  return null;
}

function preferNamed(candidates: TensorInfo[], pattern: RegExp): string | null {
  return (candidates.find((o) => pattern.test(o.name)) ?? candidates[0])?.name ?? null;
}

export function deriveSignature(facts: GraphFacts, zipmapRewritten: boolean): ModelSignature {
  const outputNames = new Set(facts.outputs.map((o) => o.name));
  const zipmap = facts.nodes.find(isZipMap);
  const classifier = [...facts.nodes].reverse().find(isClassifier);
  // ZipMap labels are authoritative: they name the probability columns as the graph emits them.
  const classes = zipmap?.classLabels ?? classifier?.classLabels ?? null;

  let labelOutput: string | null = null;
  let probabilityOutput: string | null = null;
  if (zipmap?.outputs[0] && outputNames.has(zipmap.outputs[0])) probabilityOutput = zipmap.outputs[0];
  if (classifier) {
    if (classifier.outputs[0]) labelOutput = traceToOutput(classifier.outputs[0], facts.nodes, outputNames);
    if (!probabilityOutput && classifier.outputs[1]) {
      probabilityOutput = traceToOutput(classifier.outputs[1], facts.nodes, outputNames);
    }
  }
  // Converters other than skl2onnx (or exotic pipelines) need a shape-based guess.
  if (!labelOutput) {
    const labels = facts.outputs.filter(
      (o) =>
        LABEL_TYPES.has(o.type) &&
        o.shape !== null &&
        (o.shape.length === 1 || (o.shape.length === 2 && o.shape[1] === 1))
    );
    if (classes || labels.some((o) => /label/i.test(o.name))) labelOutput = preferNamed(labels, /label/i);
  }
  if (!probabilityOutput && labelOutput) {
    const probs = facts.outputs.filter((o) => {
      const width = columnWidth(o);
      return FLOAT_TYPES.has(o.type) && o.shape?.length === 2 && (width === null || !classes || width === classes.length);
    });
    if (classes || probs.some((o) => /prob/i.test(o.name))) probabilityOutput = preferNamed(probs, /prob/i);
  }

  let task: Task = 'other';
  if (classes || (labelOutput && probabilityOutput)) task = 'classification';
  else if (facts.outputs.length === 1 && FLOAT_TYPES.has(facts.outputs[0]!.type)) task = 'regression';
  if (task !== 'classification') {
    labelOutput = null;
    probabilityOutput = null;
  }

  const ranges = indexRanges(facts);
  const signature: ModelSignature = {
    inputs: facts.inputs.map((input) => (ranges.has(input.name) ? { ...input, range: ranges.get(input.name)! } : input)),
    outputs: facts.outputs,
    opsets: facts.opsets,
    producer: facts.producer,
    irVersion: facts.irVersion,
    task,
    classes,
    labelOutput,
    probabilityOutput,
    zipmap: zipmapRewritten,
    batchable: facts.inputs.length > 0 && facts.inputs.every(isDynamicBatch),
    imputes: imputes(facts.nodes)
  };
  signature.outputKindHint = outputKindHint(facts, signature);
  return signature;
}
