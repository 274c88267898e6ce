import { describe, expect, it } from 'vitest';
import { buildReport } from './replay-report.ts';
import type { LoggedCall } from './replay-source.ts';
import { countCall, newTally } from './replay-tally.ts';

const names = (id: number) => ({ name: `model ${id}`, version: '1' });
const candidate = { algorithmId: 9, name: 'candidate', version: '2' };

function call(id: number, label: string, feedback: string | null, algorithmId = 1): LoggedCall {
  return { id, algorithmId, abTestId: null, input: '{}', label, status: 'OK', latencyUs: 100, feedback };
}

/** `n` classified requests: the answered model right on `answered`, the candidate on `cand` of them. */
function classified(n: number, answeredRight: (i: number) => boolean, candidateRight: (i: number) => boolean, withFeedback = true) {
  const tally = newTally('classification');
  for (let i = 0; i < n; i++) {
    const given = answeredRight(i) ? 'yes' : 'no';
    const answer = candidateRight(i) ? 'yes' : 'no';
    countCall(tally, call(i, given, withFeedback ? 'yes' : null), answer, null);
  }
  return buildReport(tally, candidate, names, new Map());
}

describe('the replay verdict', () => {
  it('says better when the candidate is right significantly more often', () => {
    // answered right on 700 of 1,000, the candidate on 800 (+ the 100 the answered got wrong at i ≥ 700 … < 800)
    const report = classified(1000, (i) => i < 700, (i) => i < 800);
    expect(report.verdict.code).toBe('better');
    expect(report.verdict.text).toBe(
      'The candidate is better: accuracy 80.0% against 70.0% for the answers given (+10.0 points, 95% CI +8.1 points to +11.9 points) on 1,000 requests with feedback; McNemar p < 0.001.'
    );
  });

  it('says how many labelled requests a decision would need when the difference is not significant', () => {
    // 10 discordant each way but one: 11 against 10
    const report = classified(200, (i) => i < 150 || (i >= 150 && i < 160), (i) => i < 150 || (i >= 160 && i < 171));
    expect(report.verdict.code).toBe('no_difference');
    expect(report.verdict.labelled_needed).toBeGreaterThan(10_000);
    expect(report.verdict.text).toMatch(/^No significant difference: accuracy 80\.5% against 80\.0% .* McNemar p = 1\.000\. Telling a difference of 0\.5 points apart would take about [\d,]+ requests with feedback \(80% power, 5% level\)\.$/);
  });

  it('without feedback, reports agreement only', () => {
    const report = classified(100, () => true, (i) => i < 90, false);
    expect(report.overall!.agreement).toBe(0.9);
    expect(report.overall!.flips).toEqual({ labels: ['no', 'yes'], counts: [[0, 0], [10, 90]] });
    expect(report.verdict).toEqual({
      code: 'no_feedback',
      text: 'No replayed request has feedback, so only agreement is known: the candidate answers 90.0% of 100 requests as they were answered. Record feedback (the true outcome) to compare who is right more often.',
      labelled_needed: null
    });
  });

  it('leaves the requests the candidate answered itself out of the verdict', () => {
    const tally = newTally('classification');
    countCall(tally, call(1, 'yes', 'yes', candidate.algorithmId), 'yes', null);
    countCall(tally, call(2, 'no', 'yes', 1), 'yes', null);
    const report = buildReport(tally, candidate, names, new Map());
    expect(report.arms.map((a) => [a.algorithm_id, a.is_candidate])).toEqual([
      [9, true],
      [1, false]
    ]);
    expect(report.overall!.compared).toBe(1);
  });

  it('counts failed requests and unreadable ones as skipped, with why', () => {
    const tally = newTally('classification');
    countCall(tally, { ...call(1, 'error', null), status: 'Error' }, null, null);
    countCall(tally, call(2, 'yes', null), null, 'missing field "age"');
    countCall(tally, call(3, 'yes', null), null, 'missing field "age"');
    const report = buildReport(tally, candidate, names, new Map());
    expect(report.skipped).toEqual([
      { reason: 'the candidate cannot read it: missing field "age"', count: 2 },
      { reason: 'the logged request failed: there is no answer to compare with', count: 1 }
    ]);
    expect(report.verdict.code).toBe('nothing_compared');
  });

  it('compares regressors on absolute errors and finds a worse one worse', () => {
    const tally = newTally('regression');
    for (let i = 0; i < 60; i++) countCall(tally, call(i, String(100 + (i % 3)), '100'), 100 + 5 + (i % 7), null);
    const report = buildReport(tally, candidate, names, new Map());
    expect(report.overall!.comparison).toMatchObject({ metric: 'mae', test: 'paired t-test' });
    expect(report.overall!.differences!.mean).toBeGreaterThan(0);
    expect(report.verdict.code).toBe('worse');
    // answered errors i % 3 (mean 1), the candidate's 5 + i % 7 (mean 7.9)
    expect(report.verdict.text).toBe(
      'The candidate is worse: mean absolute error 7.9 against 1 for the answers given (+6.9, 95% CI +6.336 to +7.464) on 60 requests with feedback; paired t-test p < 0.001.'
    );
  });
});
