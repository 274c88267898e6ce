import { recordLayout } from '../../contract/record-layout.ts';
import { intRanges } from '../../contract/record-values.ts';
import { invalidInput } from '../../core/errors.ts';
import type { Algorithm } from '../../core/registry/types.ts';
import { numberToBfloat16, numberToHalf } from './binary-tensors.ts';
import { inputMetadata, type ModelTensor } from './model-tensors.ts';

/**
 * Open Inference Protocol v2 request tensors → the records core.infer takes, for the algorithm
 * that runs the call. Every rule is checked here in tensor terms, naming the tensor, before a
 * record exists: names (unknown, missing, twice), datatype, shape against the data and against
 * the model, each element against its datatype (no null, finite, in range). Pure.
 */

export interface InputTensor {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown[];
}

const integerDatatypes: Record<string, string> = {
  INT8: 'int8',
  UINT8: 'uint8',
  INT16: 'int16',
  UINT16: 'uint16',
  INT32: 'int32',
  UINT32: 'uint32',
  INT64: 'int64',
  UINT64: 'uint64'
};

/** Why one element cannot be a value of `datatype`, or null when it can. */
function elementProblem(value: unknown, datatype: string): string | null {
  if (datatype === 'BYTES') return typeof value === 'string' ? null : 'is not a string';
  if (datatype === 'BOOL') return typeof value === 'boolean' ? null : 'is not true or false';
  if (typeof value !== 'number') return 'is not a number';
  if (!Number.isFinite(value)) return 'is not a finite number';
  const integer = integerDatatypes[datatype];
  if (integer) {
    const [min, max] = intRanges[integer]!;
    if (!Number.isInteger(value)) return 'is not an integer';
    return value < min || value > max ? `is outside ${datatype}'s range [${min}, ${max}]` : null;
  }
  if (datatype === 'FP32' && !Number.isFinite(Math.fround(value))) return 'is beyond FP32\'s range (±3.4028235e38)';
  if (datatype === 'FP16' && (numberToHalf(value) & 0x7c00) === 0x7c00) return 'is beyond FP16\'s range (±65504)';
  if (datatype === 'BF16' && (numberToBfloat16(value) & 0x7f80) === 0x7f80) return 'is beyond BF16\'s range';
  return null;
}

/** The elements of `data` in row-major order, however deeply nested; null and objects are refused. */
function flatElements(tensor: InputTensor): unknown[] {
  const flat = tensor.data.flat(Infinity);
  const bad = flat.findIndex((v) => v === null || typeof v === 'object');
  if (bad >= 0) {
    throw invalidInput(`input "${tensor.name}": element ${bad} is ${JSON.stringify(flat[bad])}; tensor data holds only numbers, strings or booleans`, `inputs.${tensor.name}.data`);
  }
  return flat;
}

const shapeText = (shape: readonly number[]) => `[${shape.join(',')}]`;

/**
 * The call's records: one per row of the batch (first) dimension. A model fed one vector (one
 * input, or feature names) gets each row's elements as an array; a model with one input per
 * column gets an object with each input's row (its element, or its elements when wider).
 */
export function recordsFromTensors(tensors: readonly InputTensor[], algorithm: Algorithm, modelName: string): unknown[] {
  const model = inputMetadata(algorithm);
  const known = model.map((m) => m.name);
  const seen = new Set<string>();
  for (const t of tensors) {
    if (!known.includes(t.name)) {
      throw invalidInput(`unknown input "${t.name}": model "${modelName}" version "${algorithm.version}" has inputs ${known.map((n) => `"${n}"`).join(', ')}`, `inputs.${t.name}`);
    }
    if (seen.has(t.name)) throw invalidInput(`input "${t.name}" is given twice`, `inputs.${t.name}`);
    seen.add(t.name);
  }
  const missing = known.filter((n) => !seen.has(n));
  if (missing.length > 0) {
    throw invalidInput(`missing input${missing.length > 1 ? 's' : ''} ${missing.map((n) => `"${n}"`).join(', ')}: model "${modelName}" version "${algorithm.version}" needs every one of its inputs`, `inputs.${missing[0]}`);
  }

  let rows: number | null = null;
  const columns = new Map<string, { values: unknown[]; width: number }>();
  for (const t of tensors) {
    const spec = model.find((m) => m.name === t.name)!;
    const { values, width, batch } = checkedTensor(t, spec);
    if (rows !== null && batch !== rows) {
      throw invalidInput(`input "${t.name}" has ${batch} rows (its first dimension) but other inputs have ${rows}: every input needs the same batch size`, `inputs.${t.name}.shape`);
    }
    rows = batch;
    columns.set(t.name, { values, width });
  }
  const n = rows ?? 0;
  if (recordLayout(algorithm.signature.inputs, algorithm.featureNames).mode === 'vector') {
    const { values, width } = columns.get(known[0]!)!;
    return Array.from({ length: n }, (_, i) => values.slice(i * width, (i + 1) * width));
  }
  return Array.from({ length: n }, (_, i) => {
    const record: Record<string, unknown> = {};
    for (const [name, { values, width }] of columns) record[name] = width === 1 ? values[i] : values.slice(i * width, (i + 1) * width);
    return record;
  });
}

/** One tensor's elements after every check, with its batch size and elements per row. */
function checkedTensor(t: InputTensor, spec: ModelTensor): { values: unknown[]; width: number; batch: number } {
  const field = `inputs.${t.name}`;
  if (t.datatype !== spec.datatype) {
    throw invalidInput(`input "${t.name}" has datatype ${t.datatype} but the model takes ${spec.datatype}`, `${field}.datatype`);
  }
  if (t.shape.length === 0) throw invalidInput(`input "${t.name}" has shape []: the first dimension is the batch, so a tensor needs at least one`, `${field}.shape`);
  const values = flatElements(t);
  const count = t.shape.reduce((a, b) => a * b, 1);
  if (values.length !== count) {
    throw invalidInput(`input "${t.name}" has ${values.length} elements but its shape ${shapeText(t.shape)} needs ${count}`, `${field}.data`);
  }
  values.forEach((v, i) => {
    const problem = elementProblem(v, t.datatype);
    if (problem) throw invalidInput(`input "${t.name}": element ${i} (${JSON.stringify(v)}) ${problem}`, `${field}.data`);
  });
  // the model's rank (a per-column [N, 1] input also takes a plain [N] vector, as it always has)
  const columnVector = spec.shape.length === 2 && spec.shape[1] === 1 && t.shape.length === 1;
  if (t.shape.length !== spec.shape.length && !columnVector) {
    throw invalidInput(
      `input "${t.name}" has shape ${shapeText(t.shape)} (rank ${t.shape.length}) but the model takes ${shapeText(spec.shape)} (rank ${spec.shape.length}, the first dimension being the batch)`,
      `${field}.shape`
    );
  }
  const batch = t.shape[0]!;
  if (batch === 0) throw invalidInput(`input "${t.name}" has shape ${shapeText(t.shape)}: a batch of 0 rows has nothing to predict`, `${field}.shape`);
  const width = count / batch;
  const [modelBatch, ...inner] = spec.shape;
  if (modelBatch !== undefined && modelBatch >= 0 && modelBatch !== batch) {
    throw invalidInput(`input "${t.name}" has ${batch} rows but the model's shape ${shapeText(spec.shape)} takes exactly ${modelBatch}`, `${field}.shape`);
  }
  if (inner.every((d) => d >= 0)) {
    const modelWidth = inner.reduce((a, b) => a * b, 1);
    if (width !== modelWidth) {
      throw invalidInput(
        `input "${t.name}" has shape ${shapeText(t.shape)} (${width} element${width === 1 ? '' : 's'} per row) but the model takes ${shapeText(spec.shape)} (${modelWidth} per row)`,
        `${field}.shape`
      );
    }
  }
  return { values, width, batch };
}

/**
 * A schema error inside an input's `data` (ajv says "/inputs/0/data/3 must be number") in
 * tensor terms, naming the input and element; null for any other error.
 */
export function tensorDataProblem(instancePath: string | undefined, body: unknown): string | null {
  const match = /^\/inputs\/(\d+)\/data((?:\/\d+)*)$/.exec(instancePath ?? '');
  if (!match) return null;
  const tensor = (body as { inputs?: { name?: unknown; data?: unknown }[] } | null)?.inputs?.[Number(match[1])];
  let value: unknown = tensor?.data;
  const path = match[2]!.split('/').filter(Boolean).map(Number);
  for (const k of path) value = Array.isArray(value) ? value[k] : undefined;
  const where = path.length ? `element ${path.join('.')}` : 'data';
  return `input "${String(tensor?.name)}": ${where} is ${JSON.stringify(value) ?? 'missing'}; tensor data holds only numbers, strings or booleans (nested arrays of them)`;
}
