/**
 * A model's registration options checked against its signature, and what they make of it:
 * which fields feed it, whether it is a classifier and how its scores read (issue 12 §2), which
 * class is positive, whether `null` may reach it. Each refusal names the registration field.
 */
import { isOutputKind, outputKindValues, type OutputKind } from '../../contract/enums.ts';
import { FieldChecks, invalidInput } from '../errors.ts';
import type { DecodeConfig } from './output-decoder.ts';
import { columnWidth, type ModelOptions, type ModelSignature, type Task, type TensorInfo } from './signature.ts';

/** Option values as they will be applied, after checking them against the signature. */
export interface ModelSettings {
  featureNames: string[] | null;
  /** the signature's task, or classification for a tensor model registered with classes or output_kind */
  task: Task;
  /** how the classifier's score output reads; null for models that are not classifiers */
  outputKind: OutputKind | null;
  /** effective classes in score-column order (model's, else the configured ones), or null */
  classes: (string | number)[] | null;
  probabilityOutput: string | null;
  labelOutput: string | null;
  positiveIndex: number | null;
  threshold: number | null;
  handlesMissing: boolean;
}

const isFloat = (t: TensorInfo): boolean => t.type === 'float32' || t.type === 'float64' || t.type === 'float16';

/** Columns a score output has per record: C for [N, C], 1 for [N]; null when not known. */
function scoreWidth(output: TensorInfo | undefined): number | null {
  if (!output?.shape) return null;
  if (output.shape.length === 1) return 1;
  return columnWidth(output);
}

/** Whether, and from which output, the model answers as a classifier. */
function classifierOf(signature: ModelSignature, options: ModelOptions): Pick<ModelSettings, 'task' | 'outputKind' | 'probabilityOutput' | 'labelOutput'> {
  const given = options.outputKind ?? null;
  if (given !== null && !isOutputKind(given)) throw invalidInput(`output_kind must be one of ${outputKindValues.join(', ')}`, 'output_kind');
  const own = { task: signature.task, probabilityOutput: signature.probabilityOutput, labelOutput: signature.labelOutput };
  if (signature.task === 'classification') {
    if (given !== null && given !== 'probabilities' && !signature.probabilityOutput) {
      throw invalidInput('output_kind: this classifier has a label output but no score output to read', 'output_kind');
    }
    return { ...own, outputKind: given ?? 'probabilities' };
  }
  // A tensor model (PyTorch, Keras) becomes a classifier when told what its scores are, or given classes.
  if (given === null && options.classes == null) return { ...own, outputKind: null };
  const hint = signature.outputKindHint ?? null;
  const floats = signature.outputs.filter((o) => isFloat(o) && (o.shape?.length === 1 || o.shape?.length === 2));
  const output = hint?.output ?? (floats.length === 1 ? floats[0]!.name : null);
  const field = given !== null ? 'output_kind' : 'classes';
  if (!output) {
    throw invalidInput(
      `${field}: a classifier needs one float output of shape [N, C] or [N, 1] holding its scores; this model has ${signature.outputs.map((o) => `"${o.name}"`).join(', ')}`,
      field
    );
  }
  const kind = given ?? hint?.kind ?? null;
  if (kind === null) {
    throw invalidInput(`output_kind is required with classes: say whether output "${output}" holds probabilities, logits or scores`, 'output_kind');
  }
  return { task: 'classification', outputKind: kind, probabilityOutput: output, labelOutput: null };
}

export function resolveSettings(signature: ModelSignature, options: ModelOptions): ModelSettings {
  // every option is checked, so a registration hears of all its bad fields at once
  const checks = new FieldChecks();
  const featureNames = checks.run(() => checkFeatureNames(signature, options.featureNames ?? null)) ?? null;
  const classifier = checks.run(() => classifierOf(signature, options)) ?? {
    task: signature.task,
    outputKind: null,
    probabilityOutput: signature.probabilityOutput,
    labelOutput: signature.labelOutput
  };
  const probs = signature.outputs.find((o) => o.name === classifier.probabilityOutput);
  const width = scoreWidth(probs);
  // one score column holds the second class's score: P, logit or score of classes[1]
  const columns = width === 1 ? 2 : width;

  let classes = signature.classes;
  if (!classes && options.classes != null && classifier.task === 'classification') {
    classes = checks.run(() => checkClasses(options.classes, width, columns)) ?? null;
  }

  const binary = classifier.task === 'classification' && !!probs && (classes?.length ?? columns) === 2;
  let positiveIndex: number | null = binary ? 1 : null;
  if (options.positiveClass != null) {
    const index = classes ? classes.findIndex((c) => String(c) === String(options.positiveClass)) : -1;
    if (index < 0) {
      const known = classes ? `one of ${classes.map((c) => JSON.stringify(c)).join(', ')}` : 'a class, but the model has none';
      checks.run(() => {
        throw invalidInput(`positive_class must be ${known}`, 'positive_class');
      });
    } else if (binary) positiveIndex = index;
  }

  const threshold = options.threshold ?? null;
  if (threshold !== null) {
    checks.run(() => {
      if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) {
        throw invalidInput('threshold must be a number between 0 and 1', 'threshold');
      }
      if (!binary || classifier.outputKind === 'scores') throw invalidInput('threshold applies only to binary classifiers with probabilities', 'threshold');
    });
  }
  checks.throwIfAny();
  const handlesMissing = options.handlesMissing ?? signature.imputes ?? false;
  return { featureNames, ...classifier, classes, positiveIndex, threshold, handlesMissing };
}

function checkClasses(given: unknown, width: number | null, columns: number | null): (string | number)[] {
  if (!Array.isArray(given) || given.some((c) => typeof c !== 'string' && typeof c !== 'number')) {
    throw invalidInput('classes must be an array of strings or numbers', 'classes');
  }
  if (new Set(given.map(String)).size !== given.length) throw invalidInput('classes must be unique', 'classes');
  if (columns !== null && given.length !== columns) {
    const what = width === 1 ? `one score column (the second class's), so 2 classes` : `${width} scores per record`;
    throw invalidInput(`classes has ${given.length} entries but the model outputs ${what}`, 'classes');
  }
  return [...(given as (string | number)[])];
}

/** How output-decoder reads a run's tensors for these settings. */
export function decodeConfigOf(signature: ModelSignature, settings: ModelSettings): DecodeConfig {
  const single = signature.outputs.length === 1 ? signature.outputs[0]!.name : null;
  return {
    task: settings.task,
    classes: settings.classes,
    labelOutput: settings.labelOutput,
    probabilityOutput: settings.probabilityOutput,
    outputKind: settings.outputKind ?? 'probabilities',
    predictionOutput: settings.task === 'regression' ? single : null,
    positiveIndex: settings.positiveIndex,
    threshold: settings.threshold
  };
}

function checkFeatureNames(signature: ModelSignature, names: unknown): string[] | null {
  if (names === null || names === undefined) return null;
  const fail = (message: string) => invalidInput(message, 'feature_names');
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string' || n.trim() === '')) {
    throw fail('feature_names must be an array of non-empty strings');
  }
  if (new Set(names).size !== names.length) throw fail('feature_names must be unique');
  const [input, ...others] = signature.inputs;
  if (!input || others.length > 0) {
    throw fail(`feature_names applies only to models with one 2-D input; this model has ${signature.inputs.length} inputs`);
  }
  if (input.shape?.length !== 2) throw fail(`feature_names needs a 2-D input; "${input.name}" is not [N, K]`);
  const width = input.shape[1];
  if (typeof width === 'number' && width !== names.length) {
    throw fail(`feature_names has ${names.length} names but input "${input.name}" has ${width} columns`);
  }
  return names as string[];
}
