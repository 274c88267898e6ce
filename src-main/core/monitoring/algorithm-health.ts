import type Database from 'better-sqlite3';
import type { AlgorithmHealthBody, DriftVerdictValue } from '../../contract/monitoring.ts';
import type { Algorithm } from '../registry/types.ts';
import { refusalsByMinute } from '../requests/refusals.ts';

/** An error-rate jump: the last hour at least this bad, … */
const JUMP_MIN_RATE = 0.05;
/** … with at least this many errors, … */
const JUMP_MIN_ERRORS = 5;
/** … and at least this many times the rate of the 24 hours before. */
const JUMP_FACTOR = 2;

export interface DriftSummary {
  verdict: DriftVerdictValue;
  drifted: string[];
  prediction: DriftVerdictValue;
}

/**
 * What the Models page badges: per version, drift over the last 24 hours and whether its error
 * rate (model failures and refused requests) jumped in the last hour against the 24 hours before
 * (at least 5% and 5 errors, and at least twice the earlier rate).
 */
export function algorithmHealth(
  sqlite: Database.Database,
  algorithm: Algorithm,
  drift: DriftSummary | null,
  nowMs: number
): AlgorithmHealthBody {
  const nowMinute = Math.floor(nowMs / 60_000);
  const counts = sqlite
    .prepare(
      `select coalesce(sum(case when minute > ? then requests end), 0), coalesce(sum(case when minute > ? then failures end), 0),
              coalesce(sum(case when minute <= ? then requests end), 0), coalesce(sum(case when minute <= ? then failures end), 0)
       from monitor_health_minutes where algorithm_id = ? and minute > ?`
    )
    .raw()
    .get(nowMinute - 60, nowMinute - 60, nowMinute - 60, nowMinute - 60, algorithm.id, nowMinute - 25 * 60) as [number, number, number, number];
  const [recentRequests, recentFailures, earlierRequests, earlierFailures] = counts;
  const split = (nowMinute - 60) * 60;
  let recentRefused = 0;
  let earlierRefused = 0;
  for (const r of refusalsByMinute(sqlite, (nowMinute - 25 * 60 + 1) * 60, (nowMinute + 1) * 60, { algorithmId: algorithm.id })) {
    if (r.at > split) recentRefused += r.count;
    else earlierRefused += r.count;
  }
  const rate = (errors: number, requests: number) => (requests + errors > 0 && requests > 0 ? errors / requests : requests + errors > 0 ? 1 : null);
  const recentErrors = recentFailures + recentRefused;
  const recent = rate(recentErrors, recentRequests + recentRefused);
  const baseline = rate(earlierFailures + earlierRefused, earlierRequests + earlierRefused);
  const jumped = recent !== null && recentErrors >= JUMP_MIN_ERRORS && recent >= JUMP_MIN_RATE && recent >= JUMP_FACTOR * (baseline ?? 0);
  return {
    algorithm_id: algorithm.id,
    endpoint: algorithm.endpointName,
    name: algorithm.name,
    version: algorithm.version,
    status: algorithm.currentStatus,
    drift: drift?.verdict ?? null,
    drifted: drift?.drifted ?? [],
    prediction_drift: drift?.prediction ?? null,
    error_rate: { recent, baseline, jumped },
    alert: jumped || drift?.verdict === 'drift' || drift?.prediction === 'drift'
  };
}
