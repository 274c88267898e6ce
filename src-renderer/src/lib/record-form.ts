import { tutorialRecord } from '../../../src-main/contract/examples.ts';
import type { Algorithm } from '../api/types.ts';

/** The Playground's example record per endpoint: the tutorial's for the income classifier. */
const examples: Record<string, Record<string, string | number>> = { income_classifier: tutorialRecord };

export interface FieldSpec {
  /** the record key sent to the server */
  key: string;
  kind: 'string' | 'number';
}

export type FormSpec =
  | { kind: 'fields'; fields: FieldSpec[]; source: 'columns' | 'feature_names' }
  | { kind: 'json'; hint: string };

export type FieldValues = Record<string, string | number>;

/** Matches the server's lenient key lookup: case-insensitive, non-alphanumerics as `_`. */
export const normalizeKey = (key: string): string => key.toLowerCase().replace(/[^a-z0-9]/g, '_');

const isString = (type: string) => type === 'string' || type === 'tensor(string)';

/** A form from the input signature: one field per column, per feature name, or one JSON field. */
export function formSpecOf(algorithm: Algorithm | undefined): FormSpec {
  if (!algorithm) return { kind: 'json', hint: 'a JSON record' };
  const inputs = algorithm.signature.inputs;
  const columnLike = inputs.every((i) => i.shape === null || i.shape.length <= 1 || (i.shape.length === 2 && i.shape[1] === 1));
  const only = inputs[0];
  if (inputs.length === 1 && only && only.shape?.length === 2 && algorithm.feature_names?.length) {
    return { kind: 'fields', source: 'feature_names', fields: algorithm.feature_names.map((key) => ({ key, kind: 'number' })) };
  }
  if (columnLike && !(inputs.length === 1 && only?.shape?.length === 2 && only.shape[1] !== 1)) {
    return {
      kind: 'fields',
      source: 'columns',
      fields: inputs.map((i) => ({ key: i.name, kind: isString(i.type) ? 'string' : 'number' }))
    };
  }
  // a top-level array is a batch, so one array-of-numbers record travels as a batch of one
  return { kind: 'json', hint: inputs.length === 1 ? 'a batch: an array of records, each an array of numbers' : 'a JSON record with one key per input' };
}

/** Prefill: the endpoint's known example when it fits, else zeros and empty strings. */
export function exampleValues(endpoint: string, spec: FormSpec): { keys: Record<string, string>; values: FieldValues } {
  const keys: Record<string, string> = {};
  const values: FieldValues = {};
  if (spec.kind !== 'fields') return { keys, values };
  const example = examples[endpoint] ?? {};
  const byNormal = new Map(Object.entries(example).map(([k, v]) => [normalizeKey(k), { k, v }]));
  for (const field of spec.fields) {
    const hit = byNormal.get(normalizeKey(field.key));
    // send the example's own key (the tutorial's hyphenated names), which the server accepts
    keys[field.key] = hit?.k ?? field.key;
    values[field.key] = hit?.v ?? (field.kind === 'number' ? 0 : '');
  }
  return { keys, values };
}

export function exampleJson(algorithm: Algorithm | undefined): string {
  const inputs = algorithm?.signature.inputs ?? [];
  const zeros = (shape: (number | string | null)[] | null) => {
    const width = shape && shape.length >= 2 && typeof shape[1] === 'number' ? shape[1] : 1;
    return Array.from({ length: width }, () => 0);
  };
  if (inputs.length === 1 && inputs[0]) return JSON.stringify([zeros(inputs[0].shape)]);
  return JSON.stringify(Object.fromEntries(inputs.map((i) => [i.name, isString(i.type) ? '' : 0])), null, 2);
}

/** The record to send: numbers as numbers, an emptied number field as null (explicit missing). */
export function buildRecord(spec: FormSpec, keys: Record<string, string>, values: FieldValues): Record<string, unknown> {
  if (spec.kind !== 'fields') return {};
  const record: Record<string, unknown> = {};
  for (const field of spec.fields) {
    const value = values[field.key];
    const key = keys[field.key] ?? field.key;
    if (field.kind === 'number') record[key] = value === '' || value === undefined ? null : Number(value);
    else record[key] = value === undefined ? '' : String(value);
  }
  return record;
}
