import type Database from 'better-sqlite3';
import { setImmediate as yieldToServing } from 'node:timers/promises';
import type { WriteGate } from '../../storage/write-gate.ts';
import type { ActiveProfile, ActiveProfiles } from '../active-profiles.ts';
import { DriftCells, type DriftWriter } from '../drift-cells.ts';
import type { StoredRows } from '../stored-rows.ts';
import { isoOf } from '../time.ts';

/** Log ids scanned per slice (by rowid, whatever the algorithm), between two yields to serving. */
const SCAN_IDS = 20_000;
/** How far back a new profile is applied to the log: the longest window the page offers. */
export const BACKFILL_DAYS = 30;

/**
 * Applies a new reference profile to the version's requests logged before it was set (the last
 * 30 days), so a reference uploaded after a week in production shows that week's drift at once.
 * The rows after the profile's `live_from_id` are the aggregator's; these are the ones up to it.
 * Same counting as the live path, in slices of log ids, each committed with the profile's
 * progress (`backfill_after_id`, null once done): a restart resumes where it stopped.
 */
export class Backfill {
  private readonly readRows: Database.Statement;
  private readonly progress: Database.Statement;
  private readonly save: Database.Statement;

  constructor(
    sqlite: Database.Database,
    private readonly writes: WriteGate,
    private readonly profiles: ActiveProfiles,
    private readonly writer: DriftWriter,
    /** the rows' records and answers, read through the row codec */
    private readonly stored: StoredRows,
    private readonly now: () => number
  ) {
    // +algorithm_id: walk the rowid range, not the algorithm index (which would sort every row of the version)
    this.readRows = sqlite
      .prepare(
        `select id, created_at, ab_test_id, status, label, input, response from requests
         where id > ? and id <= ? and +algorithm_id = ? and created_at >= ? order by id`
      )
      .raw();
    this.progress = sqlite.prepare('select backfill_after_id from reference_profiles where id = ? and active = 1').pluck();
    this.save = sqlite.prepare('update reference_profiles set backfill_after_id = ? where id = ?');
  }

  /** Runs every pending backfill to its end, yielding between slices. */
  async run(isClosed: () => boolean): Promise<void> {
    for (const active of this.profiles.all()) {
      let after = active.backfillAfterId;
      while (after !== null && !isClosed()) {
        after = await this.slice(active, after);
        await yieldToServing();
      }
    }
  }

  /** One slice; returns the next `after`, or null when the profile is done (or gone). */
  private async slice(active: ActiveProfile, after: number): Promise<number | null> {
    const end = Math.min(after + SCAN_IDS, active.liveFromId);
    const since = isoOf(Math.floor(this.now() / 1000) - BACKFILL_DAYS * 86_400);
    const rows = this.readRows.all(after, end, active.algorithmId, since) as [number, string, number | null, string, string, string | Buffer, string | Buffer][];
    const cells = new DriftCells();
    for (const [, createdAt, abTestId, status, label, input, response] of rows) {
      // a record too large to log whole (a `$truncated` marker, record null): only its prediction counts
      const values = this.stored.values({ algorithmId: active.algorithmId, abTestId, status, label, input, response });
      if (!values) continue;
      const hour = Math.floor(Date.parse(createdAt) / 3_600_000);
      cells.add(active.id, active.profile, hour, values.record === null ? null : active.columns.readRecord(values.record), values.predictions);
    }
    const next = end >= active.liveFromId ? null : end;
    const done = await this.writes.transaction('the monitoring backfill', () => {
      // replaced meanwhile, or counted by another process: stop here
      if ((this.progress.get(active.id) as number | null | undefined) !== after) return false;
      this.writer.write(cells.take());
      this.save.run(next, active.id);
      return true;
    });
    return done ? next : null;
  }
}
