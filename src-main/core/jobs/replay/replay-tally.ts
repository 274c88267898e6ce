import type { Task } from '../../../contract/enums.ts';
import type { PairedCounts } from '../../experiments/stats/paired.ts';
import { firstNumber } from '../../experiments/observations.ts';
import type { LoggedCall } from './replay-source.ts';

/** What a replay counts for the requests one model answered (an arm, when a test routed them). */
export interface ArmTally {
  algorithmId: number;
  /** the A/B tests that routed these requests */
  abTestIds: Set<number>;
  /** requests the candidate answered, compared with what was answered then */
  compared: number;
  equal: number;
  /** classifiers: answered label → candidate label → count */
  flips: Map<string, Map<string, number>>;
  /** regressors: candidate − answered, per request */
  differences: number[];
  /** with feedback: classifiers count who was right */
  paired: PairedCounts;
  /** with feedback: regressors' absolute errors, answered and candidate */
  absoluteErrors: { answered: number[]; candidate: number[] };
  /** per-row latency as logged when it was answered (µs) */
  loggedLatencies: number[];
}

export interface ReplayTally {
  task: Task;
  replayed: number;
  skipped: Map<string, number>;
  arms: Map<number, ArmTally>;
}

export function newTally(task: Task): ReplayTally {
  return { task, replayed: 0, skipped: new Map(), arms: new Map() };
}

/** nothing counted yet for the requests `algorithmId` answered */
export function emptyArm(algorithmId: number): ArmTally {
  return {
    algorithmId,
    abTestIds: new Set(),
    compared: 0,
    equal: 0,
    flips: new Map(),
    differences: [],
    paired: { bothCorrect: 0, firstOnly: 0, secondOnly: 0, bothWrong: 0 },
    absoluteErrors: { answered: [], candidate: [] },
    loggedLatencies: []
  };
}

function armOf(tally: ReplayTally, call: LoggedCall): ArmTally {
  let arm = tally.arms.get(call.algorithmId);
  if (!arm) {
    arm = emptyArm(call.algorithmId);
    tally.arms.set(call.algorithmId, arm);
  }
  return arm;
}

const skip = (tally: ReplayTally, reason: string): void => void tally.skipped.set(reason, (tally.skipped.get(reason) ?? 0) + 1);

/**
 * Counts one replayed request: skipped (with why) when it failed then or the candidate cannot
 * read it; otherwise compared with the answer given then, and, with feedback, scored for both.
 */
export function countCall(tally: ReplayTally, call: LoggedCall, answer: string | number | number[] | null, error: string | null): void {
  tally.replayed++;
  if (call.status !== 'OK') return skip(tally, 'the logged request failed: there is no answer to compare with');
  if (error !== null) return skip(tally, `the candidate cannot read it: ${error}`);
  if (answer === null) return skip(tally, 'the candidate gave no label or prediction');
  const arm = armOf(tally, call);
  if (call.abTestId !== null) arm.abTestIds.add(call.abTestId);
  arm.compared++;
  arm.loggedLatencies.push(call.latencyUs);
  if (tally.task === 'regression') return countRegression(arm, call, answer);
  const given = call.label;
  const candidate = String(answer);
  if (given === candidate) arm.equal++;
  const row = arm.flips.get(given) ?? new Map<string, number>();
  row.set(candidate, (row.get(candidate) ?? 0) + 1);
  arm.flips.set(given, row);
  if (call.feedback === null) return;
  const truth = call.feedback.trim();
  const answeredRight = given.trim() === truth;
  const candidateRight = candidate.trim() === truth;
  if (answeredRight && candidateRight) arm.paired.bothCorrect++;
  else if (answeredRight) arm.paired.firstOnly++;
  else if (candidateRight) arm.paired.secondOnly++;
  else arm.paired.bothWrong++;
}

function countRegression(arm: ArmTally, call: LoggedCall, answer: string | number | number[]): void {
  const given = firstNumber(call.label);
  const candidate = Array.isArray(answer) ? answer[0] : typeof answer === 'number' ? answer : Number.NaN;
  if (given === null || candidate === undefined || !Number.isFinite(candidate)) return;
  arm.differences.push(candidate - given);
  if (candidate === given) arm.equal++;
  const truth = call.feedback === null || call.feedback.trim() === '' ? Number.NaN : Number(call.feedback);
  if (!Number.isFinite(truth)) return;
  arm.absoluteErrors.answered.push(Math.abs(given - truth));
  arm.absoluteErrors.candidate.push(Math.abs(candidate - truth));
}
