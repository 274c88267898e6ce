import type Database from 'better-sqlite3';
import type { DriftColumn, DriftReportBody, ReferenceSummary } from '../../contract/monitoring.ts';
import type { Algorithm } from '../registry/types.ts';
import { monitoredColumns } from './columns.ts';
import {
  compareFeature,
  driftReport,
  emptyCounts,
  mergeWindows,
  totalCount,
  type FeatureDrift,
  type FeatureProfile,
  type ReferenceProfile,
  type WindowCounts
} from './drift/index.ts';
import { isoOf } from './time.ts';

/** Parts of the window a sparkline has (about). */
const SPARK_PARTS = 12;
/** A sparkline part with fewer rows shows no value: a metric of a handful of rows is noise. */
const SPARK_MIN_ROWS = 50;

export interface ProfileWindow {
  rows: number;
  /** the version's logged requests in the same hours (health aggregates) */
  requests: number;
  window: WindowCounts;
  /** per hour, oldest first */
  hours: { hour: number; rows: number; window: WindowCounts }[];
  fromHour: number;
  toHour: number;
}

/** The hours of a drift window: the current hour and every hour that overlaps the `seconds` before now. */
export function hoursOf(nowMs: number, seconds: number): { fromHour: number; toHour: number } {
  const now = nowMs / 1000;
  return { fromHour: Math.floor((now - seconds) / 3600), toHour: Math.floor(now / 3600) };
}

/** The profile's counted window over whole hours (monitor_drift_hours), merged; O(hours × columns × bins). */
export function readProfileWindow(sqlite: Database.Database, profile: ReferenceProfile, profileId: number, fromHour: number, toHour: number): ProfileWindow {
  const rows = sqlite
    .prepare('select hour, rows, counts from monitor_drift_hours where profile_id = ? and hour >= ? and hour <= ? order by hour')
    .raw()
    .all(profileId, fromHour, toHour) as [number, number, string][];
  const requests = sqlite
    .prepare(
      `select coalesce(sum(requests), 0) from monitor_health_hours
       where algorithm_id = (select algorithm_id from reference_profiles where id = ?) and hour >= ? and hour <= ?`
    )
    .pluck()
    .get(profileId, fromHour, toHour) as number;
  const hours = rows.map(([hour, n, counts]) => ({ hour, rows: n, window: JSON.parse(counts) as WindowCounts }));
  const empty: WindowCounts = { features: {}, predictions: {} };
  const window = hours.length ? mergeWindows(...hours.map((h) => h.window)) : empty;
  for (const f of profile.features) window.features[f.name] ??= emptyCounts(f);
  for (const f of profile.predictions) window.predictions[f.name] ??= emptyCounts(f);
  return { rows: hours.reduce((sum, h) => sum + h.rows, 0), requests, window, hours, fromHour, toHour };
}

const metricNames = {
  psi: 'psi',
  jsDistance: 'js_distance',
  wassersteinNorm: 'wasserstein_norm',
  missingRateChange: 'missing_rate_change',
  unseenRate: 'unseen_rate'
} as const;
type MetricKey = keyof typeof metricNames;

function metricValue(f: Pick<FeatureDrift, 'metrics'>, key: MetricKey): number | null {
  const m = f.metrics;
  if (key === 'missingRateChange') {
    const { reference, current } = m.missingRate;
    return reference === null || current === null ? null : Math.abs(current - reference);
  }
  return m[key];
}

/**
 * The drift report of a version over a window against its active profile, in the API's shape,
 * with a sparkline per column (its headline metric per part of the window).
 */
export function driftReportBody(
  algorithm: Algorithm,
  reference: { summary: ReferenceSummary; profile: ReferenceProfile } | null,
  counted: ProfileWindow | null,
  windowText: string,
  emptyReason: string
): DriftReportBody {
  const columns = monitoredColumns(algorithm);
  const fromHour = counted?.fromHour ?? 0;
  const toHour = counted?.toHour ?? 0;
  const partHours = Math.max(1, Math.ceil((toHour - fromHour + 1) / SPARK_PARTS));
  const base = {
    algorithm: { id: algorithm.id, name: algorithm.name, version: algorithm.version, endpoint: algorithm.endpointName, status: algorithm.currentStatus },
    window: windowText,
    from: isoOf(fromHour * 3600),
    to: isoOf((toHour + 1) * 3600),
    features_note: columns.noFeatures,
    sparkline_bucket_seconds: partHours * 3600
  };
  if (!reference || !counted) {
    return {
      ...base,
      reference: reference?.summary ?? null,
      empty_reason: emptyReason,
      rows: 0,
      sample_share: null,
      verdict: 'not_enough_data',
      drifted_share: null,
      drifted: [],
      warnings: [],
      features: [],
      prediction: { verdict: 'not_enough_data', columns: [] },
      thresholds: {}
    };
  }
  const { profile } = reference;
  const report = driftReport(profile, counted.window);
  const parts = sparkParts(counted, fromHour, toHour, partHours);
  const body = (f: FeatureDrift, role: 'features' | 'predictions'): DriftColumn => {
    const key: MetricKey = (f.triggers[0]?.metric as MetricKey | undefined) ?? 'psi';
    const feature = profile[role].find((p) => p.name === f.name)!;
    return {
      name: f.name,
      kind: f.kind,
      verdict: f.verdict,
      metric: metricNames[key],
      value: metricValue(f, key),
      psi: f.metrics.psi,
      js_distance: f.metrics.jsDistance,
      wasserstein_norm: f.metrics.wassersteinNorm,
      ks_statistic: f.metrics.ks?.statistic ?? null,
      p_value: f.pValue,
      adjusted_p_value: f.adjustedPValue,
      missing_rate: f.metrics.missingRate,
      unseen_rate: f.metrics.unseenRate,
      reference_count: f.referenceCount,
      current_count: f.currentCount,
      reference_mean: feature.kind === 'numeric' ? feature.mean : null,
      current_mean: f.metrics.current?.mean ?? null,
      triggers: f.triggers.map((t) => ({ metric: metricNames[t.metric], value: t.value, threshold: t.threshold, level: t.level })),
      sparkline: parts.map((part) => sparkValue(feature, part?.[role][f.name], profile.coarse_bins, key))
    };
  };
  return {
    ...base,
    reference: reference.summary,
    empty_reason: null,
    rows: counted.rows,
    sample_share: counted.requests > 0 ? Math.min(1, counted.rows / counted.requests) : null,
    verdict: report.verdict,
    drifted_share: report.driftedShare,
    drifted: report.drifted,
    warnings: report.warnings,
    features: report.features.map((f) => body(f, 'features')),
    prediction: { verdict: report.prediction.verdict, columns: report.prediction.columns.map((f) => body(f, 'predictions')) },
    thresholds: { ...report.thresholds }
  };
}

/** The window cut into parts of `partHours`, oldest first (null: nothing counted in that part). */
function sparkParts(counted: ProfileWindow, fromHour: number, toHour: number, partHours: number): (WindowCounts | null)[] {
  const parts: WindowCounts[][] = Array.from({ length: Math.ceil((toHour - fromHour + 1) / partHours) }, () => []);
  for (const h of counted.hours) parts[Math.floor((h.hour - fromHour) / partHours)]?.push(h.window);
  return parts.map((list) => (list.length ? mergeWindows(...list) : null));
}

function sparkValue(feature: FeatureProfile, counts: WindowCounts['features'][string] | undefined, coarseBins: number, key: MetricKey): number | null {
  if (!counts || totalCount(counts) < SPARK_MIN_ROWS) return null;
  return metricValue(compareFeature(feature, counts, coarseBins), key);
}
