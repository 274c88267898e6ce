import type Database from 'better-sqlite3';
import { addEncoded, addLatency, encodeHistogram, mergeHistogram, type Histogram } from './latency-histogram.ts';

/**
 * Serving health accumulated in memory between two commits, one cell per (algorithm, minute),
 * then added into the minute and hour tables (db/schema/monitoring.ts) inside the aggregator's
 * transaction. Counts add up; the latency histogram is read, merged and written back.
 */
/** Health counts of some rows: they add up (addCounts). */
export interface HealthCounts {
  requests: number;
  shadow: number;
  failures: number;
  latencySumUs: number;
  histogram: Histogram;
  runs: number;
  runRows: number;
  runMax: number;
}

export const emptyCounts = (): HealthCounts => ({ requests: 0, shadow: 0, failures: 0, latencySumUs: 0, histogram: [], runs: 0, runRows: 0, runMax: 0 });

/** Adds `c` into `into` (mutates it). */
export function addCounts(into: HealthCounts, c: HealthCounts): void {
  into.requests += c.requests;
  into.shadow += c.shadow;
  into.failures += c.failures;
  into.latencySumUs += c.latencySumUs;
  mergeHistogram(into.histogram, c.histogram);
  into.runs += c.runs;
  into.runRows += c.runRows;
  into.runMax = Math.max(into.runMax, c.runMax);
}

export interface HealthCell extends HealthCounts {
  algorithmId: number;
  minute: number;
}

export class HealthCells {
  private readonly cells = new Map<string, HealthCell>();

  get size(): number {
    return this.cells.size;
  }

  private cell(algorithmId: number, minute: number): HealthCell {
    const key = `${algorithmId}|${minute}`;
    let cell = this.cells.get(key);
    if (!cell) {
      cell = { algorithmId, minute, ...emptyCounts() };
      this.cells.set(key, cell);
    }
    return cell;
  }

  /** One logged row. */
  addRow(algorithmId: number, minute: number, failed: boolean, shadow: boolean, latencyUs: number): void {
    const cell = this.cell(algorithmId, minute);
    cell.requests += 1;
    if (shadow) cell.shadow += 1;
    if (failed) cell.failures += 1;
    cell.latencySumUs += latencyUs;
    addLatency(cell.histogram, latencyUs);
  }

  /** One onnxruntime run of `rows` records (the `model.ran` event). */
  addRun(algorithmId: number, minute: number, rows: number): void {
    const cell = this.cell(algorithmId, minute);
    cell.runs += 1;
    cell.runRows += rows;
    if (rows > cell.runMax) cell.runMax = rows;
  }

  /** Moves the cells out (this accumulator starts empty again). */
  take(): HealthCell[] {
    const cells = [...this.cells.values()];
    this.cells.clear();
    return cells;
  }

  /** Puts cells back (a commit that did not happen). */
  restore(cells: readonly HealthCell[]): void {
    for (const c of cells) addCounts(this.cell(c.algorithmId, c.minute), c);
  }
}

/** Adds cells into monitor_health_minutes and monitor_health_hours. Call inside a transaction. */
export class HealthWriter {
  private readonly statements: Record<'minutes' | 'hours', { read: Database.Statement; upsert: Database.Statement }>;

  constructor(sqlite: Database.Database) {
    const make = (table: string, period: string) => ({
      read: sqlite.prepare(`select latency_histogram as h from ${table} where algorithm_id = ? and ${period} = ?`).pluck(),
      upsert: sqlite.prepare(
        `insert into ${table} (algorithm_id, ${period}, requests, shadow, failures, latency_sum_us, latency_histogram, runs, run_rows, run_max)
         values (@algorithmId, @period, @requests, @shadow, @failures, @latencySumUs, @histogram, @runs, @runRows, @runMax)
         on conflict (algorithm_id, ${period}) do update set
           requests = requests + excluded.requests, shadow = shadow + excluded.shadow, failures = failures + excluded.failures,
           latency_sum_us = latency_sum_us + excluded.latency_sum_us, latency_histogram = excluded.latency_histogram,
           runs = runs + excluded.runs, run_rows = run_rows + excluded.run_rows, run_max = max(run_max, excluded.run_max)`
      )
    });
    this.statements = { minutes: make('monitor_health_minutes', 'minute'), hours: make('monitor_health_hours', 'hour') };
  }

  write(cells: readonly HealthCell[], keepMinutesAfter: number): void {
    const hours = new Map<string, HealthCell>();
    for (const c of cells) {
      if (c.minute >= keepMinutesAfter) this.add('minutes', c.minute, c);
      const hour = Math.floor(c.minute / 60);
      const key = `${c.algorithmId}|${hour}`;
      let into = hours.get(key);
      if (!into) hours.set(key, (into = { algorithmId: c.algorithmId, minute: hour, ...emptyCounts() }));
      addCounts(into, c);
    }
    for (const c of hours.values()) this.add('hours', c.minute, c);
  }

  private add(table: 'minutes' | 'hours', period: number, c: HealthCell): void {
    const { read, upsert } = this.statements[table];
    const histogram = [...c.histogram];
    addEncoded(histogram, (read.get(c.algorithmId, period) as Buffer | null | undefined) ?? null);
    upsert.run({ ...c, period, histogram: encodeHistogram(histogram) });
  }
}
