import type Database from 'better-sqlite3';
import type { ImportRequestEntry, PlanKind, PlanOutcome } from '../../contract/bundles.ts';
import type { Manifest, RequestLine, RequestOrigin } from './manifest-schema.ts';
import { emptyKind, type Decisions } from './plan.ts';
import { refKey } from './validate.ts';

/**
 * Which request rows of a bundle an import writes (issue 12 §4). Rows follow their algorithm:
 * those of an algorithm the import creates come with it; those of an algorithm already here
 * (same model file, name and version) are merged unless already here. A row is known by its
 * origin, the registry where it was first logged and its id there, which bundles carry from
 * format 2 on and imported rows keep (requests.origin), so no row is ever counted twice,
 * whichever bundle brings it and however often.
 */

/** requests.origin of a row imported with this origin */
export const originText = (o: RequestOrigin): string => `${o.registry_id}:${o.request_id}`;

/** The origin a row goes out with: its own if it was imported, else this registry and its id. */
export function originOf(row: { id: number; origin: string | null }, registryId: string): RequestOrigin {
  if (row.origin) {
    const at = row.origin.lastIndexOf(':');
    return { registry_id: row.origin.slice(0, at), request_id: Number(row.origin.slice(at + 1)) };
  }
  return { registry_id: registryId, request_id: row.id };
}

/** Answers "is this bundle row already in this registry?" with two indexed lookups. */
export class OriginLookup {
  private readonly imported: Database.Statement;
  private readonly own: Database.Statement;

  constructor(sqlite: Database.Database, private readonly registryId: string) {
    this.imported = sqlite.prepare('select 1 from requests where origin = ?').pluck();
    // a row logged here: same id and time (a copied data dir shares the registry id, but not its later rows)
    this.own = sqlite.prepare('select 1 from requests where id = ? and created_at = ? and origin is null').pluck();
  }

  present(origin: RequestOrigin, createdAt: string): boolean {
    if (origin.registry_id === this.registryId && this.own.get(origin.request_id, createdAt) !== undefined) return true;
    return this.imported.get(originText(origin)) !== undefined;
  }
}

/** What happens to one row: where it goes, or why not. */
export type RowFate =
  | { outcome: 'added' | 'renamed'; reason: string; localVersion: string }
  | { outcome: 'identical' | 'skipped'; reason: string; localVersion: string | null };

type Policy = { kind: 'insert'; localVersion: string; renamed: boolean } | { kind: 'merge'; localVersion: string } | { kind: 'none'; reason: string };

/** The import's decisions, per bundle algorithm, as rules for its rows. */
export class RequestPlanner {
  private readonly policies = new Map<string, Policy>();
  private readonly tally = new Map<string, ImportRequestEntry & { outcome: PlanOutcome }>();

  constructor(
    manifest: Manifest,
    decisions: Decisions,
    private readonly lookup: OriginLookup
  ) {
    for (const a of manifest.algorithms) {
      const key = refKey(a);
      const inserted = decisions.inserts.get(key);
      const existing = decisions.existing.get(key);
      if (inserted) this.policies.set(key, { kind: 'insert', localVersion: inserted.version, renamed: inserted.version !== a.version });
      else if (existing) this.policies.set(key, { kind: 'merge', localVersion: existing.version });
      else this.policies.set(key, { kind: 'none', reason: `their algorithm is not imported: ${decisions.notImported.get(key) ?? 'see algorithms'}` });
    }
  }

  /** Decides one row and counts it. `seen`: origins written earlier in the same statement batch. */
  fate(line: RequestLine, seen?: ReadonlySet<string>): RowFate {
    const fate = this.decide(line, seen);
    this.count(line, fate);
    return fate;
  }

  /** The rows decided so far, per algorithm and outcome. */
  report(): PlanKind<ImportRequestEntry> {
    const kind = emptyKind<ImportRequestEntry>();
    for (const { outcome, ...entry } of this.tally.values()) kind[outcome].push(entry);
    return kind;
  }

  private decide(line: RequestLine, seen: ReadonlySet<string> | undefined): RowFate {
    const policy = this.policies.get(refKey(line.algorithm))!;
    if (policy.kind === 'none') return { outcome: 'skipped', reason: policy.reason, localVersion: null };
    const { origin } = line;
    if (origin && (seen?.has(originText(origin)) || this.lookup.present(origin, line.created_at))) {
      return { outcome: 'identical', reason: 'already here: a row with the same origin (registry and request id) was logged or imported before', localVersion: policy.localVersion };
    }
    if (policy.kind === 'insert') {
      return policy.renamed
        ? { outcome: 'renamed', reason: `they follow their algorithm, imported as version "${policy.localVersion}"`, localVersion: policy.localVersion }
        : { outcome: 'added', reason: 'they come with their new algorithm', localVersion: policy.localVersion };
    }
    if (!origin) {
      return {
        outcome: 'skipped',
        reason:
          'the bundle (format 1) does not record where its rows were first logged, so rows of an algorithm already here cannot be told ' +
          'from rows it already has; export the bundle again with this ModelDesk to merge them',
        localVersion: policy.localVersion
      };
    }
    return { outcome: 'added', reason: 'merged: the same model file, name and version are here, and these rows are not', localVersion: policy.localVersion };
  }

  private count(line: RequestLine, fate: RowFate): void {
    const { endpoint, name, version } = line.algorithm;
    const key = JSON.stringify([endpoint, name, version, fate.outcome, fate.reason]);
    const entry = this.tally.get(key);
    if (entry) entry.rows += 1;
    else this.tally.set(key, { endpoint, name, version, local_version: fate.localVersion, rows: 1, reason: fate.reason, outcome: fate.outcome });
  }
}
