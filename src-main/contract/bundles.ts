import { Type, type Static } from 'typebox';
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

export const ImportConflict = Type.Object({
  ...AlgorithmKey,
  existing_sha256: Type.String(),
  bundle_sha256: Type.String(),
  resolution: OnConflictValue,
  rename_to: Type.String({ description: 'the version on_conflict=rename would use' }),
  action: Type.String({ description: 'what the chosen resolution does, in words' })
});

export const ImportResultBody = Type.Object({
  dry_run: Type.Boolean(),
  applied: Type.Boolean({ description: 'true when the registry was changed' }),
  format_version: Type.Integer(),
  app_version: Type.String({ description: 'ModelDesk version that wrote the bundle' }),
  created_at: Type.String({ description: 'when the bundle was written' }),
  on_conflict: OnConflictValue,
  endpoints: Type.Object({ new: Type.Array(Type.String()), identical: Type.Array(Type.String()) }),
  algorithms: Type.Object({
    new: Type.Array(
      Type.Object({
        ...AlgorithmKey,
        artifact_sha256: Type.String(),
        status: Type.String({ description: 'active status after import' })
      })
    ),
    identical: Type.Array(
      Type.Object({ ...AlgorithmKey, local_version: Type.String({ description: 'differs when an earlier import renamed it' }) })
    ),
    conflicts: Type.Array(ImportConflict)
  }),
  ab_tests: Type.Object({
    new: Type.Array(Type.Object({ ...TestKey, state: Type.String() })),
    identical: Type.Array(Type.Object(TestKey)),
    skipped: Type.Array(Type.Object({ ...TestKey, reason: Type.String() }))
  }),
  requests: Type.Integer({ description: 'request log rows imported (or that a dry run would import)' }),
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
