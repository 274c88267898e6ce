/**
 * The Playground's editors for tensor inputs (issue 21): one per model input, with its shape and
 * type, starting from the algorithm's input example or zeros of the right shape, and checked
 * with the server's own rule (contract/record-tensors) before anything is sent.
 */
import type { Algorithm } from '../api/types.ts';
import { keyFinder } from '../../../src-main/contract/record-keys.ts';
import { recordLayout, type InputSlot } from '../../../src-main/contract/record-layout.ts';
import { filledTensor, inputShapeText, readTensor } from '../../../src-main/contract/record-tensors.ts';
import { imageLayoutOf, type ImageLayout } from './image-tensor.ts';

export interface TensorInputSpec {
  slot: InputSlot;
  /** e.g. `float32 [1, 8, 8]`, with the ids an embedding input takes */
  shapeText: string;
  /** set for inputs shaped like an image: they also take a picture */
  image: ImageLayout | null;
}

/** Larger tensors are not shown as JSON text (a 224×224 RGB image is 150,528 numbers). */
export const maxEditableValues = 4096;

export function tensorInputsOf(algorithm: Algorithm): TensorInputSpec[] {
  return recordLayout(algorithm.signature.inputs, algorithm.feature_names).slots.map((slot) => ({
    slot,
    shapeText: inputShapeText(slot) + (slot.range ? ` · ids ${slot.range[0]}–${slot.range[1]}` : ''),
    image: imageLayoutOf(slot)
  }));
}

/**
 * The algorithm's input example, when it has one (a record: an object keyed by input or field
 * names, or an array for a single input), set at registration or on the Models page.
 */
export function inputExampleOf(algorithm: Algorithm | undefined): unknown {
  return algorithm?.input_example ?? null;
}

/** Each input's starting value: the example's, else zeros (empty strings) of the input's shape. */
export function startValues(inputs: TensorInputSpec[], example: unknown): Record<string, unknown> {
  const record = example !== null && typeof example === 'object' && !Array.isArray(example) ? (example as Record<string, unknown>) : null;
  const find = record ? keyFinder(record) : null;
  return Object.fromEntries(
    inputs.map(({ slot }) => {
      const key = find?.(slot.input);
      const given = key !== undefined && record ? record[key] : Array.isArray(example) && inputs.length === 1 ? example : undefined;
      return [slot.input, given ?? filledTensor(slot, slot.kind === 'string' ? '' : 0)];
    })
  );
}

/** A tensor as editable JSON: innermost rows on one line each, nested rows indented. */
export function tensorJson(value: unknown, indent = ''): string {
  if (!Array.isArray(value) || !value.some(Array.isArray)) return JSON.stringify(value).replaceAll(',', ', ');
  const inner = value.map((item) => `${indent}  ${tensorJson(item, `${indent}  `)}`).join(',\n');
  return `[\n${inner}\n${indent}]`;
}

/** A record of tensors as editable JSON: one key per line, each tensor as tensorJson lays it out. */
export function recordJson(record: Record<string, unknown>): string {
  const entries = Object.entries(record).map(([key, value]) => `  ${JSON.stringify(key)}: ${tensorJson(value, '  ')}`);
  return entries.length ? `{\n${entries.join(',\n')}\n}` : '{}';
}

export const valueCount = (slot: InputSlot): number => slot.dims.reduce<number>((a, d) => a * (d ?? 1), 1);

/**
 * An editor's text → the value to send, or the message the server would answer (the same rule,
 * so a value that passes here is one the server takes). `missing`: the model handles missing values.
 */
export function checkTensorText(text: string, slot: InputSlot, missing: boolean): { value: unknown } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: 'Not valid JSON' };
  }
  try {
    readTensor(value, slot, (message) => {
      throw new Error(message);
    }, missing, []);
  } catch (err) {
    return { error: (err as Error).message };
  }
  return { value };
}

/** What the server does with null in this algorithm's records (older algorithms: let the server decide). */
export const acceptsMissing = (algorithm: Algorithm | undefined): boolean => algorithm?.handles_missing ?? true;
