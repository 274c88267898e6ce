/**
 * Validators for custom resources from their CustomResourceDefinition's openAPIV3Schema (the
 * CRD files under test/standards/), with ajv. Stricter than the API server on one point on
 * purpose: a field the schema does not declare is an error here (Kubernetes would silently
 * prune it, so a misspelt `canaryTrafficPercent` would deploy without its canary).
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import YAML from 'yaml';

type Schema = Record<string, unknown>;

/** additionalProperties: false wherever an object lists its properties and allows no others. */
function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema as Schema)) {
    // property names are data, not schema keywords: recurse into each property's schema only
    out[key] = key === 'properties' ? Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, closeObjects(v)])) : closeObjects(value);
  }
  if (out.properties && out.additionalProperties === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const int = (bits: number) => ({
  type: 'number' as const,
  validate: (n: number) => Number.isInteger(n) && Math.abs(n) <= 2 ** (bits - 1)
});
ajv.addFormat('int32', int(32));
ajv.addFormat('int64', int(64));
ajv.addFormat('date-time', true);
ajv.addFormat('byte', true);
ajv.addFormat('double', { type: 'number', validate: () => true });
ajv.addFormat('float', { type: 'number', validate: () => true });
// int-or-string fields carry no `type`; Kubernetes allows both
ajv.addKeyword({ keyword: 'x-kubernetes-int-or-string', validate: (_: unknown, data: unknown) => typeof data === 'number' || typeof data === 'string' });

export interface CrdValidator {
  group: string;
  kind: string;
  version: string;
  validate: ValidateFunction;
}

/** The CRD in `file` (a single-document YAML), its served storage version unless one is named. */
export function crdValidator(file: string, version?: string): CrdValidator {
  const crd = YAML.parse(readFileSync(file, 'utf8')) as {
    spec: { group: string; names: { kind: string }; versions: { name: string; storage: boolean; schema: { openAPIV3Schema: Schema } }[] };
  };
  const chosen = crd.spec.versions.find((v) => (version ? v.name === version : v.storage));
  if (!chosen) throw new Error(`${file}: no version ${version ?? '(storage)'}`);
  return {
    group: crd.spec.group,
    kind: crd.spec.names.kind,
    version: chosen.name,
    validate: ajv.compile(closeObjects(chosen.schema.openAPIV3Schema) as Schema)
  };
}

const dns1035 = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Errors of one manifest against the validator whose apiVersion and kind it names (empty: valid). */
export function manifestErrors(object: Record<string, any>, validators: CrdValidator[]): string[] {
  const v = validators.find((c) => object.apiVersion === `${c.group}/${c.version}` && object.kind === c.kind);
  if (!v) return [`no CRD for ${object.apiVersion} ${object.kind}`];
  const errors: string[] = [];
  // metadata is `type: object` in every CRD; the API server checks the name
  if (!dns1035.test(object.metadata?.name ?? '')) errors.push(`metadata.name ${JSON.stringify(object.metadata?.name)} is not a DNS-1035 label`);
  if (!v.validate(object)) errors.push(...v.validate.errors!.map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`));
  return errors;
}
