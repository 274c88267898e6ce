import type Database from 'better-sqlite3';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../db/open.ts';
import { abTestArms, abTests, endpoints } from '../../../db/schema.ts';
import { defaultMetricFor, metricTask } from '../../contract/enums.ts';
import { nowIso } from '../clock.ts';
import { conflict, invalidInput, notFound } from '../errors.ts';
import type { CoreEvents } from '../events.ts';
import type { Registry } from '../registry/registry.ts';
import type { WriteGate } from '../storage/write-gate.ts';
import { applyStatusChange, type StatusTransition } from '../registry/status-transitions.ts';
import type { Algorithm } from '../registry/types.ts';
import { validateWeights } from './assignment.ts';
import { observe, readTestRequests } from './observations.ts';
import { classicSummary, computeResults } from './results.ts';
import { planStop, type StopPlan } from './stop-plan.ts';
import { buildTimeline, type Timeline } from './timeline.ts';
import type { AbMetric, AbResultsView, AbTest, CreateAbTestInput, StopAbTestInput, StoredResult } from './types.ts';

type TestRow = typeof abTests.$inferSelect;

/**
 * A/B tests (DESIGN §5): start, live results, stop with an honest promotion rule. A start or a
 * stop announces the arms' new statuses (`status.changed`), then `experiment.started` or
 * `experiment.stopped`; the traffic router reloads on them.
 */
export class AbTestService {
  constructor(
    private readonly db: Db,
    private readonly sqlite: Database.Database,
    private readonly registry: Registry,
    private readonly events: CoreEvents,
    private readonly writes: WriteGate,
    /** per arm algorithm, the requests routed to it that were refused during the test (refusals table) */
    private readonly refusedByArm: (test: AbTest) => ReadonlyMap<number, number> = () => new Map()
  ) {}

  list(): AbTest[] {
    return this.hydrate(this.db.select().from(abTests).orderBy(asc(abTests.id)).all());
  }

  get(id: number): AbTest {
    const row = this.db.select().from(abTests).where(eq(abTests.id, id)).get();
    if (!row) throw notFound(`ABTest ${id} does not exist`);
    return this.hydrate([row])[0]!;
  }

  running(): AbTest[] {
    return this.hydrate(this.db.select().from(abTests).where(eq(abTests.state, 'running')).all());
  }

  async create(input: CreateAbTestInput): Promise<AbTest> {
    const algorithms = this.checkArms(input);
    const first = algorithms[0]!;
    // every arm answers clients: each must take what they send today (issue 12 §1)
    const endpoint = { id: first.endpointId, name: first.endpointName };
    const accepted = algorithms.map((a) =>
      this.registry.contracts.enforce(this.registry.contracts.check(endpoint, a), input, `testing "${a.name}" version "${a.version}" in an A/B test`)
    );
    const metric = input.metric ?? defaultMetricFor(first.task);
    checkMetric(metric, algorithms);
    if (input.minimumDetectableDifference !== undefined && !(input.minimumDetectableDifference > 0)) {
      throw invalidInput('minimum_detectable_difference must be a positive number', 'minimum_detectable_difference');
    }
    const arms = input.arms.map((arm, i) => ({ ...arm, algorithm: algorithms[i]!, weight: arm.weight ?? 1, accepted: accepted[i] ?? null }));
    // Shadow mode answers with its first arm: the endpoint's production algorithm when it is one.
    if (input.mode === 'shadow') arms.sort((a, b) => Number(b.algorithm.currentStatus === 'production') - Number(a.algorithm.currentStatus === 'production'));

    const transitions: StatusTransition[] = [];
    const id = await this.writes.transaction('the new A/B test', (tx) => {
      transitions.length = 0;
      const running = tx
        .select({ id: abTests.id })
        .from(abTests)
        .where(and(eq(abTests.state, 'running'), eq(abTests.endpointId, first.endpointId)))
        .get();
      if (running) {
        throw conflict(`endpoint "${first.endpointName}" already has a running A/B test; stop it first`, 'parent_mlalgorithm_1');
      }
      const test = tx
        .insert(abTests)
        .values({
          title: input.title.trim(),
          endpointId: first.endpointId,
          mode: input.mode ?? 'split',
          metric,
          createdBy: input.createdBy,
          createdAt: nowIso(),
          state: 'running',
          minimumDetectableDifference: input.minimumDetectableDifference ?? null
        })
        .returning({ id: abTests.id })
        .get();
      arms.forEach((arm, position) => {
        const moved = applyStatusChange(tx, {
          algorithmId: arm.algorithm.id,
          endpointId: arm.algorithm.endpointId,
          status: 'ab_testing',
          createdBy: input.createdBy,
          reason: `arm ${position + 1} of A/B test ${test.id}${arm.accepted ? `; ${arm.accepted}` : ''}`,
          by: 'experiment'
        });
        // the status it had when the test started, read in this transaction (it is restored at a stop without winner)
        const previousStatus = moved.at(-1)!.from;
        if (previousStatus === 'archived') throw invalidInput(`algorithm ${arm.algorithm.id} is archived; restore it before testing it`, 'arms');
        tx.insert(abTestArms).values({ abTestId: test.id, position, algorithmId: arm.algorithm.id, weight: arm.weight, previousStatus }).run();
        transitions.push(...moved);
      });
      return test.id;
    });
    const test = this.get(id);
    this.events.emit('status.changed', { cause: 'experiment.started', transitions });
    this.events.emit('experiment.started', { test });
    return test;
  }

  /** The classic edit: title and created_by only (changing arms mid-test would void its statistics). */
  async rename(id: number, changes: { title?: string; createdBy?: string }): Promise<AbTest> {
    this.get(id);
    const set: { title?: string; createdBy?: string } = {};
    if (changes.title !== undefined) set.title = changes.title.trim();
    if (changes.createdBy !== undefined) set.createdBy = changes.createdBy.trim();
    if (set.title === '') throw invalidInput('title must not be empty', 'title');
    if (Object.keys(set).length) {
      await this.writes.transaction(`A/B test ${id}`, (tx) => tx.update(abTests).set(set).where(eq(abTests.id, id)).run());
    }
    return this.get(id);
  }

  /** Live results from the requests the test routed and their feedback. */
  results(test: AbTest): AbResultsView {
    return this.evaluate(test).view;
  }

  timeline(test: AbTest): Timeline {
    const arms = this.armIdentities(test);
    return buildTimeline(readTestRequests(this.sqlite, test.id), arms, test.metric);
  }

  /** What stopping would do now, without doing it (the UI shows this before the user confirms). */
  planStop(id: number, input: StopAbTestInput): StopPlan {
    const test = this.get(id);
    return planStop(test, this.evaluate(test).view, input, this.stopContext(test), true);
  }

  /** Stops the test as planStop describes: promotes a proven (or forced) winner, else restores every arm. */
  async stop(id: number, input: StopAbTestInput): Promise<{ test: AbTest; stored: StoredResult; plan: StopPlan }> {
    const test = this.get(id);
    const { view } = this.evaluate(test);
    const plan = planStop(test, view, input, this.stopContext(test), false);
    const { outcome } = plan;
    const createdBy = input.createdBy?.trim() || test.createdBy;
    const endedAt = nowIso();
    const summary = `${classicSummary(test.metric, view)}${outcome.promotedAlgorithmId === null ? `. No winner promoted: ${outcome.reason}` : ''}`;
    const stored: StoredResult = { results: view, outcome };

    const transitions: StatusTransition[] = [];
    await this.writes.transaction(`the end of A/B test ${test.id}`, (tx) => {
      transitions.length = 0;
      // stopped meanwhile (while this call waited for the lock)
      if (tx.select({ state: abTests.state }).from(abTests).where(eq(abTests.id, test.id)).get()?.state !== 'running') {
        throw conflict('AB Test already finished.');
      }
      for (const change of plan.changes) {
        const won = change.algorithmId === outcome.promotedAlgorithmId;
        transitions.push(...applyStatusChange(tx, {
          algorithmId: change.algorithmId,
          endpointId: test.endpointId,
          status: change.to,
          createdBy,
          reason: `A/B test ${test.id} stopped: ${won ? 'winner' : outcome.promotedAlgorithmId === null ? 'no winner, status restored' : 'not the winner'}. ${outcome.reason}`.slice(0, 1000),
          by: 'experiment'
        }));
      }
      tx.update(abTests)
        .set({ state: 'stopped', endedAt, summary, result: stored })
        .where(eq(abTests.id, test.id))
        .run();
    });
    const stopped = this.get(id);
    this.events.emit('status.changed', { cause: 'experiment.stopped', transitions });
    this.events.emit('experiment.stopped', { test: stopped, outcome });
    return { test: stopped, stored, plan };
  }

  private stopContext(test: AbTest) {
    const arms = test.arms.map((a) => this.registry.getAlgorithm(a.algorithmId));
    const armIds = new Set(test.arms.map((a) => a.algorithmId));
    const production = this.registry.listAlgorithms({ endpointId: test.endpointId, status: 'production' }).find((a) => !armIds.has(a.id));
    return { arms, production };
  }

  private evaluate(test: AbTest) {
    const arms = this.armIdentities(test);
    const refused = this.refusedByArm(test);
    const observations = observe(readTestRequests(this.sqlite, test.id), arms, test.metric, refused);
    const computed = computeResults(test.metric, arms, observations, test.minimumDetectableDifference);
    for (const arm of computed.view.arms) arm.refused = refused.get(arm.algorithm_id) ?? 0;
    return computed;
  }

  private armIdentities(test: AbTest) {
    return test.arms.map((arm) => {
      const algorithm = this.registry.getAlgorithm(arm.algorithmId);
      return { algorithmId: arm.algorithmId, name: `${algorithm.name} ${algorithm.version}`, version: algorithm.version, weight: arm.weight };
    });
  }

  private checkArms(input: CreateAbTestInput): Algorithm[] {
    if (input.arms.length < 2) throw invalidInput('an A/B test needs at least two arms', 'arms');
    const field = (i: number) => (input.arms.length === 2 ? `parent_mlalgorithm_${i + 1}` : `arms[${i}].algorithm_id`);
    const algorithms = input.arms.map((arm, i) => {
      try {
        return this.registry.getAlgorithm(arm.algorithmId);
      } catch {
        throw invalidInput(`algorithm ${arm.algorithmId} does not exist`, field(i));
      }
    });
    validateWeights(input.arms.map((arm, i) => ({ weight: arm.weight ?? 1, name: `${algorithms[i]!.name} ${algorithms[i]!.version}` })));
    const seen = new Set<number>();
    algorithms.forEach((a, i) => {
      if (seen.has(a.id)) throw invalidInput(`algorithm ${a.id} is in the test twice; each arm needs a different algorithm`, field(i));
      seen.add(a.id);
      if (a.endpointId !== algorithms[0]!.endpointId) {
        throw invalidInput(`all arms must belong to one endpoint: algorithm ${a.id} is on "${a.endpointName}", not "${algorithms[0]!.endpointName}"`, field(i));
      }
      if (a.currentStatus === 'archived') throw invalidInput(`algorithm ${a.id} is archived; restore it before testing it`, field(i));
    });
    return algorithms;
  }

  /** Tests with their arms and endpoint names: two queries however many tests there are. */
  private hydrate(rows: TestRow[]): AbTest[] {
    if (rows.length === 0) return [];
    const armRows = this.db
      .select()
      .from(abTestArms)
      .where(inArray(abTestArms.abTestId, sql`(select value from json_each(${JSON.stringify(rows.map((r) => r.id))}))`))
      .orderBy(asc(abTestArms.abTestId), asc(abTestArms.position))
      .all();
    const armsOf = new Map<number, typeof armRows>();
    for (const arm of armRows) armsOf.set(arm.abTestId, [...(armsOf.get(arm.abTestId) ?? []), arm]);
    const endpointIds = JSON.stringify([...new Set(rows.map((r) => r.endpointId))]);
    const names = new Map(
      this.db
        .select({ id: endpoints.id, name: endpoints.name })
        .from(endpoints)
        .where(inArray(endpoints.id, sql`(select value from json_each(${endpointIds}))`))
        .all()
        .map((e) => [e.id, e.name])
    );
    return rows.map((row) => ({
      ...row,
      endpointName: names.get(row.endpointId) ?? '',
      arms: (armsOf.get(row.id) ?? []).map((a) => ({ position: a.position, algorithmId: a.algorithmId, weight: a.weight, previousStatus: a.previousStatus })),
      stored: row.result as StoredResult | null
    }));
  }
}

function checkMetric(metric: AbMetric, algorithms: Algorithm[]): void {
  const wanted = metricTask[metric];
  const off = algorithms.find((a) => a.task !== wanted);
  if (off) throw invalidInput(`metric "${metric}" needs ${wanted} models; algorithm ${off.id} is ${off.task}`, 'metric');
}
