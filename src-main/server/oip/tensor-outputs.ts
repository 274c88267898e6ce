import { invalidInput } from '../../core/errors.ts';
import type { ResponseTensor } from './binary-data.ts';
import type { ModelTensor } from './model-tensors.ts';

/**
 * The model's answers → Open Inference Protocol v2 output tensors. Pure.
 */

export interface RequestedOutput {
  name: string;
  parameters?: Record<string, unknown>;
}

/**
 * Refuses, before the model runs, an output the model does not have (Triton and KServe answer
 * 400 too) and Triton's classification extension, which ModelDesk does not implement.
 */
export function checkRequestedOutputs(requested: readonly RequestedOutput[] | undefined, outputs: readonly ModelTensor[], modelName: string): void {
  const names = outputs.map((o) => o.name);
  const seen = new Set<string>();
  (requested ?? []).forEach((o, i) => {
    if (!names.includes(o.name)) {
      throw invalidInput(`unknown output "${o.name}": model "${modelName}" has outputs ${names.map((n) => `"${n}"`).join(', ')}`, `outputs[${i}].name`);
    }
    if (seen.has(o.name)) throw invalidInput(`output "${o.name}" is requested twice`, `outputs[${i}].name`);
    seen.add(o.name);
    if (o.parameters?.classification !== undefined) {
      throw invalidInput(
        `output "${o.name}": the "classification" parameter (Triton's classification extension) is not supported; request the probabilities output and take its top classes`,
        `outputs[${i}].parameters.classification`
      );
    }
  });
}

/**
 * One tensor per output (the requested ones, in the order asked; else all, in the model's
 * order), the records' values concatenated along the batch dimension.
 */
export function outputTensors(perRecord: readonly Record<string, unknown>[], outputs: readonly ModelTensor[], requested: readonly RequestedOutput[] | undefined): ResponseTensor[] {
  const chosen = requested?.length ? requested.map((r) => outputs.find((o) => o.name === r.name)!) : outputs;
  return chosen.flatMap((output): ResponseTensor[] => {
    const values = perRecord.map((r) => r[output.name]);
    if (values.some((v) => v === undefined)) return [];
    const first = values[0];
    const inner = Array.isArray(first) ? dimsOf(first) : [];
    const data = values.flatMap((v) => (Array.isArray(v) ? (v.flat(Infinity) as unknown[]) : [v]));
    return [{ name: output.name, shape: [values.length, ...inner], datatype: output.datatype, data }];
  });
}

const floatDatatypes = new Set(['FP16', 'BF16', 'FP32', 'FP64']);

/**
 * Where an output sent as JSON holds NaN or ±Infinity, which JSON cannot say (JSON.stringify
 * would write null, which no v2 client can read back into a float tensor faithfully): a
 * message naming the output and element, or null when every value is finite.
 */
export function nonFiniteProblem(tensor: ResponseTensor): string | null {
  if (!floatDatatypes.has(tensor.datatype)) return null;
  const at = tensor.data.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (at < 0) return null;
  return (
    `the model's output "${tensor.name}" holds ${String(tensor.data[at])} at element ${at}, which JSON cannot carry; ` +
    `ask for this output as binary data (output parameter "binary_data": true, or request parameter "binary_data_output": true) to receive its IEEE 754 values`
  );
}

function dimsOf(value: unknown[]): number[] {
  const dims = [value.length];
  let cursor: unknown = value[0];
  while (Array.isArray(cursor)) {
    dims.push(cursor.length);
    cursor = cursor[0];
  }
  return dims;
}
