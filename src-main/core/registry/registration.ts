import { algorithmStatusValues } from '../../contract/enums.ts';
import { invalidInput, requireOneOf, type FieldChecks } from '../errors.ts';
import { checkMetrics, checkTags, checkText, metadataLimits } from './metadata-fields.ts';
import type { AlgorithmStatusValue, Metrics, RegisterAlgorithmInput } from './types.ts';

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
  const status = checks.run(() => requireOneOf(algorithmStatusValues, input.status ?? 'testing', 'status'));
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
