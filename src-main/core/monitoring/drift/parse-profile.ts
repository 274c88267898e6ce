import { Ajv, type ErrorObject } from 'ajv';
import { invalidInput } from '../../errors.ts';
import { binCount, innerBinCount, unseenBin } from './binning.ts';
import { PROFILE_VERSION, ReferenceProfile, type FeatureProfile } from './profile-schema.ts';

/**
 * Checks a profile that comes from outside (an API body, a registry bundle, a stored row) before
 * any statistic trusts it: the version first (a newer format may not match this schema, and
 * "upgrade ModelDesk" is the useful message), then the JSON schema, then what a schema cannot
 * say (bin layouts, edge order, sums). Errors are 400-kind and name the column.
 */

const ajv = new Ajv({ allErrors: false, strict: true });
const validate = ajv.compile<ReferenceProfile>(ReferenceProfile);
const field = 'profile';
const bad = (message: string) => invalidInput(`invalid reference profile: ${message}`, field);

export function parseProfile(doc: unknown): ReferenceProfile {
  const version = (doc as { profile_version?: unknown } | null)?.profile_version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw bad('profile_version must be a positive integer');
  }
  if (version > PROFILE_VERSION) {
    throw invalidInput(
      `reference profile version ${version} is newer than this ModelDesk reads (up to ${PROFILE_VERSION}); upgrade ModelDesk to use it`,
      field
    );
  }
  if (!validate(doc)) throw bad(schemaMessage(validate.errors));
  for (const list of ['features', 'predictions'] as const) {
    const seen = new Set<string>();
    for (const feature of doc[list]) {
      if (seen.has(feature.name)) throw bad(`${list}: column "${feature.name}" appears twice`);
      seen.add(feature.name);
      const problem = feature.kind === 'numeric' ? numericProblem(feature) : categoricalProblem(feature);
      if (problem) throw bad(`${list}: column "${feature.name}": ${problem}`);
    }
  }
  return doc;
}

function numericProblem(f: Extract<FeatureProfile, { kind: 'numeric' }>): string | null {
  const { edges, bin_means: means } = f;
  if (edges.length === 1) return 'edges must be empty or hold at least two values';
  const m = innerBinCount(f);
  if (![...edges, ...means].every(Number.isFinite)) return 'edges and bin_means must be finite numbers';
  for (let j = 1; j < m; j++) if (!((edges[j] as number) > (edges[j - 1] as number))) return 'edges must increase';
  if (m > 0 && (edges[m] as number) < (edges[m - 1] as number)) return 'the last edge (the maximum) is below the last bin';
  if (means.length !== m) return `bin_means has ${means.length} values for ${m} bins`;
  for (let j = 0; j < m; j++) {
    const mean = means[j] as number;
    if (mean < (edges[j] as number) || mean > (edges[j + 1] as number)) return `bin_means[${j}] is outside its bin`;
  }
  return countsProblem(f);
}

function categoricalProblem(f: Extract<FeatureProfile, { kind: 'categorical' }>): string | null {
  if (new Set(f.categories).size !== f.categories.length) return 'categories must be distinct';
  if (f.other_categories?.some((c) => f.categories.includes(c))) return 'other_categories repeats a top category';
  return countsProblem(f) ?? (f.counts[unseenBin(f)] !== 0 ? 'a reference has no unseen values (its unseen count must be 0)' : null);
}

function countsProblem(f: FeatureProfile): string | null {
  if (f.counts.length !== binCount(f)) return `counts has ${f.counts.length} bins, the layout ${binCount(f)}`;
  const total = f.counts.reduce((s, n) => s + n, 0);
  return total === f.count ? null : `count is ${f.count} but the bins hold ${total}`;
}

function schemaMessage(errors: ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  if (!first) return 'does not match the schema';
  const at = first.instancePath ? first.instancePath.slice(1).replaceAll('/', '.') : 'profile';
  const extra = first.keyword === 'additionalProperties' ? ` (${String(first.params.additionalProperty)})` : '';
  return `${at} ${first.message ?? 'is invalid'}${extra}`;
}
