import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { invalidInput } from '../errors.ts';
import { bundleFormatVersion, Manifest, originsSinceFormat, RequestLine, type AlgorithmRef } from './manifest-schema.ts';
import { checkProfiles } from './reference-profiles.ts';

// ajv-formats is CommonJS: its default export arrives as module.exports or as .default depending on the loader.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv
) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: false, strict: true }));
const manifestValidator = ajv.compile<Manifest>(Manifest);
const requestLineValidator = ajv.compile<RequestLine>(RequestLine);

export const refKey = (ref: AlgorithmRef): string => JSON.stringify([ref.endpoint, ref.name, ref.version]);
export const describeRef = (ref: AlgorithmRef): string => `"${ref.endpoint}/${ref.name}" version "${ref.version}"`;
export const abTestKey = (endpoint: string, title: string, createdAt: string): string =>
  JSON.stringify([endpoint, title, createdAt]);

const field = 'file';
const bad = (message: string) => invalidInput(`invalid bundle manifest: ${message}`, field);

/**
 * Parses and checks manifest.json: the format version first (a newer format may not match
 * this schema at all, and "upgrade ModelDesk" is the useful message), then the JSON schema,
 * then what a schema cannot say: references resolve, keys are unique, one active status per
 * algorithm, at most one active production and one running test per endpoint.
 */
export function parseManifest(bytes: Buffer): Manifest {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw bad(`manifest.json is not valid JSON (${(err as Error).message})`);
  }
  const version = (doc as { format_version?: unknown } | null)?.format_version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw bad('format_version must be a positive integer');
  }
  if (version > bundleFormatVersion) {
    throw invalidInput(
      `bundle format version ${version} is newer than this ModelDesk reads (up to ${bundleFormatVersion}); upgrade ModelDesk to import it`,
      field
    );
  }
  if (!manifestValidator(doc)) throw bad(schemaMessage(manifestValidator.errors));
  checkReferences(doc);
  checkProfiles(doc);
  return doc;
}

export function parseRequestLine(line: string, lineNumber: number): RequestLine {
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch {
    throw invalidInput(`invalid bundle: requests.jsonl line ${lineNumber} is not valid JSON`, field);
  }
  if (!requestLineValidator(doc)) {
    throw invalidInput(`invalid bundle: requests.jsonl line ${lineNumber}: ${schemaMessage(requestLineValidator.errors)}`, field);
  }
  return doc;
}

function schemaMessage(errors: ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  if (!first) return 'does not match the schema';
  const at = first.instancePath ? first.instancePath.slice(1).replaceAll('/', '.') : 'manifest';
  const extra = first.keyword === 'additionalProperties' ? ` (${String(first.params.additionalProperty)})` : '';
  return `${at} ${first.message ?? 'is invalid'}${extra}`;
}

function checkReferences(m: Manifest): void {
  if (m.format_version >= originsSinceFormat && m.registry_id === undefined) {
    throw bad(`registry_id is required from format version ${originsSinceFormat}`);
  }
  const endpointNames = new Set<string>();
  for (const e of m.endpoints) {
    if (endpointNames.has(e.name)) throw bad(`endpoint "${e.name}" is listed twice`);
    endpointNames.add(e.name);
  }
  const algorithms = new Map<string, { sha: string; bytes: number }>();
  const bytesBySha = new Map<string, number>();
  for (const a of m.algorithms) {
    if (!endpointNames.has(a.endpoint)) throw bad(`algorithm ${describeRef(a)} refers to endpoint "${a.endpoint}", which the bundle does not list`);
    const k = refKey(a);
    if (algorithms.has(k)) throw bad(`algorithm ${describeRef(a)} is listed twice`);
    algorithms.set(k, { sha: a.artifact_sha256, bytes: a.artifact_bytes });
    const known = bytesBySha.get(a.artifact_sha256);
    if (known !== undefined && known !== a.artifact_bytes) {
      throw bad(`artifact ${a.artifact_sha256} is declared with two different sizes (${known} and ${a.artifact_bytes} bytes)`);
    }
    bytesBySha.set(a.artifact_sha256, a.artifact_bytes);
  }
  const active = new Map<string, number>();
  const production = new Set<string>();
  for (const s of m.statuses) {
    const k = refKey(s.algorithm);
    if (!algorithms.has(k)) throw bad(`a status refers to algorithm ${describeRef(s.algorithm)}, which the bundle does not list`);
    if (!s.active) continue;
    active.set(k, (active.get(k) ?? 0) + 1);
    if (s.status === 'production') {
      if (production.has(s.algorithm.endpoint)) throw bad(`endpoint "${s.algorithm.endpoint}" has two active production algorithms`);
      production.add(s.algorithm.endpoint);
    }
  }
  for (const a of m.algorithms) {
    const n = active.get(refKey(a)) ?? 0;
    if (n !== 1) throw bad(`algorithm ${describeRef(a)} must have exactly one active status, found ${n}`);
  }
  const tests = new Set<string>();
  const running = new Set<string>();
  for (const t of m.ab_tests) {
    if (!endpointNames.has(t.endpoint)) throw bad(`A/B test "${t.title}" refers to endpoint "${t.endpoint}", which the bundle does not list`);
    const k = abTestKey(t.endpoint, t.title, t.created_at);
    if (tests.has(k)) throw bad(`A/B test "${t.title}" (${t.created_at}) is listed twice`);
    tests.add(k);
    if (t.state === 'running') {
      if (running.has(t.endpoint)) throw bad(`endpoint "${t.endpoint}" has two running A/B tests`);
      running.add(t.endpoint);
    }
    const positions = new Set<number>();
    for (const arm of t.arms) {
      if (arm.algorithm.endpoint !== t.endpoint) throw bad(`A/B test "${t.title}" has an arm on another endpoint ("${arm.algorithm.endpoint}")`);
      if (!algorithms.has(refKey(arm.algorithm))) throw bad(`A/B test "${t.title}" has an arm ${describeRef(arm.algorithm)} that the bundle does not list`);
      if (positions.has(arm.position)) throw bad(`A/B test "${t.title}" repeats arm position ${arm.position}`);
      positions.add(arm.position);
    }
  }
  for (const c of m.metadata_changes ?? []) {
    if (!endpointNames.has(c.endpoint)) throw bad(`a metadata change refers to endpoint "${c.endpoint}", which the bundle does not list`);
    if (c.algorithm && (c.algorithm.endpoint !== c.endpoint || !algorithms.has(refKey(c.algorithm)))) {
      throw bad(`a metadata change refers to algorithm ${describeRef(c.algorithm)}, which the bundle does not list on "${c.endpoint}"`);
    }
  }
}
