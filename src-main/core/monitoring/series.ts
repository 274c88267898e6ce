import type Database from 'better-sqlite3';
import type { HealthPoint, HealthSeries, VersionMarker } from '../../contract/monitoring.ts';
import type { Registry } from '../registry/registry.ts';
import type { Algorithm, AlgorithmStatus, Endpoint } from '../registry/types.ts';
import { latencySummary, readHealth, sumBuckets, type HealthBucket } from './health/health-read.ts';
import { refusalsByMinute } from '../requests/refusals.ts';
import { readQuality } from './quality/quality-read.ts';
import { isoOf, windowEndingAt, type TimeWindow } from './time.ts';

export interface SeriesScope {
  endpoint: Endpoint;
  /** null: every version of the endpoint */
  algorithm: Algorithm | null;
  windowText: string;
  windowSeconds: number;
}

/**
 * The Monitoring page's series for one endpoint (or one of its versions) over a window ending
 * now: throughput, errors by cause, latency percentiles, batch sizes and quality per bucket,
 * with the version changes in the window as markers. Everything comes from the aggregates
 * (minute/hour health cells, feedback outcomes, refusal counts, the status history): the cost
 * depends on the window's buckets and the feedback in it, not on the size of the request log.
 */
export function healthSeries(sqlite: Database.Database, registry: Registry, scope: SeriesScope, nowMs: number): HealthSeries {
  const window = windowEndingAt(nowMs, scope.windowSeconds);
  const versions = registry.listAlgorithms({ endpointId: scope.endpoint.id });
  const ids = scope.algorithm ? [scope.algorithm.id] : versions.map((a) => a.id);
  const health = readHealth(sqlite, ids, window);
  const refusals = refusalsByMinute(sqlite, window.from, window.to, {
    endpointId: scope.endpoint.id,
    ...(scope.algorithm ? { algorithmId: scope.algorithm.id } : {})
  });
  const refused = health.map(() => ({}) as Record<string, number>);
  for (const r of refusals) {
    const bucket = refused[Math.floor((r.at - window.from) / window.bucketSeconds)];
    if (bucket) bucket[r.reason] = (bucket[r.reason] ?? 0) + r.count;
  }
  const task = (scope.algorithm ?? versions.find((a) => a.currentStatus === 'production') ?? versions[0])?.task ?? 'other';
  const quality = readQuality(sqlite, ids, window, task, health.map(answered));

  const nowSeconds = nowMs / 1000;
  const points: HealthPoint[] = health.map((b, i) => {
    const start = window.from + i * window.bucketSeconds;
    const elapsed = Math.max(1, Math.min(window.bucketSeconds, nowSeconds - start));
    return {
      start: isoOf(start),
      requests: b.requests,
      requests_per_second: b.requests / elapsed,
      shadow: b.shadow,
      requests_by_version: b.byVersion,
      errors: errorsOf(b, refused[i]!),
      latency_ms: latencySummary(b),
      batch: b.runs > 0 ? { runs: b.runs, mean_size: b.runRows / b.runs, max_size: b.runMax } : null,
      quality: quality.points[i]!
    };
  });
  const total = sumBuckets(health);
  const refusedTotal = refusals.reduce((sum, r) => sum + r.count, 0);
  const ref = (a: Algorithm) => ({ id: a.id, name: a.name, version: a.version, status: a.currentStatus });
  return {
    endpoint: { id: scope.endpoint.id, name: scope.endpoint.name },
    algorithm: scope.algorithm ? ref(scope.algorithm) : null,
    versions: versions.map(ref),
    window: scope.windowText,
    from: isoOf(window.from),
    to: isoOf(window.to),
    bucket_seconds: window.bucketSeconds,
    task,
    points,
    totals: {
      requests: total.requests,
      model_failures: total.failures,
      refused: refusedTotal,
      error_rate: rate(total.failures + refusedTotal, total.requests + refusedTotal),
      latency_ms: latencySummary(total),
      quality: quality.total
    },
    markers: versionMarkers(registry, versions, window, scope.algorithm)
  };
}

const answered = (b: HealthBucket) => b.requests - b.shadow;
const rate = (errors: number, of: number) => (of > 0 ? errors / of : null);

function errorsOf(b: HealthBucket, refused: Record<string, number>): HealthPoint['errors'] {
  const refusedTotal = Object.values(refused).reduce((a, n) => a + n, 0);
  return {
    model_failures: b.failures,
    refused,
    refused_total: refusedTotal,
    error_rate: rate(b.failures + refusedTotal, b.requests + refusedTotal)
  };
}

/**
 * Status changes in the window, for the charts: a version reaching production is a promotion, or
 * a rollback when it had been in production before; other changes of the version shown (or of
 * any version, for the endpoint view) are plain status changes.
 */
export function versionMarkers(registry: Registry, versions: readonly Algorithm[], window: TimeWindow, only: Algorithm | null): VersionMarker[] {
  const byId = new Map(versions.map((a) => [a.id, a]));
  const history = versions.flatMap((a) => registry.listStatuses({ algorithmId: a.id })).sort((a, b) => a.id - b.id);
  const wasProduction = new Set<number>();
  const markers: VersionMarker[] = [];
  for (const s of history) {
    const at = Date.parse(s.createdAt) / 1000;
    const kind = kindOf(s, wasProduction);
    if (s.status === 'production') wasProduction.add(s.algorithmId);
    if (at < window.from || at >= window.to) continue;
    if (only && s.algorithmId !== only.id && kind === 'status') continue;
    const a = byId.get(s.algorithmId)!;
    markers.push({ at: s.createdAt, algorithm_id: a.id, name: a.name, version: a.version, status: s.status, kind, created_by: s.createdBy, reason: s.reason });
  }
  return markers;
}

function kindOf(s: AlgorithmStatus, wasProduction: ReadonlySet<number>): VersionMarker['kind'] {
  if (s.status !== 'production') return 'status';
  return wasProduction.has(s.algorithmId) ? 'rollback' : 'promotion';
}
