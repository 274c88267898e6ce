import { truncatedRecordKey } from '../../contract/logged-record.ts';
import { keyFinder } from '../../contract/record-keys.ts';
import { recordLayout } from '../../contract/record-layout.ts';
import type { Prediction } from '../inference/index.ts';
import type { Algorithm } from '../registry/types.ts';
import type { ColumnSpec } from './drift/index.ts';

/**
 * What drift is measured on for an algorithm version: its named input features (from the model's
 * signature, read the way the encoder reads records: contract/record-layout.ts and record-keys.ts)
 * and its outputs, named like the answer's fields. A model whose inputs are tensors without
 * feature names has no features to compare; its predictions are still monitored. Records come
 * in every form predict takes (contract/record-tensors.ts): a column's value may be given as
 * its one-element tensor (`"age": [37]`), a vector model's as its input's tensor by name.
 */
export interface MonitoredColumns {
  features: ColumnSpec[];
  predictions: ColumnSpec[];
  /** why there are no features, in words for the user; null when there are */
  noFeatures: string | null;
  /** the features' values of a record as logged (an object, or an array for vector models) */
  readRecord(record: unknown): Record<string, unknown>;
}

export const TENSOR_ONLY_MESSAGE =
  'this model takes only tensor inputs without feature names: data drift needs named features, so ModelDesk monitors its predictions only';

const kindOf = (valueKind: string): ColumnSpec['kind'] => (valueKind === 'string' || valueKind === 'bool' ? 'categorical' : 'numeric');

const columnsCache = new WeakMap<Algorithm, MonitoredColumns>();

export function monitoredColumns(algorithm: Algorithm): MonitoredColumns {
  let cached = columnsCache.get(algorithm);
  if (!cached) columnsCache.set(algorithm, (cached = deriveColumns(algorithm)));
  return cached;
}

function deriveColumns(algorithm: Algorithm): MonitoredColumns {
  const layout = recordLayout(algorithm.signature.inputs, algorithm.featureNames);
  const predictions = predictionColumns(algorithm);
  const none = { features: [], predictions, noFeatures: TENSOR_ONLY_MESSAGE, readRecord: () => ({}) };
  if (layout.mode === 'columns') {
    // one input per field; an input several values wide (an image, a sequence) is not a feature
    const slots = layout.slots.filter((s) => s.width === 1);
    if (slots.length === 0) return none;
    const features = slots.map((s) => ({ name: s.input, kind: kindOf(s.kind) }));
    return { features, predictions, noFeatures: null, readRecord: (record) => readNamed(record, features) };
  }
  const slot = layout.slots[0]!;
  if (!slot.fields) return none;
  const features = slot.fields.map((name) => ({ name, kind: kindOf(slot.kind) }));
  return {
    features,
    predictions,
    noFeatures: null,
    readRecord: (record) => {
      if (Array.isArray(record)) return Object.fromEntries(features.map((f, i) => [f.name, record[i]]));
      const values = readNamed(record, features);
      // a record keyed by input name (and an Open Inference v2 call) holds {input: [values…]}, nested in the input's shape or flat
      const tensor = isObject(record) ? record[slot.input] : undefined;
      if (Array.isArray(tensor)) {
        const vector = Array.isArray(tensor[0]) ? (tensor.flat(Infinity) as unknown[]) : tensor;
        features.forEach((f, i) => (values[f.name] ??= vector[i]));
      }
      return values;
    }
  };
}

/**
 * The features' values of a record object. Which key feeds which feature is worked out once per
 * set of keys (clients send the same keys record after record), not once per record.
 */
function readNamed(record: unknown, features: readonly ColumnSpec[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  if (!isObject(record)) return values;
  const keys = Object.keys(record);
  const shape = keys.join('\u0000');
  let plan = keyPlans.get(features)?.get(shape);
  if (!plan) {
    const find = keyFinder(record);
    plan = features.map((f) => [f.name, find(f.name)] as const);
    let byShape = keyPlans.get(features);
    if (!byShape) keyPlans.set(features, (byShape = new Map()));
    if (byShape.size < 1000) byShape.set(shape, plan);
  }
  for (const [name, key] of plan) if (key !== undefined) values[name] = scalarOf(record[key]);
  return values;
}

/** A column given as its one-element tensor (`[37]`, `[[37]]`) is its one value. */
function scalarOf(value: unknown): unknown {
  while (Array.isArray(value) && value.length === 1) value = value[0];
  return value;
}

const truncatedPrefix = `{"${truncatedRecordKey}":`;

/** Whether a logged input is the marker of a record too large to log whole (contract/logged-record.ts), read without parsing it. */
export const isTruncatedInput = (input: string): boolean => input.startsWith(truncatedPrefix);

const keyPlans = new WeakMap<readonly ColumnSpec[], Map<string, readonly (readonly [string, string | undefined])[]>>();

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * `label` (classifiers), `probability` (binary classifiers: the positive class), `prediction`
 * (single-output regressors). The task and classes are the algorithm's as registered, not only
 * the file's: a tensor model registered with `output_kind` logits or probabilities (and classes)
 * answers a label and probabilities like any classifier, so its prediction drift is measured.
 */
export function predictionColumns(algorithm: Algorithm): ColumnSpec[] {
  const { outputs } = algorithm.signature;
  const task = algorithm.task;
  if (task === 'classification') {
    const classes = algorithm.classes ?? algorithm.signature.classes;
    const binary = classes?.length === 2 && algorithm.outputKind !== 'scores';
    return binary ? [{ name: 'label', kind: 'categorical' }, { name: 'probability', kind: 'numeric' }] : [{ name: 'label', kind: 'categorical' }];
  }
  if (task === 'regression') {
    const shape = outputs[0]?.shape;
    const scalar = !shape || shape.length <= 1 || (shape.length === 2 && shape[1] === 1);
    return scalar ? [{ name: 'prediction', kind: 'numeric' }] : [];
  }
  return [];
}

/** A model's answer as the prediction columns' values. */
export function predictionValues(p: Prediction): Record<string, unknown> {
  return {
    label: p.label,
    probability: p.probability,
    prediction: Array.isArray(p.prediction) ? (p.prediction.length === 1 ? p.prediction[0] : undefined) : p.prediction
  };
}

/**
 * The prediction columns' values of a logged OK row: `label` is the row's label text; the number
 * is read from the start of the logged response, where the answer's key order puts it
 * (`{"probability":…` or `{"prediction":…`), without parsing the rest of it.
 */
export function loggedPredictionValues(label: string, response: string): Record<string, unknown> {
  return { label, probability: leadingNumber(response, '{"probability":'), prediction: leadingNumber(response, '{"prediction":') };
}

function leadingNumber(response: string, prefix: string): number | undefined {
  if (!response.startsWith(prefix)) return undefined;
  const at = prefix.length;
  if (response.charCodeAt(at) === 91 /* [ */) {
    // a one-output regressor answers [x]
    const n = Number.parseFloat(response.slice(at + 1, at + 40));
    return Number.isFinite(n) && response.charCodeAt(response.indexOf(',', at) - 1) === 93 ? n : undefined;
  }
  const n = Number.parseFloat(response.slice(at, at + 40));
  return Number.isFinite(n) ? n : undefined;
}
