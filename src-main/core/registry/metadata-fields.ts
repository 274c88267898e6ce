import { invalidInput } from '../errors.ts';
import { RecordEncoder } from '../inference/record-encoder.ts';
import type { ModelSignature } from '../inference/index.ts';
import type { Metrics } from './types.ts';

/**
 * The rules for editable metadata (issue 12 §5), one function per field. Each returns the value
 * to store or throws a 400 naming the field, so a caller can collect them (errors.ts FieldChecks).
 */

export const metadataLimits = { description: 1000, owner: 128, notes: 10000, tag: 64, tags: 32, metricName: 64, metrics: 64, inputExampleBytes: 64 * 1024 };

export function checkText(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string') throw invalidInput(`${field} must be a string`, field);
  const text = value.trim();
  if (text.length > max) throw invalidInput(`${field} must be at most ${max} characters`, field);
  return text;
}

/** Tags: short labels, trimmed, without repeats (case-insensitive), in the order given. */
export function checkTags(value: unknown): string[] {
  if (!Array.isArray(value)) throw invalidInput('tags must be an array of strings', 'tags');
  if (value.length > metadataLimits.tags) throw invalidInput(`tags must have at most ${metadataLimits.tags} entries`, 'tags');
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const tag of value) {
    if (typeof tag !== 'string' || !tag.trim()) throw invalidInput('tags must be non-empty strings', 'tags');
    const text = tag.trim();
    if (text.length > metadataLimits.tag) throw invalidInput(`each tag must be at most ${metadataLimits.tag} characters ("${text.slice(0, 20)}…")`, 'tags');
    if (seen.has(text.toLowerCase())) continue;
    seen.add(text.toLowerCase());
    tags.push(text);
  }
  return tags;
}

/** Metrics: name → finite number, e.g. {"accuracy": 0.8635, "auc": 0.91}. */
export function checkMetrics(value: unknown): Metrics {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidInput('metrics must be a JSON object of name → number, e.g. {"accuracy": 0.86}', 'metrics');
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > metadataLimits.metrics) throw invalidInput(`metrics must have at most ${metadataLimits.metrics} entries`, 'metrics');
  const metrics: Metrics = {};
  for (const [name, n] of entries) {
    const key = name.trim();
    if (!key || key.length > metadataLimits.metricName) {
      throw invalidInput(`metric names must be 1 to ${metadataLimits.metricName} characters`, 'metrics');
    }
    if (typeof n !== 'number' || !Number.isFinite(n)) throw invalidInput(`metric "${key}" must be a finite number`, 'metrics');
    metrics[key] = n;
  }
  return metrics;
}

/** An input example must be a record this model accepts (validated as a prediction would be); null clears it. */
export function checkInputExample(
  value: unknown,
  model: { signature: Pick<ModelSignature, 'inputs'>; featureNames: string[] | null; handlesMissing: boolean | null }
): unknown {
  if (value === null) return null;
  if (JSON.stringify(value).length > metadataLimits.inputExampleBytes) {
    throw invalidInput(`input_example must be at most ${metadataLimits.inputExampleBytes} bytes of JSON`, 'input_example');
  }
  try {
    new RecordEncoder(model.signature.inputs, model.featureNames, { handlesMissing: model.handlesMissing ?? false }).validate(value);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw invalidInput(`input_example is not a record this model accepts: ${message}`, 'input_example');
  }
  return value;
}

export function checkBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw invalidInput(`${field} must be true or false`, field);
  return value;
}
