import type {
  ImportAbTestEntry,
  ImportAlgorithmEntry,
  ImportConflict,
  ImportEndpointEntry,
  ImportReferenceProfileEntry,
  ImportStatusEntry,
  PlanKind
} from '../../contract/bundles.ts';
import type { AlgorithmRef, Manifest, ManifestAbTest, ManifestAlgorithm } from './manifest-schema.ts';
import { planProfiles } from './reference-profiles.ts';
import { abTestKey, refKey } from './validate.ts';

/**
 * What an import would do, decided from the manifest and the importing registry alone (pure:
 * no I/O, so the rules are unit-tested directly). The same function runs again inside the
 * import transaction to prove the registry did not change in between. The request rows are
 * planned as the request log streams past (request-merge.ts), from these decisions.
 */

export type OnConflict = 'fail' | 'skip' | 'rename';
export type Conflict = ImportConflict;

/** The importing registry, reduced to what the plan compares. */
export interface TargetState {
  endpoints: string[];
  /** status: the algorithm's active status here */
  algorithms: (AlgorithmRef & { sha256: string; status: string | null })[];
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

export interface ImportReport {
  endpoints: PlanKind<ImportEndpointEntry>;
  algorithms: PlanKind<ImportAlgorithmEntry> & { conflicts: Conflict[] };
  statuses: PlanKind<ImportStatusEntry>;
  ab_tests: PlanKind<ImportAbTestEntry>;
  reference_profiles: PlanKind<ImportReferenceProfileEntry>;
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
  /** bundle refKey → why it is not imported (a conflict kept or refused) */
  notImported: Map<string, string>;
  tests: TestInsert[];
  conflictsRefused: Conflict[];
}

export const emptyKind = <T>(): PlanKind<T> => ({ added: [], identical: [], skipped: [], renamed: [] });

export function planImport(m: Manifest, target: TargetState, options: PlanOptions): { decisions: Decisions; report: ImportReport } {
  const report: ImportReport = {
    endpoints: emptyKind(),
    algorithms: { ...emptyKind(), conflicts: [] },
    statuses: emptyKind(),
    ab_tests: emptyKind(),
    reference_profiles: emptyKind(),
    notes: []
  };
  const decisions: Decisions = { newEndpoints: [], inserts: new Map(), existing: new Map(), notImported: new Map(), tests: [], conflictsRefused: [] };

  const knownEndpoints = new Set(target.endpoints);
  for (const e of m.endpoints) {
    if (knownEndpoints.has(e.name)) {
      report.endpoints.identical.push({ name: e.name, reason: 'already here: its description and owner here are kept' });
    } else {
      report.endpoints.added.push({ name: e.name, reason: 'new here' });
      decisions.newEndpoints.push(e.name);
    }
  }
  planAlgorithms(m, target, options, decisions, report);
  planStatuses(m, target, decisions, report);
  planTests(m, target, options, decisions, report);
  report.reference_profiles = planProfiles(m, decisions);
  return { decisions, report };
}

function planAlgorithms(m: Manifest, target: TargetState, options: PlanOptions, decisions: Decisions, report: ImportReport): void {
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
  const entry = (a: ManifestAlgorithm, localVersion: string | null, status: string | null, reason: string): ImportAlgorithmEntry => ({
    endpoint: a.endpoint, name: a.name, version: a.version, local_version: localVersion, artifact_sha256: a.artifact_sha256, status, reason
  });
  const insert = (a: ManifestAlgorithm, version: string, outcome: 'added' | 'renamed', why: string) => {
    const current = target.production.get(a.endpoint);
    const status = activeStatus.get(refKey(a)) ?? 'testing';
    const demoteReason =
      status === 'production' && current
        ? `imported as staging: "${current.name}" version "${current.version}" is already in production on this endpoint`
        : null;
    decisions.inserts.set(refKey(a), { algorithm: a, version, demoteReason });
    report.algorithms[outcome].push(entry(a, version, demoteReason ? 'staging' : status, demoteReason ? `${why}; ${demoteReason}` : why));
  };

  for (const a of m.algorithms) {
    const existingSha = local.get(refKey(a));
    if (existingSha === undefined) {
      insert(a, a.version, 'added', 'new here');
      continue;
    }
    if (existingSha === a.artifact_sha256) {
      decisions.existing.set(refKey(a), a);
      report.algorithms.identical.push(entry(a, a.version, localStatus(target, a), 'the same model file (SHA-256) is here under this name and version'));
      continue;
    }
    const versions = versionsOf(a.endpoint, a.name);
    const rename = renameTarget(a, versions, options.renameSuffix, (version) => local.has(refKey({ ...a, version })));
    if (rename.alreadyImported) {
      decisions.existing.set(refKey(a), { ...a, version: rename.version });
      const why = `an earlier import brought this model file in as version "${rename.version}"`;
      report.algorithms.identical.push(entry(a, rename.version, localStatus(target, { ...a, version: rename.version }), why));
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
    if (options.onConflict === 'fail') {
      decisions.conflictsRefused.push(conflict);
      decisions.notImported.set(refKey(a), 'a different model file is registered here under this name and version (on_conflict=fail refuses the import)');
    }
    if (options.onConflict === 'skip') {
      const why = 'a different model file is registered here under this name and version; on_conflict=skip keeps this registry\'s';
      decisions.notImported.set(refKey(a), why);
      report.algorithms.skipped.push(entry(a, null, null, why));
    }
    if (options.onConflict === 'rename') {
      versions.set(rename.version, a.artifact_sha256);
      insert(a, rename.version, 'renamed', `a different model file is registered here as version "${a.version}"; on_conflict=rename imports this one as "${rename.version}"`);
    }
  }
}

const localStatus = (target: TargetState, ref: AlgorithmRef) => target.algorithms.find((t) => refKey(t) === refKey(ref))?.status ?? null;

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
 * Status history, per algorithm: a new (or renamed) algorithm brings its whole history; one
 * already here keeps its own (an import never changes a status here), which is "identical"
 * when its active status is the bundle's and "skipped" (with both statuses) when not.
 */
function planStatuses(m: Manifest, target: TargetState, decisions: Decisions, report: ImportReport): void {
  const rows = new Map<string, number>();
  const active = new Map<string, string>();
  for (const s of m.statuses) {
    rows.set(refKey(s.algorithm), (rows.get(refKey(s.algorithm)) ?? 0) + 1);
    if (s.active) active.set(refKey(s.algorithm), s.status);
  }
  for (const a of m.algorithms) {
    const key = refKey(a);
    const item = (localVersion: string | null, status: string | null, reason: string): ImportStatusEntry => ({
      endpoint: a.endpoint, name: a.name, version: a.version, local_version: localVersion, rows: rows.get(key) ?? 0, active: status, reason
    });
    const inserted = decisions.inserts.get(key);
    const existing = decisions.existing.get(key);
    if (inserted) {
      const renamed = inserted.version !== a.version;
      const status = inserted.demoteReason ? 'staging' : (active.get(key) ?? 'testing');
      const why = inserted.demoteReason
        ? `the history comes with its algorithm and ends ${inserted.demoteReason}`
        : `the history comes with its ${renamed ? `algorithm, imported as version "${inserted.version}"` : 'new algorithm'}`;
      report.statuses[renamed ? 'renamed' : 'added'].push(item(inserted.version, status, why));
    } else if (existing) {
      const here = localStatus(target, existing);
      if (here === active.get(key)) {
        report.statuses.identical.push(item(existing.version, here, `the algorithm is here with the same active status ("${here}"); its history here is kept`));
      } else {
        const why = `the algorithm is already here: its status here ("${here}") is kept, an import never changes it (the bundle says "${active.get(key)}")`;
        report.statuses.skipped.push(item(existing.version, here, why));
      }
    } else {
      report.statuses.skipped.push(item(null, null, `its algorithm is not imported: ${decisions.notImported.get(key) ?? 'see algorithms'}`));
    }
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
      report.ab_tests.identical.push({ ...id, state: null, reason: 'a test on this endpoint with this title and start time is already here' });
      continue;
    }
    const missing = test.arms.find((arm) => !decisions.inserts.has(refKey(arm.algorithm)) && !decisions.existing.has(refKey(arm.algorithm)));
    if (missing) {
      const { name, version } = missing.algorithm;
      report.ab_tests.skipped.push({ ...id, state: null, reason: `arm "${name}" version "${version}" is a different model in this registry and is not imported` });
      continue;
    }
    let state = test.state;
    let endedAt = test.ended_at;
    let summary = test.summary;
    let reason = 'new here';
    if (state === 'running' && running.has(test.endpoint)) {
      state = 'stopped';
      endedAt = options.now;
      summary = summary ?? `Stopped on import: endpoint "${test.endpoint}" already had a running A/B test.`;
      reason = `running in the bundle; imported as stopped because "${test.endpoint}" already runs a test here`;
      report.notes.push(`A/B test "${test.title}" was running in the bundle; imported as stopped because "${test.endpoint}" already runs a test here`);
    }
    if (state === 'running') running.add(test.endpoint);
    decisions.tests.push({ test, state, endedAt, summary });
    const renamedArm = test.arms.some((arm) => decisions.inserts.get(refKey(arm.algorithm))?.version !== arm.algorithm.version && decisions.inserts.has(refKey(arm.algorithm)));
    report.ab_tests.added.push({ ...id, state, reason: renamedArm ? `${reason}; an arm follows its renamed algorithm` : reason });
  }
}
