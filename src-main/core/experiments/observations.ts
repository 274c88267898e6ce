import type Database from 'better-sqlite3';
import type { RequestStatus } from '../../contract/enums.ts';
import type { ArmObservations } from './stats/verdict.ts';
import type { AbMetric } from './types.ts';

/** One logged request of a test, with the feedback it has (its own, or its primary's for shadows). */
export interface TestRequestRow {
  id: number;
  algorithmId: number;
  status: RequestStatus;
  label: string;
  latencyUs: number;
  feedback: string | null;
  createdAt: string;
}

/**
 * Reads the requests a test routed. Only these count: traffic that reached an arm outside the
 * test (a pinned version, another window) never does, unlike the classic stop (seed-api §4.8).
 */
export function readTestRequests(sqlite: Database.Database, abTestId: number): TestRequestRow[] {
  return sqlite
    .prepare(
      `select r.id, r.algorithm_id as algorithmId, r.status, r.label, r.latency_us as latencyUs,
              coalesce(nullif(r.feedback, ''), nullif(p.feedback, '')) as feedback, r.created_at as createdAt
       from requests r left join requests p on p.id = r.primary_request_id
       where r.algorithm_id in (select algorithm_id from ab_test_arms where ab_test_id = ?) and r.ab_test_id = ?
       order by r.id`
    )
    .all(abTestId, abTestId) as TestRequestRow[];
}

/**
 * Per-arm observations for the statistics, from the rows of one test. Requests the arm was
 * chosen for and then refused (4xx: never logged, counted per minute) are requests and errors
 * of that arm (issue 12 §6): a broken arm cannot look clean by refusing everything.
 */
export function observe(
  rows: readonly TestRequestRow[],
  arms: readonly { algorithmId: number; name: string }[],
  metric: AbMetric,
  refused: ReadonlyMap<number, number> = new Map()
): ArmObservations[] {
  return arms.map((arm) => {
    const mine = rows.filter((r) => r.algorithmId === arm.algorithmId);
    const withFeedback = mine.filter((r) => r.feedback !== null);
    const refusals = refused.get(arm.algorithmId) ?? 0;
    const base = {
      name: arm.name,
      requests: mine.length + refusals,
      failedRequests: mine.filter((r) => r.status === 'Error').length + refusals,
      latencies: mine.filter((r) => r.status === 'OK').map((r) => r.latencyUs)
    };
    if (metric === 'accuracy') {
      // A failed prediction that got feedback counts as wrong: the arm did not answer.
      const correct = withFeedback.filter((r) => r.status === 'OK' && r.label.trim() === r.feedback!.trim()).length;
      return { ...base, feedback: { total: withFeedback.length, correct } };
    }
    const residuals: number[] = [];
    for (const r of withFeedback) {
      const predicted = r.status === 'OK' ? firstNumber(r.label) : null;
      const truth = Number(r.feedback);
      if (predicted !== null && r.feedback!.trim() !== '' && Number.isFinite(truth)) residuals.push(predicted - truth);
    }
    return { ...base, residuals };
  });
}

/** Regression labels are stored as the JSON of the prediction: a number, or an array of them. */
export function firstNumber(label: string): number | null {
  try {
    const value: unknown = JSON.parse(label);
    const n = Array.isArray(value) ? value[0] : value;
    return typeof n === 'number' && Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}
