import { columnWidth, type ModelSignature, type Prediction } from '../inference/signature.ts';

/**
 * The columns a job adds after the input's, decided from the algorithm before the first row:
 * - a classifier: `prediction` (the label), then `probability_<class>` for each class;
 * - a regressor: `prediction`, or `prediction_<i>` for each of its targets;
 * - any other model: one column per output (`<output>` or `<output>_<i>` across its width);
 * then always `error`. The values are the ones the online API answers for the same record.
 */
export type OutputPlan =
  | { kind: 'classification'; probabilityKeys: string[] }
  | { kind: 'regression'; width: number }
  | { kind: 'outputs'; outputs: { name: string; width: number | null }[] };

export const errorColumn = 'error';

/** What the plan needs of an algorithm: its signature and the classes it was registered with. */
export interface PlannedModel {
  signature: ModelSignature;
  classes: (string | number)[] | null;
}

export function outputPlanOf({ signature, classes }: PlannedModel): OutputPlan {
  if (signature.task === 'classification') {
    const probs = signature.outputs.find((o) => o.name === signature.probabilityOutput);
    if (!probs) return { kind: 'classification', probabilityKeys: [] };
    // the decoder's keys: the model's classes, else those given at registration, else column numbers
    const known = signature.classes ?? classes;
    const width = columnWidth(probs);
    const keys = known ? known.map(String) : width === null ? [] : Array.from({ length: width }, (_, j) => String(j));
    return { kind: 'classification', probabilityKeys: keys };
  }
  if (signature.task === 'regression') {
    const [output] = signature.outputs;
    return { kind: 'regression', width: (output && columnWidth(output)) ?? 1 };
  }
  return { kind: 'outputs', outputs: signature.outputs.map((o) => ({ name: o.name, width: widthOf(o.shape) })) };
}

/** values per record: 1 for [N] and [N, 1], k for [N, k], null when unknown or of higher rank */
function widthOf(shape: (number | string | null)[] | null): number | null {
  if (!shape) return null;
  if (shape.length === 1) return 1;
  if (shape.length === 2 && typeof shape[1] === 'number') return shape[1];
  return null;
}

const spread = (name: string, width: number): string[] =>
  width === 1 ? [name] : Array.from({ length: width }, (_, i) => `${name}_${i}`);

/** The prediction columns, in order (`error` comes after them). */
export function outputColumns(plan: OutputPlan): string[] {
  switch (plan.kind) {
    case 'classification':
      return ['prediction', ...plan.probabilityKeys.map((key) => `probability_${key}`)];
    case 'regression':
      return spread('prediction', plan.width);
    case 'outputs':
      return plan.outputs.flatMap((o) => spread(o.name, o.width ?? 1));
  }
}

/** One record's prediction as the plan's column values (null where the model gave none). */
export function predictionValues(plan: OutputPlan, p: Prediction): unknown[] {
  switch (plan.kind) {
    case 'classification': {
      const values: unknown[] = [p.label ?? null];
      for (const key of plan.probabilityKeys) values.push(p.probabilities?.[key] ?? null);
      return values;
    }
    case 'regression':
      return spreadValue(p.prediction ?? null, plan.width);
    case 'outputs':
      return plan.outputs.flatMap((o) => spreadValue(p.outputs[o.name] ?? null, o.width ?? 1));
  }
}

/** A value across `width` columns: [N, 1] values come as one-element arrays from the decoder. */
function spreadValue(value: unknown, width: number): unknown[] {
  if (width === 1) return [Array.isArray(value) && value.length === 1 ? value[0] : value];
  if (Array.isArray(value) && value.length === width) return value;
  return Array.from({ length: width }, (_, i) => (i === 0 ? value : null));
}
