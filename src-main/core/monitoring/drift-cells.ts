import type Database from 'better-sqlite3';
import { addValue, emptyCounts, emptyWindow, mergeWindows, type ReferenceProfile, type WindowCounts } from './drift/index.ts';

/**
 * The current window of each reference profile, accumulated in memory per (profile, hour)
 * between two commits, then merged into monitor_drift_hours inside the aggregator's transaction.
 * Counts are against the profile's frozen bins, so hours add up into any window (drift/window.ts).
 */
interface DriftCell {
  profileId: number;
  hour: number;
  rows: number;
  window: WindowCounts;
}

export class DriftCells {
  private readonly cells = new Map<string, DriftCell>();

  /**
   * One logged row's feature values and prediction values, counted into its profile's hour.
   * `features` null: the record was not logged whole (too large); `predictions` undefined: the
   * model failed. What is missing is left out, not counted as missing values.
   */
  add(
    profileId: number,
    profile: ReferenceProfile,
    hour: number,
    features: Readonly<Record<string, unknown>> | null,
    predictions: Readonly<Record<string, unknown>> | undefined
  ): void {
    const key = `${profileId}|${hour}`;
    let cell = this.cells.get(key);
    if (!cell) this.cells.set(key, (cell = { profileId, hour, rows: 0, window: emptyWindow(profile) }));
    cell.rows += 1;
    const window = cell.window;
    if (features) for (const f of profile.features) addValue(f, (window.features[f.name] ??= emptyCounts(f)), features[f.name]);
    if (predictions) for (const f of profile.predictions) addValue(f, (window.predictions[f.name] ??= emptyCounts(f)), predictions[f.name]);
  }

  take(): DriftCell[] {
    const cells = [...this.cells.values()];
    this.cells.clear();
    return cells;
  }
}

export class DriftWriter {
  private readonly read: Database.Statement;
  private readonly upsert: Database.Statement;

  constructor(sqlite: Database.Database) {
    this.read = sqlite.prepare('select counts from monitor_drift_hours where profile_id = ? and hour = ?').pluck();
    this.upsert = sqlite.prepare(
      `insert into monitor_drift_hours (profile_id, hour, rows, counts) values (?, ?, ?, ?)
       on conflict (profile_id, hour) do update set rows = rows + excluded.rows, counts = excluded.counts`
    );
  }

  /** Call inside a transaction. */
  write(cells: readonly DriftCell[]): void {
    for (const c of cells) {
      const stored = this.read.get(c.profileId, c.hour) as string | undefined;
      const window = stored === undefined ? c.window : mergeWindows(JSON.parse(stored) as WindowCounts, c.window);
      this.upsert.run(c.profileId, c.hour, c.rows, JSON.stringify(window));
    }
  }
}
