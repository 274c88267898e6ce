import type Database from 'better-sqlite3';
import type { TimeWindow } from '../time.ts';
import { addCounts, emptyCounts, type HealthCounts } from './health-cells.ts';
import { addEncoded, histogramQuantile } from './latency-histogram.ts';

/** Health of one bucket of a series, summed over the algorithms asked for. */
export interface HealthBucket extends HealthCounts {
  byVersion: Record<string, number>;
}

export const emptyBucket = (): HealthBucket => ({ ...emptyCounts(), byVersion: {} });

type HealthRow = [algorithmId: number, period: number, requests: number, shadow: number, failures: number, latencySumUs: number, histogram: Buffer | null, runs: number, runRows: number, runMax: number];

/**
 * Reads the health cells of a window into its buckets: minute cells for buckets under an hour
 * (kept a week), hour cells otherwise. At most a few thousand rows per algorithm, whatever the
 * size of the request log.
 */
export function readHealth(sqlite: Database.Database, algorithmIds: readonly number[], window: TimeWindow): HealthBucket[] {
  const buckets = Array.from({ length: (window.to - window.from) / window.bucketSeconds }, emptyBucket);
  if (algorithmIds.length === 0) return buckets;
  const hourly = window.bucketSeconds >= 3600;
  const [table, period, unit] = hourly ? ['monitor_health_hours', 'hour', 3600] : ['monitor_health_minutes', 'minute', 60];
  const rows = sqlite
    .prepare(
      `select algorithm_id, ${period}, requests, shadow, failures, latency_sum_us, latency_histogram, runs, run_rows, run_max
       from ${table} where algorithm_id in (${algorithmIds.map(() => '?').join(',')}) and ${period} >= ? and ${period} < ?`
    )
    .raw()
    .all(...algorithmIds, Math.floor(window.from / unit), Math.ceil(window.to / unit)) as HealthRow[];
  for (const [algorithmId, at, requests, shadow, failures, latencySumUs, histogram, runs, runRows, runMax] of rows) {
    const b = buckets[Math.floor((at * unit - window.from) / window.bucketSeconds)];
    if (!b) continue;
    addCounts(b, { requests, shadow, failures, latencySumUs, histogram: [], runs, runRows, runMax });
    addEncoded(b.histogram, histogram);
    b.byVersion[algorithmId] = (b.byVersion[algorithmId] ?? 0) + requests;
  }
  return buckets;
}

export function sumBuckets(buckets: readonly HealthBucket[]): HealthBucket {
  const total = emptyBucket();
  for (const b of buckets) addCounts(total, b);
  return total;
}

const ms = (us: number | null): number => Math.round((us ?? 0) / 10) / 100;

export function latencySummary(b: HealthBucket): { p50: number; p95: number; p99: number; mean: number } | null {
  if (b.requests === 0) return null;
  return {
    p50: ms(histogramQuantile(b.histogram, 0.5)),
    p95: ms(histogramQuantile(b.histogram, 0.95)),
    p99: ms(histogramQuantile(b.histogram, 0.99)),
    mean: ms(b.latencySumUs / b.requests)
  };
}
