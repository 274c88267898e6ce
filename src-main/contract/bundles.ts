import { Type, type Static, type TProperties } from 'typebox';
import { ContractDifference } from './input-contract.ts';

/**
 * Registry bundles over HTTP (DESIGN §6, issue #5; format in docs/BUNDLE.md). The UI imports
 * these types only (`import type`): the export is a download, the import an upload answered
 * with the plan below. A typical UI flow: upload with dry_run=true, show the plan and each
 * conflict's choices, then upload again with dry_run=false and the chosen on_conflict.
 */

export const ExportQuery = Type.Object({
  endpoint: Type.Optional(
    Type.Union([Type.String(), Type.Array(Type.String())], {
      description: 'endpoint name to export; repeat for several; absent = the whole registry'
    })
  ),
  include_requests: Type.Optional(Type.Boolean({ default: false, description: 'include the request log with feedback' })),
  compress: Type.Optional(
    Type.Boolean({
      description: 'deflate model files: true, false, or absent = per file, when a sample shows it pays (tree ensembles yes, dense neural nets no)'
    })
  ),
  ticket: Type.Optional(
    Type.String({ description: 'a one-time ticket from POST /registry/export/tickets (request its url exactly), instead of the Authorization header' })
  )
});

export const ExportTicketRequest = Type.Object(
  {
    endpoint: Type.Optional(Type.Array(Type.String(), { description: 'endpoint names; absent or empty = the whole registry' })),
    include_requests: Type.Optional(Type.Boolean({ default: false })),
    compress: Type.Optional(Type.Boolean())
  },
  { additionalProperties: false }
);

export const ExportTicketBody = Type.Object({
  ticket: Type.String(),
  url: Type.String({ description: 'GET this path exactly (export options and ticket in its query), once, within a minute, without the Authorization header' }),
  expires_at: Type.String({ format: 'date-time' })
});

export const OnConflictValue = Type.Enum(['fail', 'skip', 'rename'], {
  description:
    'a version that exists here with a different model file: fail = refuse the whole import (409), ' +
    'skip = keep this registry\'s version, rename = import the bundle\'s as <version>-imported-<n> (or <version>-<rename_suffix>)'
});

export const ImportQuery = Type.Object({
  dry_run: Type.Optional(Type.Boolean({ default: false, description: 'verify the bundle and return the plan; change nothing' })),
  on_conflict: Type.Optional(OnConflictValue),
  rename_suffix: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$' })),
  allow_breaking_change: Type.Optional(
    Type.Boolean({ description: 'import algorithms that break the input contract of an endpoint already here; needs reason' })
  ),
  reason: Type.Optional(Type.String({ maxLength: 1000, description: 'why a breaking change is accepted (kept in the status history)' }))
});

const AlgorithmKey = { endpoint: Type.String(), name: Type.String(), version: Type.String() };
const TestKey = { endpoint: Type.String(), title: Type.String(), created_at: Type.String() };
const reason = Type.String({ description: 'why, in words' });
const localVersion = Type.Union([Type.String(), Type.Null()], {
  description: 'the version here: differs from version when renamed; null when not imported'
});

export const ImportConflict = Type.Object({
  ...AlgorithmKey,
  existing_sha256: Type.String(),
  bundle_sha256: Type.String(),
  resolution: OnConflictValue,
  rename_to: Type.String({ description: 'the version on_conflict=rename would use' }),
  action: Type.String({ description: 'what the chosen resolution does, in words' })
});

/**
 * What an import does with one kind of thing (issue 12 §4): every item the bundle holds is in
 * exactly one list, with the reason. added: new here; identical: already here, nothing written;
 * skipped: left out; renamed: imported under another version (a conflict resolved by rename).
 */
const planKind = <T extends TProperties, X extends TProperties = Record<never, never>>(item: T, description: string, extra?: X) => {
  const entry = Type.Object({ ...item, reason });
  return Type.Object(
    { added: Type.Array(entry), identical: Type.Array(entry), skipped: Type.Array(entry), renamed: Type.Array(entry), ...(extra ?? ({} as X)) },
    { description }
  );
};

export const ImportEndpointItem = { name: Type.String() };
export const ImportAlgorithmItem = {
  ...AlgorithmKey,
  local_version: localVersion,
  artifact_sha256: Type.String(),
  status: Type.Union([Type.String(), Type.Null()], { description: 'its active status here after the import; null when not imported' })
};
export const ImportStatusItem = {
  ...AlgorithmKey,
  local_version: localVersion,
  rows: Type.Integer({ description: 'status history rows the bundle has for this algorithm' }),
  active: Type.Union([Type.String(), Type.Null()], { description: 'the active status here after the import' })
};
export const ImportAbTestItem = { ...TestKey, state: Type.Union([Type.String(), Type.Null()], { description: 'running or stopped here; null when not imported' }) };
export const ImportReferenceProfileItem = {
  ...AlgorithmKey,
  local_version: localVersion,
  source: Type.String({ description: 'how the profile was made where it was exported: file, requests, json or bundle' })
};
export const ImportRequestItem = {
  ...AlgorithmKey,
  local_version: localVersion,
  rows: Type.Integer({ description: 'request log rows of this algorithm with this outcome' })
};

const KindCounts = Type.Object({ added: Type.Integer(), identical: Type.Integer(), skipped: Type.Integer(), renamed: Type.Integer() });

export const ImportResultBody = Type.Object({
  dry_run: Type.Boolean(),
  applied: Type.Boolean({ description: 'true when the registry was changed' }),
  format_version: Type.Integer(),
  app_version: Type.String({ description: 'ModelDesk version that wrote the bundle' }),
  created_at: Type.String({ description: 'when the bundle was written' }),
  registry_id: Type.Union([Type.String(), Type.Null()], { description: 'the registry that wrote the bundle (null before format 2)' }),
  on_conflict: OnConflictValue,
  endpoints: planKind(ImportEndpointItem, 'endpoints: an existing one is kept as it is here'),
  algorithms: planKind(ImportAlgorithmItem, 'algorithm versions, by endpoint, name and version', {
    conflicts: Type.Array(ImportConflict, { description: 'same key here with a different model file, and what on_conflict does with it' })
  }),
  statuses: planKind(ImportStatusItem, 'status history, per algorithm: a new algorithm brings its history; one already here keeps its own'),
  ab_tests: planKind(ImportAbTestItem, 'A/B tests, by endpoint, title and created_at'),
  requests: planKind(
    ImportRequestItem,
    'request log rows, per algorithm and outcome: rows of an identical algorithm are merged unless already here (same origin)'
  ),
  reference_profiles: planKind(
    ImportReferenceProfileItem,
    'drift reference profiles (issue 15), one per algorithm: an algorithm the import creates gets the bundle\'s; one already here keeps its own'
  ),
  counts: Type.Object(
    { endpoints: KindCounts, algorithms: KindCounts, statuses: KindCounts, ab_tests: KindCounts, requests: KindCounts, reference_profiles: KindCounts },
    { description: 'the lists above, counted (statuses and requests in rows)' }
  ),
  artifacts: Type.Object({ new: Type.Integer(), bytes: Type.Integer() }),
  notes: Type.Array(Type.String()),
  /** new algorithms that would break the input contract of an endpoint already here (409 unless allow_breaking_change) */
  breaking_changes: Type.Array(
    Type.Object({ ...AlgorithmKey, summary: Type.String(), differences: Type.Array(ContractDifference) })
  )
});

export type ExportQuery = Static<typeof ExportQuery>;
export type ExportTicket = Static<typeof ExportTicketBody>;
export type ImportQuery = Static<typeof ImportQuery>;
export type OnConflict = Static<typeof OnConflictValue>;
export type ImportConflict = Static<typeof ImportConflict>;
export type ImportResult = Static<typeof ImportResultBody>;
export type PlanKindName = 'endpoints' | 'algorithms' | 'statuses' | 'ab_tests' | 'requests' | 'reference_profiles';
export type PlanOutcome = 'added' | 'identical' | 'skipped' | 'renamed';
export const planOutcomes: readonly PlanOutcome[] = ['added', 'identical', 'skipped', 'renamed'];
export type ImportEndpointEntry = ImportResult['endpoints']['added'][number];
export type ImportAlgorithmEntry = ImportResult['algorithms']['added'][number];
export type ImportStatusEntry = ImportResult['statuses']['added'][number];
export type ImportAbTestEntry = ImportResult['ab_tests']['added'][number];
export type ImportRequestEntry = ImportResult['requests']['added'][number];
export type ImportReferenceProfileEntry = ImportResult['reference_profiles']['added'][number];
export type PlanKind<T> = Record<PlanOutcome, T[]>;
export type PlanCounts = ImportResult['counts'];

/** The lists of a plan, counted: items, except statuses and requests, which count rows. */
export function countPlan(plan: Pick<ImportResult, PlanKindName>): PlanCounts {
  const size = (item: object) => ('rows' in item && typeof item.rows === 'number' ? item.rows : 1);
  const count = (kind: PlanKind<object>) =>
    Object.fromEntries(planOutcomes.map((o) => [o, kind[o].reduce((n, item) => n + size(item), 0)])) as Record<PlanOutcome, number>;
  return {
    endpoints: count(plan.endpoints),
    algorithms: count(plan.algorithms),
    statuses: count(plan.statuses),
    ab_tests: count(plan.ab_tests),
    requests: count(plan.requests),
    reference_profiles: count(plan.reference_profiles)
  };
}
