import { nestFlat } from '../../contract/record-tensors.ts';
import { invalidInput } from '../../core/errors.ts';
import type { TensorInfo } from '../../core/inference/index.ts';

/**
 * Open Inference Protocol v2 (KServe / Triton / MLServer) tensors ↔ ModelDesk records.
 * OIP sends each input as a flat `data` array with a `shape`; ModelDesk's models take records.
 * Pure functions: the protocol's rules live here, the serving path stays the classic one.
 */

export interface OipTensor {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown[];
  parameters?: Record<string, unknown>;
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

export const oipDatatype = (type: string): string => onnxToOip[type] ?? 'FP32';

/** OIP shapes use -1 for a dynamic dimension. */
export const oipShape = (shape: TensorInfo['shape']): number[] => (shape ?? []).map((d) => (typeof d === 'number' ? d : -1));

export const tensorMetadata = (t: TensorInfo) => ({ name: t.name, datatype: oipDatatype(t.type), shape: oipShape(t.shape) });

/** OIP request inputs → one record per row of the batch dimension. */
export function recordsFromTensors(tensors: OipTensor[], modelInputs: TensorInfo[]): unknown[] {
  if (tensors.length === 0) throw invalidInput('inputs must hold at least one tensor', 'inputs');
  const rowsOf = new Map<string, number>();
  tensors.forEach((t, i) => {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (!Array.isArray(t.data) || t.data.length !== count) {
      throw invalidInput(
        `input "${t.name}" has ${Array.isArray(t.data) ? t.data.length : 0} elements but its shape [${t.shape.join(',')}] needs ${count}`,
        `inputs[${i}].data`
      );
    }
    const expected = oipDatatype(modelInputs.find((m) => m.name === t.name)?.type ?? '');
    if (modelInputs.some((m) => m.name === t.name) && t.datatype !== expected) {
      throw invalidInput(`input "${t.name}" must have datatype ${expected}, got ${t.datatype}`, `inputs[${i}].datatype`);
    }
    rowsOf.set(t.name, t.shape[0] ?? 1);
  });
  const rows = new Set(rowsOf.values());
  if (rows.size !== 1) throw invalidInput('all inputs must have the same batch size (first dimension)', 'inputs');
  const n = [...rows][0]!;

  // Row i of a tensor: flat for [N] and [N, K]; nested in the tensor's own shape for higher ranks
  // (the record form of issue 21), so dynamic dims (an image size) are read from the request.
  const row = (t: OipTensor, i: number): unknown => {
    const width = t.data.length / Math.max(n, 1);
    const values = t.data.slice(i * width, (i + 1) * width);
    return t.shape.length > 2 ? nestFlat(values, t.shape.slice(1)) : values;
  };
  // One input: each row is an array record (the model's own column order, or its tensor).
  if (modelInputs.length === 1 && tensors.length === 1) {
    const t = tensors[0]!;
    return Array.from({ length: n }, (_, i) => row(t, i));
  }
  // One input per column: row i takes element i of each tensor (a row of several for wider ones).
  return Array.from({ length: n }, (_, i) => {
    const record: Record<string, unknown> = {};
    for (const t of tensors) {
      const width = t.data.length / Math.max(n, 1);
      record[t.name] = width === 1 && t.shape.length <= 2 ? t.data[i] : row(t, i);
    }
    return record;
  });
}

/** Per-record raw outputs → one OIP tensor per output, concatenated along the batch dimension. */
export function tensorsFromOutputs(
  perRecord: Record<string, unknown>[],
  modelOutputs: TensorInfo[],
  wanted: string[] | null
): OipTensor[] {
  const names = Object.keys(perRecord[0] ?? {}).filter((name) => wanted === null || wanted.includes(name));
  return names.map((name) => {
    const values = perRecord.map((r) => r[name]);
    const first = values[0];
    const inner = Array.isArray(first) ? shapeOf(first) : [];
    const data = values.flatMap((v) => (Array.isArray(v) ? (v.flat(Infinity) as unknown[]) : [v]));
    const declared = modelOutputs.find((o) => o.name === name);
    const type = declared && onnxToOip[declared.type] ? declared.type : typeof data[0] === 'string' ? 'string' : 'float32';
    return { name, shape: [values.length, ...inner], datatype: oipDatatype(type), data };
  });
}

function shapeOf(value: unknown[]): number[] {
  const dims = [value.length];
  let cursor: unknown = value[0];
  while (Array.isArray(cursor)) {
    dims.push(cursor.length);
    cursor = cursor[0];
  }
  return dims;
}
