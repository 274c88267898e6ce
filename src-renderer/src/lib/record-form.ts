import type { Algorithm } from '../api/types.ts';
import { keyFinder } from '../../../src-main/contract/record-keys.ts';
import { recordLayout } from '../../../src-main/contract/record-layout.ts';
import { fieldKindOf, isNumericString, type FieldKind } from '../../../src-main/contract/record-values.ts';
import { inputExampleOf, startValues, tensorInputsOf, type TensorInputSpec } from './tensor-form.ts';

export type ExampleRecord = Record<string, string | number>;

const isRecord = (value: unknown): value is ExampleRecord => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The record of fields the Playground's form starts from: the algorithm's input example (set at
 * registration or edited on the Models page; the seeded income models carry the tutorial's).
 */
export const algorithmExample = (algorithm: Algorithm | undefined): ExampleRecord => {
  const example = inputExampleOf(algorithm);
  return isRecord(example) ? example : {};
};

export interface FieldSpec {
  /** the record key sent to the server */
  key: string;
  kind: FieldKind;
}

export type FormSpec =
  | { kind: 'fields'; fields: FieldSpec[]; source: 'columns' | 'feature_names' }
  /** one editor per input, each holding that input's tensor (issue 21) */
  | { kind: 'tensors'; inputs: TensorInputSpec[] }
  | { kind: 'json'; hint: string; example: unknown };

export type FieldValues = Record<string, string | number>;

/**
 * A form from the input signature, laid out by the server's own rule (contract/record-layout):
 * one field per feature name or per one-value input; otherwise one editor per input tensor.
 */
export function formSpecOf(algorithm: Algorithm | undefined): FormSpec {
  if (!algorithm) return { kind: 'json', hint: 'a JSON record', example: {} };
  const layout = recordLayout(algorithm.signature.inputs, algorithm.feature_names);
  if (layout.mode === 'vector') {
    const slot = layout.slots[0]!;
    if (slot.fields) {
      return { kind: 'fields', source: 'feature_names', fields: slot.fields.map((key) => ({ key, kind: fieldKindOf(slot.type) })) };
    }
    return { kind: 'tensors', inputs: tensorInputsOf(algorithm) };
  }
  if (layout.slots.every((slot) => slot.width === 1 && slot.dims.every((d) => d === 1 || d === null))) {
    return { kind: 'fields', source: 'columns', fields: layout.slots.map((slot) => ({ key: slot.input, kind: fieldKindOf(slot.type) })) };
  }
  return { kind: 'tensors', inputs: tensorInputsOf(algorithm) };
}

/**
 * The first record to show for an algorithm (the Server page's and the Playground's snippets):
 * its input example, or zeros, in the shape its records take.
 */
export function firstRecord(algorithm: Algorithm | undefined): unknown {
  const spec = formSpecOf(algorithm);
  if (spec.kind === 'tensors') return startValues(spec.inputs, inputExampleOf(algorithm));
  if (spec.kind === 'json') return spec.example;
  const { keys, values } = exampleValues(spec, algorithmExample(algorithm));
  return buildRecord(spec, keys, values);
}

/**
 * Prefill: the example's values where it has the field, else zeros and empty strings. Example
 * keys are matched to fields as the server matches record keys (exact, then normalised).
 */
export function exampleValues(spec: FormSpec, example: ExampleRecord): { keys: Record<string, string>; values: FieldValues } {
  const keys: Record<string, string> = {};
  const values: FieldValues = {};
  if (spec.kind !== 'fields') return { keys, values };
  const find = keyFinder(example);
  for (const field of spec.fields) {
    const hit = find(field.key);
    // send the example's own key (the tutorial's hyphenated names), which the server accepts
    keys[field.key] = hit ?? field.key;
    values[field.key] = hit === undefined ? (field.kind === 'number' ? 0 : '') : example[hit]!;
  }
  return { keys, values };
}

/** The JSON editor's starting text for a spec without fields or tensors. */
export function exampleJson(spec: FormSpec): string {
  return spec.kind === 'json' ? JSON.stringify(spec.example, null, 2) : '{}';
}

/**
 * The record to send: numbers and numeric strings as numbers, an emptied number field as null
 * (explicit missing), anything else as typed, so the server names the field it refuses.
 */
export function buildRecord(spec: FormSpec, keys: Record<string, string>, values: FieldValues): Record<string, unknown> {
  if (spec.kind !== 'fields') return {};
  const record: Record<string, unknown> = {};
  for (const field of spec.fields) {
    const value = values[field.key];
    const key = keys[field.key] ?? field.key;
    if (field.kind === 'number') record[key] = numberValue(value);
    else record[key] = value === undefined ? '' : String(value);
  }
  return record;
}

function numberValue(value: string | number | undefined): number | string | null {
  if (value === undefined || value === '') return null;
  if (typeof value === 'number') return value;
  return isNumericString(value) ? Number(value) : value;
}
