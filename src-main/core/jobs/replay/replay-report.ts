import type { PairedComparisonBody, ReplayArmBody, ReplayReportBody } from '../../../contract/replay-report.ts';
import { mean, percentile, sd } from '../../experiments/stats/continuous.ts';
import { mcNemarTest, pairedProportionDifference, pairedTTest, sampleSizeMcNemar, sampleSizePairedT } from '../../experiments/stats/paired.ts';
import { emptyArm, type ArmTally, type ReplayTally } from './replay-tally.ts';

export interface ModelName {
  name: string;
  version: string;
}

/** single-record run times measured after the replay, per answering algorithm: its own and the candidate's (µs) */
export type MeasuredLatencies = Map<number, { answered: number[]; candidate: number[] }>;

export const latencyNote =
  'logged: per-row latency recorded when the request was answered (batched calls share theirs); now: one record per run, ' +
  'the answering model and the candidate taking turns on the same sample of replayed records, in one job worker';

/** the significance level of the verdict */
const alpha = 0.05;

/** The report of a replay from what it counted (pure). */
export function buildReport(tally: ReplayTally, candidate: { algorithmId: number } & ModelName, names: (algorithmId: number) => ModelName, measured: MeasuredLatencies): ReplayReportBody {
  const arms = [...tally.arms.values()].sort((a, b) => b.compared - a.compared);
  const others = arms.filter((arm) => arm.algorithmId !== candidate.algorithmId);
  const overallTally = others.length === 1 ? others[0]! : others.length ? merge(others) : null;
  const armBody = (arm: ArmTally, name: ModelName): ReplayArmBody => armReport(tally, arm, name, arm.algorithmId === candidate.algorithmId, measured.get(arm.algorithmId));
  const overall = overallTally && (others.length === 1 ? armBody(overallTally, names(overallTally.algorithmId)) : armBody(overallTally, { name: 'every answering model', version: '' }));
  return {
    task: tally.task,
    candidate: { algorithm_id: candidate.algorithmId, name: candidate.name, version: candidate.version },
    replayed: tally.replayed,
    compared: arms.reduce((n, arm) => n + arm.compared, 0),
    skipped: [...tally.skipped].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count),
    arms: arms.map((arm) => armBody(arm, names(arm.algorithmId))),
    overall,
    verdict: verdictOf(tally, overall),
    latency_note: latencyNote
  };
}

function armReport(tally: ReplayTally, arm: ArmTally, name: ModelName, isCandidate: boolean, measured?: { answered: number[]; candidate: number[] }): ReplayArmBody {
  const regression = tally.task === 'regression';
  return {
    algorithm_id: arm.algorithmId,
    name: name.name,
    version: name.version,
    ab_test_ids: [...arm.abTestIds].sort((a, b) => a - b),
    is_candidate: isCandidate,
    compared: arm.compared,
    agreement: arm.compared ? arm.equal / arm.compared : null,
    flips: regression ? null : flipMatrix(arm),
    differences: regression ? differenceSummary(arm.differences) : null,
    comparison: regression ? regressionComparison(arm) : accuracyComparison(arm),
    latency: { logged: latency(arm.loggedLatencies), answered_now: latency(measured?.answered ?? []), candidate_now: latency(measured?.candidate ?? []) }
  };
}

function flipMatrix(arm: ArmTally): ReplayArmBody['flips'] {
  const labels = [...new Set([...arm.flips.keys(), ...[...arm.flips.values()].flatMap((row) => [...row.keys()])])].sort();
  return { labels, counts: labels.map((from) => labels.map((to) => arm.flips.get(from)?.get(to) ?? 0)) };
}

function differenceSummary(differences: number[]): ReplayArmBody['differences'] {
  if (!differences.length) return null;
  const abs = differences.map(Math.abs);
  return {
    mean: mean(differences)!,
    mean_abs: mean(abs)!,
    p05: percentile(differences, 5)!,
    p50: percentile(differences, 50)!,
    p95: percentile(differences, 95)!,
    max_abs: Math.max(...abs)
  };
}

function accuracyComparison(arm: ArmTally): PairedComparisonBody | null {
  const c = arm.paired;
  const n = c.bothCorrect + c.firstOnly + c.secondOnly + c.bothWrong;
  if (n === 0) return null;
  const difference = pairedProportionDifference(c)!;
  const test = mcNemarTest(c);
  return {
    metric: 'accuracy',
    labelled: n,
    answered: (c.bothCorrect + c.firstOnly) / n,
    candidate: (c.bothCorrect + c.secondOnly) / n,
    difference: difference.difference,
    ci: difference.ci,
    test: 'McNemar',
    statistic: test?.statistic ?? null,
    p_value: test?.pValue ?? null,
    labelled_needed: c.firstOnly === c.secondOnly ? null : Math.ceil(sampleSizeMcNemar(c.firstOnly / n, c.secondOnly / n)),
    counts: { both_right: c.bothCorrect, only_answered_right: c.firstOnly, only_candidate_right: c.secondOnly, both_wrong: c.bothWrong }
  };
}

function regressionComparison(arm: ArmTally): PairedComparisonBody | null {
  const { answered, candidate } = arm.absoluteErrors;
  if (!answered.length) return null;
  const test = pairedTTest(candidate, answered);
  const answeredMae = mean(answered)!;
  const candidateMae = mean(candidate)!;
  return {
    metric: 'mae',
    labelled: answered.length,
    answered: answeredMae,
    candidate: candidateMae,
    difference: candidateMae - answeredMae,
    ci: test?.ci ?? null,
    test: 'paired t-test',
    statistic: test?.t ?? null,
    p_value: test?.pValue ?? null,
    labelled_needed: labelledNeededForErrors(answered, candidate),
    counts: null
  };
}

function latency(values: number[]): { p50_us: number | null; p95_us: number | null; n: number } {
  return { p50_us: percentile(values, 50), p95_us: percentile(values, 95), n: values.length };
}

/** The requests every answering model but the candidate answered, counted as one. */
function merge(arms: ArmTally[]): ArmTally {
  const merged = emptyArm(arms[0]!.algorithmId);
  for (const arm of arms) {
    for (const id of arm.abTestIds) merged.abTestIds.add(id);
    merged.compared += arm.compared;
    merged.equal += arm.equal;
    for (const [from, row] of arm.flips) {
      const into = merged.flips.get(from) ?? new Map<string, number>();
      for (const [to, n] of row) into.set(to, (into.get(to) ?? 0) + n);
      merged.flips.set(from, into);
    }
    merged.differences.push(...arm.differences);
    for (const key of ['bothCorrect', 'firstOnly', 'secondOnly', 'bothWrong'] as const) merged.paired[key] += arm.paired[key];
    merged.absoluteErrors.answered.push(...arm.absoluteErrors.answered);
    merged.absoluteErrors.candidate.push(...arm.absoluteErrors.candidate);
    merged.loggedLatencies.push(...arm.loggedLatencies);
  }
  return merged;
}

const points = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} points`;
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const num = (x: number): string => Number(x.toPrecision(4)).toLocaleString('en-US');
const signed = (x: number): string => `${x >= 0 ? '+' : '−'}${num(Math.abs(x))}`;
const pText = (p: number): string => (p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);
const count = (n: number): string => n.toLocaleString('en-US');

function verdictOf(tally: ReplayTally, overall: ReplayArmBody | null): ReplayReportBody['verdict'] {
  if (!overall || overall.compared === 0) {
    const why = tally.skipped.size ? `: ${[...tally.skipped.keys()][0]}` : '';
    return { code: 'nothing_compared', text: `No replayed request could be compared${why}.`, labelled_needed: null };
  }
  const c = overall.comparison;
  if (!c) {
    const agreement = overall.agreement === null ? '' : `: the candidate answers ${pct(overall.agreement)} of ${count(overall.compared)} requests as they were answered`;
    return { code: 'no_feedback', text: `No replayed request has feedback, so only agreement is known${agreement}. Record feedback (the true outcome) to compare who is right more often.`, labelled_needed: null };
  }
  const accuracy = c.metric === 'accuracy';
  const metric = accuracy ? `accuracy ${pct(c.candidate)} against ${pct(c.answered)}` : `mean absolute error ${num(c.candidate)} against ${num(c.answered)}`;
  const diff = accuracy ? points(c.difference) : signed(c.difference);
  const ci = c.ci ? (accuracy ? `, 95% CI ${points(c.ci.lower)} to ${points(c.ci.upper)}` : `, 95% CI ${signed(c.ci.lower)} to ${signed(c.ci.upper)}`) : '';
  const facts = `${metric} for the answers given (${diff}${ci}) on ${count(c.labelled)} requests with feedback`;
  if (c.p_value !== null && c.p_value < alpha) {
    const better = accuracy ? c.difference > 0 : c.difference < 0;
    return { code: better ? 'better' : 'worse', text: `The candidate is ${better ? 'better' : 'worse'}: ${facts}; ${c.test} ${pText(c.p_value)}.`, labelled_needed: null };
  }
  const needed = c.labelled_needed;
  if (c.p_value === null) {
    return { code: 'no_difference', text: `No difference: ${facts}; the candidate ${accuracy ? 'was right on exactly the same requests' : 'made the same errors on every request'}.`, labelled_needed: null };
  }
  const size = accuracy ? `${Math.abs(c.difference * 100).toFixed(1)} points` : num(Math.abs(c.difference));
  const more = needed === null ? '' : ` Telling a difference of ${size} apart would take about ${count(needed)} requests with feedback (80% power, 5% level).`;
  return { code: 'no_difference', text: `No significant difference: ${facts}; ${c.test} ${pText(c.p_value)}.${more}`, labelled_needed: needed };
}

/** Pairs the paired t-test would need to detect the observed mean difference of absolute errors. */
function labelledNeededForErrors(answered: number[], candidate: number[]): number | null {
  const differences = candidate.map((x, i) => x - answered[i]!);
  const spread = sd(differences);
  const m = mean(differences);
  if (spread === null || m === null || m === 0 || !(spread > 0)) return null;
  return Math.ceil(sampleSizePairedT(spread, m));
}
