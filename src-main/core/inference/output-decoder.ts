/**
 * onnxruntime results → one Prediction per record. Pure: takes anything shaped like an
 * ort.Tensor (type, data, dims), so it is testable without a session.
 */
import type { OutputKind, Prediction, Task } from './signature.ts';

export interface RawOutput {
  readonly type: string;
  readonly data: ArrayLike<unknown>;
  readonly dims: readonly number[];
}

export interface DecodeConfig {
  task: Task;
  /** effective classes in probability-column order (model's, else the configured ones), or null */
  classes: (string | number)[] | null;
  labelOutput: string | null;
  probabilityOutput: string | null;
  /**
   * what probabilityOutput holds: probabilities as they are, logits (softmax; sigmoid for one
   * column), or scores (a label but no probabilities); absent = probabilities
   */
  outputKind?: OutputKind;
  /** the single output a regression reads its prediction from */
  predictionOutput: string | null;
  /** binary models only: the column of the positive class */
  positiveIndex: number | null;
  threshold: number | null;
}

type Scalar = number | string | boolean;
type Json = Scalar | Json[];

const half = new DataView(new ArrayBuffer(4));

/** binary16 bits → number (onnxruntime-node returns float16 as raw Uint16Array on Node 20). */
export function fromHalf(bits: number): number {
  const exp = (bits >> 10) & 0x1f;
  const mant = bits & 0x3ff;
  const sign = bits & 0x8000 ? -1 : 1;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  half.setUint32(0, ((bits & 0x8000) << 16) | ((exp - 15 + 127) << 23) | (mant << 13));
  return half.getFloat32(0);
}

function scalarReader(type: string, data: ArrayLike<unknown>): (i: number) => Scalar {
  if (type === 'int64' || type === 'uint64') return (i) => Number(data[i] as bigint);
  if (type === 'bool') return (i) => data[i] === 1 || data[i] === true;
  if (type === 'float16' && data instanceof Uint16Array) return (i) => fromHalf(data[i]!);
  return (i) => data[i] as number | string;
}

/** Values per record: everything after the batch dim, when the first dim is the batch. */
function rowLayout(output: RawOutput, count: number): { batched: boolean; rowDims: number[]; rowSize: number } {
  const batched = output.dims.length > 0 && output.dims[0] === count;
  const rowDims = batched ? output.dims.slice(1) : [...output.dims];
  return { batched, rowDims, rowSize: rowDims.reduce((a, d) => a * d, 1) };
}

function nest(read: (i: number) => Scalar, start: number, dims: number[]): Json {
  if (dims.length === 0) return read(start);
  const [head, ...rest] = dims;
  const step = rest.reduce((a, d) => a * d, 1);
  const out: Json[] = new Array(head);
  for (let j = 0; j < head!; j++) out[j] = nest(read, start + j * step, rest);
  return out;
}

/** Every raw output, JSON-safe and sliced to each record. */
function rawOutputs(results: Record<string, RawOutput>, count: number): Record<string, unknown>[] {
  const perRecord = Array.from({ length: count }, () => ({}) as Record<string, unknown>);
  for (const [name, output] of Object.entries(results)) {
    const read = scalarReader(output.type, output.data);
    const { batched, rowDims, rowSize } = rowLayout(output, count);
    for (let i = 0; i < count; i++) perRecord[i]![name] = nest(read, batched ? i * rowSize : 0, rowDims);
  }
  return perRecord;
}

export function decodePredictions(results: Record<string, RawOutput>, count: number, config: DecodeConfig): Prediction[] {
  const outputs = rawOutputs(results, count);
  if (config.task === 'classification') return decodeClassification(results, count, config, outputs);
  const source = config.task === 'regression' && config.predictionOutput ? results[config.predictionOutput] : undefined;
  if (!source) return outputs.map((o) => ({ outputs: o }));
  const read = scalarReader(source.type, source.data);
  const { batched, rowSize } = rowLayout(source, count);
  return outputs.map((o, i) => {
    const start = batched ? i * rowSize : 0;
    if (rowSize === 1) return { prediction: read(start) as number, outputs: o };
    // Multi-output regression keeps one value per target.
    return { prediction: Array.from({ length: rowSize }, (_, j) => read(start + j) as number), outputs: o };
  });
}

/**
 * One record's score row as probabilities: read as they are, softmax of logits, or null for
 * scores (no probabilities). One column is the second class's: p, or sigmoid of its logit.
 */
function probabilitiesOf(row: number[], kind: OutputKind): number[] | null {
  if (kind === 'scores') return null;
  if (row.length === 1) {
    const p = kind === 'logits' ? sigmoid(row[0]!) : row[0]!;
    return [1 - p, p];
  }
  return kind === 'logits' ? softmax(row) : row;
}

function sigmoid(x: number): number {
  // the two forms keep exp() from overflowing for large |x|
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

function softmax(row: number[]): number[] {
  const top = Math.max(...row);
  const e = row.map((v) => Math.exp(v - top));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/** The label scores give without probabilities: argmax, or for one column the sign (score of classes[1]). */
const scoreIndex = (row: number[]): number => (row.length === 1 ? (row[0]! >= 0 ? 1 : 0) : argmax(row));

function decodeClassification(
  results: Record<string, RawOutput>,
  count: number,
  config: DecodeConfig,
  outputs: Record<string, unknown>[]
): Prediction[] {
  const kind = config.outputKind ?? 'probabilities';
  const probs = config.probabilityOutput ? results[config.probabilityOutput] : undefined;
  const labels = config.labelOutput ? results[config.labelOutput] : undefined;
  const probLayout = probs && rowLayout(probs, count);
  const rowWidth = probLayout?.rowSize ?? 0;
  const width = probLayout ? (rowWidth === 1 ? 2 : rowWidth) : (config.classes?.length ?? 0);
  // Without class labels the probability columns are known only by position.
  const classes = config.classes ?? Array.from({ length: width }, (_, j) => j);
  const keys = classes.map(String);
  const byKey = new Map(classes.map((c) => [String(c), c] as const));
  const readProb = probs && scalarReader(probs.type, probs.data);
  const readLabel = labels && scalarReader(labels.type, labels.data);
  const labelLayout = labels && rowLayout(labels, count);
  const { positiveIndex, threshold } = config;

  return outputs.map((o, i) => {
    let row: number[] | null = null;
    let scores: number[] | null = null;
    let probabilities: Record<string, number> | undefined;
    if (readProb && probLayout) {
      const start = probLayout.batched ? i * rowWidth : 0;
      scores = Array.from({ length: rowWidth }, (_, j) => readProb(start + j) as number);
      row = probabilitiesOf(scores, kind);
      if (row) {
        probabilities = {};
        for (let j = 0; j < width; j++) probabilities[keys[j] ?? String(j)] = row[j]!;
      }
    }
    let label: string | number | undefined;
    if (readLabel && labelLayout) {
      const raw = readLabel(labelLayout.batched ? i * labelLayout.rowSize : 0);
      label = byKey.get(String(raw)) ?? (typeof raw === 'boolean' ? Number(raw) : raw);
    } else if (row) {
      label = classes[argmax(row)];
    } else if (scores) {
      label = classes[scoreIndex(scores)];
    }
    let probability: number | undefined;
    if (row && positiveIndex !== null && row.length === 2) {
      probability = row[positiveIndex]!;
      if (threshold !== null) label = classes[probability >= threshold ? positiveIndex : 1 - positiveIndex];
    } else if (row) {
      const index = label === undefined ? -1 : keys.indexOf(String(label));
      probability = row[index >= 0 ? index : argmax(row)];
    }
    // Keys in reading order for the JSON: label, probability, probabilities, outputs.
    const prediction = {} as Prediction;
    if (label !== undefined) prediction.label = label;
    if (probability !== undefined) prediction.probability = probability;
    if (probabilities) prediction.probabilities = probabilities;
    prediction.outputs = o;
    return prediction;
  });
}

function argmax(values: number[]): number {
  let best = 0;
  for (let j = 1; j < values.length; j++) if (values[j]! > values[best]!) best = j;
  return best;
}
