import { algorithmStatusValues } from '../../contract/enums.ts';
import { FieldChecks, invalidInput, requireOneOf } from '../errors.ts';
import { OnnxModel, type ModelSignature } from '../inference/index.ts';
import { checkInputExample, checkMetrics, checkTags, checkText, metadataLimits } from './metadata-fields.ts';
import { abTestingByHand } from './status-transitions.ts';
import type { Algorithm, AlgorithmStatusValue, Metrics, RegisterAlgorithmInput } from './types.ts';

const endpointNamePattern = /^[a-z0-9_-]+$/;

export interface RegistrationFields {
  endpoint: string;
  name: string;
  version: string;
  description: string;
  owner: string;
  code: string;
  status: AlgorithmStatusValue;
  createdBy: string;
  notes: string;
  tags: string[];
  metrics: Metrics;
}

/**
 * A registration's metadata, every field checked: each bad one is collected in `checks` rather
 * than thrown, so one answer names them all. Returns null when any was bad.
 */
export function validateRegistration(input: RegisterAlgorithmInput, checks: FieldChecks): RegistrationFields | null {
  const text = (value: string | undefined, field: string, max: number, required: boolean): string =>
    checks.run(() => {
      const v = checkText(value ?? '', field, max);
      if (required && !v) throw invalidInput(`${field} is required`, field);
      return v;
    }) ?? '';
  const endpoint = text(input.endpoint, 'endpoint', 128, true);
  if (endpoint && !endpointNamePattern.test(endpoint)) {
    checks.run(() => {
      throw invalidInput('endpoint must use only lowercase letters, digits, "_" and "-"', 'endpoint');
    });
  }
  const status = checks.run(() => {
    const value = requireOneOf(algorithmStatusValues, input.status ?? 'testing', 'status');
    if (value === 'ab_testing') throw abTestingByHand();
    return value;
  });
  if (input.file.byteLength === 0) {
    checks.run(() => {
      throw invalidInput('file is required (an .onnx model)', 'file');
    });
  }
  const owner = text(input.owner, 'owner', metadataLimits.owner, false);
  const fields = {
    endpoint,
    name: text(input.name, 'name', 128, true),
    version: text(input.version, 'version', 128, true),
    description: text(input.description, 'description', metadataLimits.description, false),
    owner,
    code: text(input.code, 'code', 50000, false),
    notes: text(input.notes, 'notes', metadataLimits.notes, false),
    tags: (input.tags === undefined ? [] : checks.run(() => checkTags(input.tags))) ?? [],
    metrics: (input.metrics === undefined ? {} : checks.run(() => checkMetrics(input.metrics))) ?? {},
    createdBy: (input.createdBy ?? owner) || 'api'
  };
  if (status === undefined || checks.errors.length) return null;
  return { ...fields, status };
}

/** What the model serves as, once its options are applied (task, classes, output kind, missing values). */
export type EffectiveModel = Pick<Algorithm, 'task' | 'classes' | 'outputKind'> & { handlesMissing: boolean };

/** A registration with every field checked and its model loaded once by onnxruntime. */
export interface CheckedRegistration {
  input: RegisterAlgorithmInput;
  fields: RegistrationFields;
  signature: ModelSignature;
  effective: EffectiveModel;
  /** checked against the model (null: none) */
  inputExample: unknown;
}

/**
 * Checks a registration's fields, loads its model (a file onnxruntime cannot run is refused) and
 * checks its input example against it. Every bad field is reported in one 400.
 */
export async function checkRegistration(input: RegisterAlgorithmInput): Promise<CheckedRegistration> {
  const checks = new FieldChecks();
  checks.errors.push(...(input.fieldErrors ?? []));
  const fields = validateRegistration(input, checks);
  const model =
    input.file.byteLength === 0
      ? undefined
      : await checks.runAsync(() =>
          OnnxModel.load(input.file, {
            featureNames: input.featureNames ?? null,
            positiveClass: input.positiveClass ?? null,
            threshold: input.threshold ?? null,
            classes: input.classes ?? null,
            outputKind: input.outputKind ?? null,
            handlesMissing: input.handlesMissing ?? null
          })
        );
  await model?.close();
  const effective = model && { task: model.task, classes: model.classes, outputKind: model.outputKind, handlesMissing: model.handlesMissing };
  const subject = model && { signature: model.signature, featureNames: input.featureNames ?? null, handlesMissing: model.handlesMissing };
  const inputExample = subject && input.inputExample !== undefined ? checks.run(() => checkInputExample(input.inputExample, subject)) : undefined;
  checks.throwIfAny();
  if (!fields || !model || !effective) throw new Error('unreachable: registration checks passed without fields or model');
  return { input, fields, signature: model.signature, effective, inputExample: inputExample ?? null };
}
