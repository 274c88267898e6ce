import type { AlgorithmStatusValue } from '../../contract/enums.ts';
import { conflict, invalidInput } from '../errors.ts';
import type { Algorithm } from '../registry/types.ts';
import type { AbResultsView, AbTest, StopAbTestInput, StopOutcome } from './types.ts';

/** One arm's status change when the test stops. */
export interface StopChange {
  algorithmId: number;
  /** "A", "B", … */
  arm: string;
  name: string;
  version: string;
  from: AlgorithmStatusValue | null;
  to: AlgorithmStatusValue;
}

/** What stopping does: the same object answers a dry run and drives the real stop. */
export interface StopPlan {
  outcome: StopOutcome;
  changes: StopChange[];
  /** in plain words, for the person about to stop the test */
  description: string;
}

/** The registry as the plan needs it: each arm as it is now, and the endpoint's production outside the test. */
export interface StopContext {
  arms: Algorithm[];
  production: Algorithm | undefined;
}

/**
 * Decides what stopping does (DESIGN §5, issue 12 §3). Stopping without promoting always works,
 * whatever the traffic: `keep_production`, or no arm proven better. Only promoting needs the
 * statistics (verdict "better") or an override with a reason. Without a winner each arm gets its
 * status from before the test back; a former production arm goes to staging instead when another
 * algorithm was promoted meanwhile, so production is never taken from it silently.
 * `dryRun`: a missing override reason is not an error yet (the plan says it is needed).
 */
export function planStop(test: AbTest, view: AbResultsView, input: StopAbTestInput, context: StopContext, dryRun: boolean): StopPlan {
  if (test.state === 'stopped') throw conflict('AB Test already finished.');
  const outcome = decideOutcome(test, view, input, dryRun);
  const promoted = outcome.promotedAlgorithmId;
  const changes = test.arms.map((arm, i): StopChange => {
    const algorithm = context.arms[i]!;
    let to: AlgorithmStatusValue;
    if (promoted !== null) to = arm.algorithmId === promoted ? 'production' : 'testing';
    else if (arm.previousStatus === 'production' && context.production) to = 'staging';
    else to = arm.previousStatus === null || arm.previousStatus === 'ab_testing' ? 'testing' : arm.previousStatus;
    return { algorithmId: arm.algorithmId, arm: view.arms[i]?.arm ?? String.fromCharCode(65 + i), name: algorithm.name, version: algorithm.version, from: algorithm.currentStatus, to };
  });
  return { outcome, changes, description: describe(test, view, input, outcome, changes, context) };
}

function decideOutcome(test: AbTest, view: AbResultsView, input: StopAbTestInput, dryRun: boolean): StopOutcome {
  if (input.keepProduction && input.forceWinner !== undefined) {
    throw invalidInput('keep_production and force_winner cannot be combined: keep production as it was, or promote an arm', 'keep_production');
  }
  if (input.keepProduction) {
    const note = input.reason?.trim();
    return { promotedAlgorithmId: null, forced: false, reason: `stopped without promoting an arm, production kept as it was${note ? `: ${note}` : ''}` };
  }
  if (input.forceWinner !== undefined) {
    if (!test.arms.some((a) => a.algorithmId === input.forceWinner)) {
      throw invalidInput(`force_winner ${input.forceWinner} is not an arm of this test`, 'force_winner');
    }
    const reason = input.reason?.trim();
    if (!reason && !dryRun) throw invalidInput('a reason is required to promote an arm against the verdict (force_winner)', 'reason');
    return { promotedAlgorithmId: input.forceWinner, forced: true, reason: `forced by the user: ${reason || '(reason required)'}` };
  }
  if (view.verdict.code === 'better' && view.verdict.winner_algorithm_id !== null) {
    return { promotedAlgorithmId: view.verdict.winner_algorithm_id, forced: false, reason: view.verdict.text };
  }
  return { promotedAlgorithmId: null, forced: false, reason: view.verdict.text };
}

const armLabel = (c: StopChange) => `${c.arm}: ${c.name} v${c.version}`;

function describe(test: AbTest, view: AbResultsView, input: StopAbTestInput, outcome: StopOutcome, changes: StopChange[], context: StopContext): string {
  const list = changes.map((c) => `${armLabel(c)} → ${c.to}`).join('; ');
  const winner = changes.find((c) => c.algorithmId === outcome.promotedAlgorithmId);
  let what: string;
  if (winner && outcome.forced) {
    const reason = input.reason?.trim();
    what = `${armLabel(winner)} becomes production because you override the verdict${reason ? ` ("${reason}")` : ', which needs a reason'}; the other arms go to testing (${list}).`;
  } else if (winner) {
    what = `${armLabel(winner)} becomes production: it is better according to the ${view.verdict.decided_by}. The other arms go to testing (${list}).`;
  } else {
    const why = input.keepProduction ? 'you chose to keep production as it was' : `no arm is proven better yet (${view.verdict.text.replace(/\.$/, '')})`;
    what = `Nothing is promoted: ${why}. Each arm gets back the status it had before the test (${list}).`;
    const displaced = changes.find((c) => c.to === 'staging');
    if (displaced && context.production) {
      what += ` ${armLabel(displaced)} was production before the test, but ${context.production.name} v${context.production.version} was promoted meanwhile and stays production, so it goes to staging.`;
    }
  }
  const serving = winner ?? changes.find((c) => c.to === 'production') ?? context.production;
  const after = serving
    ? `${serving.name} v${serving.version} answers every unpinned call to "${test.endpointName}" from then on.`
    : `"${test.endpointName}" then has no production algorithm: unpinned calls are refused until one is promoted.`;
  const demoted = winner && context.production ? ` ${context.production.name} v${context.production.version}, production now, moves to staging.` : '';
  return `${what}${demoted} ${after} The test's results are frozen as they are at that moment.`;
}
