import type { AlgorithmRef, Manifest, ManifestAbTest, ManifestAlgorithm } from './manifest-schema.ts';
import { abTestKey, refKey } from './validate.ts';

/**
 * What an import would do, decided from the manifest and the importing registry alone (pure:
 * no I/O, so the rules are unit-tested directly). The same function runs again inside the
 * import transaction to prove the registry did not change in between.
 */

export type OnConflict = 'fail' | 'skip' | 'rename';

/** The importing registry, reduced to what the plan compares. */
export interface TargetState {
  endpoints: string[];
  algorithms: (AlgorithmRef & { sha256: string })[];
  /** endpoint name → its active production algorithm */
  production: Map<string, { name: string; version: string }>;
  abTests: { endpoint: string; title: string; created_at: string; state: 'running' | 'stopped' }[];
}

export interface PlanOptions {
  onConflict: OnConflict;
  /** rename as `<version>-<suffix>` instead of `<version>-imported-<n>` */
  renameSuffix?: string;
  /** the import's timestamp (ended_at of tests stopped on import) */
  now: string;
}

export interface Conflict extends AlgorithmRef {
  existing_sha256: string;
  bundle_sha256: string;
  resolution: OnConflict;
  /** the version `rename` uses, whatever the chosen resolution, so a dry run shows the choice */
  rename_to: string;
  /** what the chosen resolution does, in words */
  action: string;
}

export interface ImportReport {
  endpoints: { new: string[]; identical: string[] };
  algorithms: {
    new: (AlgorithmRef & { artifact_sha256: string; status: string })[];
    /** local_version differs from version when an earlier import renamed it */
    identical: (AlgorithmRef & { local_version: string })[];
    conflicts: Conflict[];
  };
  ab_tests: {
    new: { endpoint: string; title: string; created_at: string; state: string }[];
    identical: { endpoint: string; title: string; created_at: string }[];
    skipped: { endpoint: string; title: string; created_at: string; reason: string }[];
  };
  notes: string[];
}

export interface Insert {
  algorithm: ManifestAlgorithm;
  /** version on this machine (differs when renamed) */
  version: string;
  /** set when the bundle's active production must become staging here, with the reason */
  demoteReason: string | null;
}

export interface TestInsert {
  test: ManifestAbTest;
  state: 'running' | 'stopped';
  endedAt: string | null;
  summary: string | null;
}

export interface Decisions {
  newEndpoints: string[];
  /** by bundle refKey */
  inserts: Map<string, Insert>;
  /** bundle refKey → the local algorithm it is identical to */
  existing: Map<string, AlgorithmRef>;
  tests: TestInsert[];
  conflictsRefused: Conflict[];
}

export function planImport(m: Manifest, target: TargetState, options: PlanOptions): { decisions: Decisions; report: ImportReport } {
  const report: ImportReport = {
    endpoints: { new: [], identical: [] },
    algorithms: { new: [], identical: [], conflicts: [] },
    ab_tests: { new: [], identical: [], skipped: [] },
    notes: []
  };
  const decisions: Decisions = { newEndpoints: [], inserts: new Map(), existing: new Map(), tests: [], conflictsRefused: [] };

  const knownEndpoints = new Set(target.endpoints);
  for (const e of m.endpoints) {
    (knownEndpoints.has(e.name) ? report.endpoints.identical : report.endpoints.new).push(e.name);
    if (!knownEndpoints.has(e.name)) decisions.newEndpoints.push(e.name);
  }

  // versions taken per (endpoint, name), here and in the bundle, with their model hash
  const taken = new Map<string, Map<string, string>>();
  const versionsOf = (endpoint: string, name: string) => {
    const k = JSON.stringify([endpoint, name]);
    if (!taken.has(k)) taken.set(k, new Map());
    return taken.get(k)!;
  };
  for (const a of target.algorithms) versionsOf(a.endpoint, a.name).set(a.version, a.sha256);
  const local = new Map(target.algorithms.map((a) => [refKey(a), a.sha256]));
  for (const a of m.algorithms) if (!local.has(refKey(a))) versionsOf(a.endpoint, a.name).set(a.version, a.artifact_sha256);

  const activeStatus = new Map(m.statuses.filter((s) => s.active).map((s) => [refKey(s.algorithm), s.status]));
  const insert = (a: ManifestAlgorithm, version: string) => {
    const current = target.production.get(a.endpoint);
    const status = activeStatus.get(refKey(a)) ?? 'testing';
    const demoteReason =
      status === 'production' && current
        ? `imported as staging: "${current.name}" version "${current.version}" is already in production on this endpoint`
        : null;
    decisions.inserts.set(refKey(a), { algorithm: a, version, demoteReason });
    report.algorithms.new.push({ endpoint: a.endpoint, name: a.name, version, artifact_sha256: a.artifact_sha256, status: demoteReason ? 'staging' : status });
    if (demoteReason) report.notes.push(`"${a.endpoint}/${a.name}" version "${version}" was production in the bundle; ${demoteReason}`);
  };

  for (const a of m.algorithms) {
    const existingSha = local.get(refKey(a));
    if (existingSha === undefined) {
      insert(a, a.version);
      continue;
    }
    if (existingSha === a.artifact_sha256) {
      decisions.existing.set(refKey(a), a);
      report.algorithms.identical.push({ endpoint: a.endpoint, name: a.name, version: a.version, local_version: a.version });
      continue;
    }
    const versions = versionsOf(a.endpoint, a.name);
    const rename = renameTarget(a, versions, options.renameSuffix, (version) => local.has(refKey({ ...a, version })));
    if (rename.alreadyImported) {
      decisions.existing.set(refKey(a), { ...a, version: rename.version });
      report.algorithms.identical.push({ endpoint: a.endpoint, name: a.name, version: a.version, local_version: rename.version });
      continue;
    }
    const conflict: Conflict = {
      endpoint: a.endpoint,
      name: a.name,
      version: a.version,
      existing_sha256: existingSha,
      bundle_sha256: a.artifact_sha256,
      resolution: options.onConflict,
      rename_to: rename.version,
      action: {
        fail: `refuses the import: this registry has a different model as "${a.name}" version "${a.version}"`,
        skip: `keeps this registry's "${a.name}" version "${a.version}" and does not import the bundle's`,
        rename: `imports the bundle's model as version "${rename.version}"`
      }[options.onConflict]
    };
    report.algorithms.conflicts.push(conflict);
    if (options.onConflict === 'fail') decisions.conflictsRefused.push(conflict);
    if (options.onConflict === 'rename') {
      versions.set(rename.version, a.artifact_sha256);
      insert(a, rename.version);
    }
  }

  planTests(m, target, options, decisions, report);
  return { decisions, report };
}

/** `<version>-imported-<n>` (or `<version>-<suffix>[-<n>]`): the first free one, or one already holding this model. */
function renameTarget(
  a: ManifestAlgorithm,
  versions: Map<string, string>,
  suffix: string | undefined,
  isLocal: (version: string) => boolean
) {
  for (let n = 1; ; n++) {
    const version = suffix ? `${a.version}-${suffix}${n > 1 ? `-${n}` : ''}` : `${a.version}-imported-${n}`;
    const sha = versions.get(version);
    if (sha === undefined) return { version, alreadyImported: false };
    // an earlier import (rename) already brought this very model in: importing again changes nothing
    if (sha === a.artifact_sha256 && isLocal(version)) return { version, alreadyImported: true };
  }
}

/**
 * A test comes along when every arm is imported or already here (a test whose arm is a
 * different model here would describe an experiment that never ran on these models). A
 * running test stays running unless the endpoint already runs one, then it is imported
 * stopped, with a summary saying why (at most one running test per endpoint).
 */
function planTests(m: Manifest, target: TargetState, options: PlanOptions, decisions: Decisions, report: ImportReport) {
  const present = new Set(target.abTests.map((t) => abTestKey(t.endpoint, t.title, t.created_at)));
  const running = new Set(target.abTests.filter((t) => t.state === 'running').map((t) => t.endpoint));
  for (const test of m.ab_tests) {
    const id = { endpoint: test.endpoint, title: test.title, created_at: test.created_at };
    if (present.has(abTestKey(test.endpoint, test.title, test.created_at))) {
      report.ab_tests.identical.push(id);
      continue;
    }
    const missing = test.arms.find((arm) => !decisions.inserts.has(refKey(arm.algorithm)) && !decisions.existing.has(refKey(arm.algorithm)));
    if (missing) {
      const { name, version } = missing.algorithm;
      report.ab_tests.skipped.push({ ...id, reason: `arm "${name}" version "${version}" is a different model in this registry and is not imported` });
      continue;
    }
    let state = test.state;
    let endedAt = test.ended_at;
    let summary = test.summary;
    if (state === 'running' && running.has(test.endpoint)) {
      state = 'stopped';
      endedAt = options.now;
      summary = summary ?? `Stopped on import: endpoint "${test.endpoint}" already had a running A/B test.`;
      report.notes.push(`A/B test "${test.title}" was running in the bundle; imported as stopped because "${test.endpoint}" already runs a test here`);
    }
    if (state === 'running') running.add(test.endpoint);
    decisions.tests.push({ test, state, endedAt, summary });
    report.ab_tests.new.push({ ...id, state });
  }
}
