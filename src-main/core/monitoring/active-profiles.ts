import type Database from 'better-sqlite3';
import type { Algorithm } from '../registry/types.ts';
import { monitoredColumns, type MonitoredColumns } from './columns.ts';
import type { ReferenceProfile } from './drift/index.ts';

/** A profile the aggregator counts logged rows into. */
export interface ActiveProfile {
  id: number;
  algorithmId: number;
  /** rows with a larger id are counted live; the others belong to the backfill */
  liveFromId: number;
  /** null when the backfill is done */
  backfillAfterId: number | null;
  profile: ReferenceProfile;
  columns: MonitoredColumns;
}

/**
 * The active reference profile of each algorithm, as the aggregator needs it. Re-read from
 * reference_profiles before each pass (one small query), so a profile set by another process
 * (the CLI while a server runs) is picked up too; a profile's JSON is parsed once per id.
 */
export class ActiveProfiles {
  private byAlgorithm = new Map<number, ActiveProfile>();
  private readonly parsed = new Map<number, ReferenceProfile>();
  private readonly list: Database.Statement;
  private readonly load: Database.Statement;

  constructor(
    sqlite: Database.Database,
    private readonly algorithmOf: (id: number) => Algorithm
  ) {
    this.list = sqlite.prepare(
      'select id, algorithm_id as algorithmId, live_from_id as liveFromId, backfill_after_id as backfillAfterId from reference_profiles where active = 1'
    );
    this.load = sqlite.prepare('select profile from reference_profiles where id = ?').pluck();
  }

  refresh(): void {
    const rows = this.list.all() as { id: number; algorithmId: number; liveFromId: number; backfillAfterId: number | null }[];
    const next = new Map<number, ActiveProfile>();
    for (const row of rows) {
      next.set(row.algorithmId, { ...row, profile: this.profile(row.id), columns: monitoredColumns(this.algorithmOf(row.algorithmId)) });
    }
    this.byAlgorithm = next;
  }

  get(algorithmId: number): ActiveProfile | undefined {
    return this.byAlgorithm.get(algorithmId);
  }

  all(): ActiveProfile[] {
    return [...this.byAlgorithm.values()];
  }

  get size(): number {
    return this.byAlgorithm.size;
  }

  /** Any stored profile by id (stored profiles never change), parsed once. */
  profile(id: number): ReferenceProfile {
    let profile = this.parsed.get(id);
    if (!profile) {
      const text = this.load.get(id) as string | undefined;
      if (text === undefined) throw new Error(`reference profile ${id} does not exist`);
      profile = JSON.parse(text) as ReferenceProfile;
      this.parsed.set(id, profile);
    }
    return profile;
  }
}
