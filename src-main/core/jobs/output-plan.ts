import type { OutputKind } from '../../contract/enums.ts';
import { resolveSettings } from '../inference/model-settings.ts';
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

/**
 * What the plan needs of an algorithm: its signature and the options it was registered with that
 * decide how it answers (a tensor model is a classifier when given classes or an output kind).
 */
export interface PlannedModel {
  signature: ModelSignature;
  classes: (string | number)[] | null;
  outputKind?: OutputKind | null;
}

export function outputPlanOf({ signature, classes, outputKind }: PlannedModel): OutputPlan {
  // the serving model's own reading of its options (model-settings.ts): the same task, score output and classes
  const settings = resolveSettings(signature, { classes, outputKind: outputKind ?? null });
  if (settings.task === 'classification') {
    const probs = signature.outputs.find((o) => o.name === settings.probabilityOutput);
    // raw scores answer a label only; no probabilities to write
    if (!probs || settings.outputKind === 'scores') return { kind: 'classification', probabilityKeys: [] };
    // the decoder's keys: the classes, else column numbers (one score column stands for two classes)
    const width = probs.shape?.length === 1 ? 1 : columnWidth(probs);
    const columns = width === 1 ? 2 : width;
    const keys = settings.classes ? settings.classes.map(String) : columns === null ? [] : Array.from({ length: columns }, (_, j) => String(j));
    return { kind: 'classification', probabilityKeys: keys };
  }
  if (settings.task === 'regression') {
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
