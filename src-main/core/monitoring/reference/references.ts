import type Database from 'better-sqlite3';
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../../../db/open.ts';
import { referenceProfiles } from '../../../../db/schema.ts';
import type { ReferenceSource, ReferenceSummary } from '../../../contract/monitoring.ts';
import { nowIso } from '../../clock.ts';
import { invalidInput, notFound } from '../../errors.ts';
import type { CoreEvents } from '../../events.ts';
import type { OnnxModel } from '../../inference/index.ts';
import type { Registry } from '../../registry/registry.ts';
import type { Algorithm } from '../../registry/types.ts';
import type { WriteGate } from '../../storage/write-gate.ts';
import { monitoredColumns } from '../columns.ts';
import { parseProfile, type ReferenceProfile } from '../drift/index.ts';
import { profileFromFile, type SkipRecord } from './profile-from-file.ts';
import { profileFromRequests, type LogRange } from './profile-from-requests.ts';
import type { StoredRows } from '../stored-rows.ts';

type Row = typeof referenceProfiles.$inferSelect;

/**
 * A file that is not an uploaded training file (a job's result, issue #16): its source, what the
 * description calls it, the columns its writer added (not listed as unused), rows to leave out,
 * and a last check of the rows read before anything is stored.
 */
export interface FileOrigin {
  source: ReferenceSource;
  title: string;
  addedColumns: readonly string[];
  skip?: { record: SkipRecord; what: string };
  /** throws when the file is not what it should be (rows read, skipped ones included) */
  verify?: (rowsRead: number) => void;
}

/** A model to score a reference file with, and the hand-back once done. */
export type ModelLease = (algorithm: Algorithm) => { model: Promise<OnnxModel>; release(): void };

/**
 * Reference profiles per algorithm version (issue #15): set from a training file, from a range of
 * the version's own logged requests ("re-baseline now" is the window ending now), or from a
 * profile document (the API, registry bundles). A profile is checked whole before anything is
 * written, then stored in one transaction that retires the version's previous profile; it is
 * applied to the version's last 30 days of logged requests in the background (backfill.ts).
 * Every change is announced as `reference.changed`.
 */
export class References {
  constructor(
    private readonly db: Db,
    private readonly sqlite: Database.Database,
    private readonly writes: WriteGate,
    private readonly registry: Registry,
    private readonly lease: ModelLease,
    private readonly events: CoreEvents,
    /** the log's records and answers, read through the row codec (profiles from requests) */
    private readonly stored: StoredRows
  ) {}

  /** The version's profiles, the active one first, then newest first. */
  list(algorithmId: number): ReferenceSummary[] {
    this.registry.getAlgorithm(algorithmId);
    return this.db
      .select()
      .from(referenceProfiles)
      .where(eq(referenceProfiles.algorithmId, algorithmId))
      .orderBy(desc(referenceProfiles.active), desc(referenceProfiles.id))
      .all()
      .map(summaryOf);
  }

  get(id: number): { summary: ReferenceSummary; profile: ReferenceProfile } {
    const row = this.db.select().from(referenceProfiles).where(eq(referenceProfiles.id, id)).get();
    if (!row) throw notFound(`reference profile ${id} not found`);
    return { summary: summaryOf(row), profile: row.profile as ReferenceProfile };
  }

  /** The version's active profile, or null. */
  active(algorithmId: number): { summary: ReferenceSummary; profile: ReferenceProfile } | null {
    const row = this.db
      .select()
      .from(referenceProfiles)
      .where(and(eq(referenceProfiles.algorithmId, algorithmId), eq(referenceProfiles.active, true)))
      .get();
    return row ? { summary: summaryOf(row), profile: row.profile as ReferenceProfile } : null;
  }

  /** From a training file (CSV or JSON Lines), every row scored by the version's model. */
  async fromFile(algorithmId: number, name: string, source: AsyncIterable<Uint8Array>, createdBy = '', origin?: FileOrigin): Promise<ReferenceSummary> {
    const algorithm = this.algorithm(algorithmId);
    const { model, release } = this.lease(algorithm);
    let built;
    try {
      built = await profileFromFile(algorithm, await model, name, source, origin?.skip?.record);
    } finally {
      release();
    }
    const sampled = built.scored < built.rows && built.profile.predictions.length ? `, predictions from ${built.scored} of them` : '';
    const unused = built.ignoredColumns.filter((c) => !origin?.addedColumns.includes(c));
    const ignored = unused.length ? `; columns not used: ${unused.join(', ')}` : '';
    origin?.verify?.(built.rows + built.skipped);
    const left = built.skipped && origin?.skip ? `; ${built.skipped} ${origin.skip.what} left out` : '';
    const description = `${origin?.title ?? (name || 'uploaded file')} (${built.rows} rows${sampled}${left}${ignored})`;
    return this.store(algorithm, built.profile, origin?.source ?? 'file', description, createdBy);
  }

  /** From the version's own logged requests in a time range (the window ending now: re-baseline). */
  async fromRequests(algorithmId: number, range: LogRange, createdBy = ''): Promise<ReferenceSummary> {
    const algorithm = this.algorithm(algorithmId);
    const built = await profileFromRequests(this.sqlite, algorithm, range, this.stored);
    const description = `requests ${range.from} – ${range.to} (${built.rows} rows)`;
    return this.store(algorithm, built.profile, 'requests', description, createdBy);
  }

  /** A profile document as is (the API's JSON, a registry bundle), checked against the version's model. */
  fromProfile(algorithmId: number, doc: unknown, createdBy = '', source: ReferenceSource = 'json', description = 'profile document'): Promise<ReferenceSummary> {
    const algorithm = this.algorithm(algorithmId);
    const profile = parseProfile(doc);
    checkFits(algorithm, profile);
    return this.store(algorithm, profile, source, description, createdBy);
  }

  private algorithm(id: number): Algorithm {
    try {
      return this.registry.getAlgorithm(id);
    } catch {
      throw notFound(`algorithm ${id} not found: a reference profile belongs to a registered algorithm version`, 'algorithm');
    }
  }

  /**
   * One transaction (through the write gate): the previous active profile retires, this one
   * becomes active. Rows logged until now are the backfill's (if the version has any), later ones
   * the aggregator's.
   */
  private async store(algorithm: Algorithm, profile: ReferenceProfile, source: ReferenceSource, description: string, createdBy: string): Promise<ReferenceSummary> {
    // the same profile from the same source again (a second click, a retried call) changes nothing:
    // no second identical entry in the version's history, and its drift is not counted over again
    const active = this.active(algorithm.id);
    if (
      active &&
      active.summary.source === source &&
      active.summary.description === description.slice(0, 2000) &&
      JSON.stringify(active.profile) === JSON.stringify(profile)
    ) {
      return active.summary;
    }
    const row = await this.writes.transaction(`the reference profile of algorithm ${algorithm.id}`, (tx) => {
      const last = (this.sqlite.prepare('select max(id) from requests').pluck().get() as number | null) ?? 0;
      const logged = this.sqlite.prepare('select 1 from requests where algorithm_id = ? limit 1').pluck().get(algorithm.id) !== undefined;
      tx.update(referenceProfiles)
        .set({ active: false })
        .where(and(eq(referenceProfiles.algorithmId, algorithm.id), eq(referenceProfiles.active, true)))
        .run();
      return tx
        .insert(referenceProfiles)
        .values({
          algorithmId: algorithm.id,
          active: true,
          source,
          description: description.slice(0, 2000),
          profile,
          liveFromId: last,
          backfillAfterId: logged ? 0 : null,
          createdBy,
          createdAt: nowIso()
        })
        .returning()
        .get();
    });
    const summary = summaryOf(row);
    this.events.emit('reference.changed', { algorithmId: algorithm.id, reference: summary });
    return summary;
  }
}

/** A profile must describe the version it is set for: its features and outputs, of the same kinds. */
function checkFits(algorithm: Algorithm, profile: ReferenceProfile): void {
  const columns = monitoredColumns(algorithm);
  const check = (list: ReferenceProfile['features'], expected: typeof columns.features, what: string) => {
    for (const column of list) {
      const spec = expected.find((c) => c.name === column.name);
      if (!spec) {
        const known = expected.map((c) => c.name).join(', ') || 'none';
        throw invalidInput(`the profile's ${what} "${column.name}" is not one of algorithm ${algorithm.id}'s (${known})`, 'profile');
      }
      if (spec.kind !== column.kind) throw invalidInput(`the profile's ${what} "${column.name}" is ${column.kind}, the model's is ${spec.kind}`, 'profile');
    }
  };
  check(profile.features, columns.features, 'feature');
  check(profile.predictions, columns.predictions, 'prediction column');
  if (profile.features.length === 0 && profile.predictions.length === 0) throw invalidInput('the profile has no columns', 'profile');
}

export function summaryOf(row: Row): ReferenceSummary {
  const profile = row.profile as ReferenceProfile;
  return {
    id: row.id,
    algorithm_id: row.algorithmId,
    active: row.active,
    source: row.source,
    description: row.description,
    rows: profile.row_count,
    features: profile.features.map((f) => f.name),
    predictions: profile.predictions.map((f) => f.name),
    backfilling: row.active && row.backfillAfterId !== null,
    created_by: row.createdBy,
    created_at: row.createdAt
  };
}
