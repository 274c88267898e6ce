import { valueKindOf, type ValueKind } from './record-values.ts';

/**
 * Which record fields a model reads, and into which input (DESIGN §3 "Records to tensors").
 * Declared once: the server's encoder validates records against this layout, and the
 * Playground builds its form (and its example JSON) from it.
 *
 * - `columns`: one input per field, each taking the field named like the input (skl2onnx
 *   pipelines: `[N, 1]` of the input's type). An input several values wide takes an array.
 * - `vector`: one input that is not a single column, or any single input given
 *   `feature_names`: the record's fields in feature-name order, or an array of numbers.
 *
 * In both, an input may also be given as a tensor under its own name (record-tensors.ts): the
 * example's values without the batch dimension, nested in the input's shape or flat.
 */

/** An input as the signature describes it (core's TensorInfo and the API's TensorInfoBody both fit). */
export interface InputInfo {
  name: string;
  type: string;
  /** null dim = dynamic; symbolic names kept as strings; null shape = unknown */
  shape: readonly (number | string | null)[] | null;
  /** integer inputs that index a table (an embedding): the ids the table has, when the graph says */
  range?: readonly number[] | null;
}

export interface InputSlot {
  input: string;
  type: string;
  kind: ValueKind;
  /** values per record for this input; null = decided by the records (dynamic width) */
  width: number | null;
  /** dims after the batch dim; null = dynamic, replaced by the records' width when feeding */
  tail: (number | null)[];
  /** the record fields feeding this input, in order (columns: the input's name; vector: the
   * feature names, or null when records must be arrays) */
  fields: string[] | null;
  /** one record's tensor for this input: the dims after the batch dim, null = dynamic */
  dims: (number | null)[];
  /** the same dims as the graph names them (a symbolic `seq` stays a name), for messages */
  shape: (number | string | null)[];
  /** ids the input takes (it indexes a table), or null */
  range: readonly [number, number] | null;
}

export interface RecordLayout {
  mode: 'columns' | 'vector';
  slots: InputSlot[];
}

/** [N], [N,1] or unknown shape: one value per record. */
export function isColumnShape(shape: InputInfo['shape']): boolean {
  return !shape || shape.length <= 1 || (shape.length === 2 && shape[1] === 1);
}

export function recordLayout(inputs: readonly InputInfo[], featureNames: string[] | null): RecordLayout {
  const vector = inputs.length === 1 && (featureNames !== null || !isColumnShape(inputs[0]!.shape));
  const slots = inputs.map((info): InputSlot => {
    const tail = info.shape && info.shape.length > 1 ? info.shape.slice(1).map((d) => (typeof d === 'number' ? d : null)) : [];
    const fixedWidth = tail.every((d) => d !== null) ? tail.reduce<number>((a, d) => a * (d ?? 1), 1) : null;
    const width = vector ? (fixedWidth ?? featureNames?.length ?? null) : (fixedWidth ?? 1);
    // A column input with a dynamic inner dim is fed one value per record, as skl2onnx does.
    if (!vector && tail.length > 0 && fixedWidth === null) tail.fill(1);
    if (info.shape === null && !vector) tail.push(1);
    return {
      input: info.name,
      type: info.type,
      kind: valueKindOf(info.type),
      width,
      tail,
      fields: vector ? featureNames : [info.name],
      // an unknown shape is read as one value per record, like a column
      dims: info.shape === null ? [1] : info.shape.slice(1).map((d) => (typeof d === 'number' ? d : null)),
      shape: info.shape === null ? [1] : info.shape.slice(1),
      range: info.range?.length === 2 ? [info.range[0]!, info.range[1]!] : null
    };
  });
  return { mode: vector ? 'vector' : 'columns', slots };
}
