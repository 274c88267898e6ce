import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AbTestBody, AbTimeline, CreateAbTestRequest, StopQuery, StopRequest, StopResponse } from '../../contract/abtests.ts';
import { ErrorBody } from '../../contract/classic.ts';
import { invalidInput } from '../../core/errors.ts';
import type { StopPlan } from '../../core/experiments/stop-plan.ts';
import type { AbTest, StopAbTestInput } from '../../core/experiments/types.ts';
import type { Core } from '../../core/index.ts';
import { storageErrorResponses } from '../error-handler.ts';
import { idParam } from '../params.ts';

const IdParams = Type.Object({ id: Type.String() });
const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody };

/** A/B tests: the classic routes (seed-api §4.7–4.8) with honest statistics (DESIGN §5). */
export const abTestRoutes =
  (core: Core): FastifyPluginAsyncTypebox =>
  async (app) => {
    const body = (test: AbTest, withResults: boolean) => ({
      id: test.id,
      title: test.title,
      created_by: test.createdBy,
      created_at: test.createdAt,
      ended_at: test.endedAt,
      summary: test.summary,
      parent_mlalgorithm_1: test.arms[0]!.algorithmId,
      parent_mlalgorithm_2: test.arms[1]!.algorithmId,
      endpoint: test.endpointId,
      endpoint_name: test.endpointName,
      mode: test.mode,
      metric: test.metric,
      state: test.state,
      arms: test.arms.map((a) => ({ algorithm_id: a.algorithmId, weight: a.weight })),
      ...(withResults ? { results: test.stored?.results ?? core.abTests.results(test) } : {}),
      outcome: test.stored
        ? {
            promoted_algorithm_id: test.stored.outcome.promotedAlgorithmId,
            forced: test.stored.outcome.forced,
            reason: test.stored.outcome.reason
          }
        : null
    });

    app.get('/abtests', { schema: { tags: ['abtests'], response: { 200: Type.Array(AbTestBody) } } }, async () =>
      core.abTests.list().map((t) => body(t, false))
    );

    app.post(
      '/abtests',
      {
        schema: {
          tags: ['abtests'],
          security: [{ bearer: [] }],
          description:
            'Starts a test: the tutorial body (title, created_by, parent_mlalgorithm_1, parent_mlalgorithm_2) or `arms` with weights. Arms move to ab_testing in one transaction. ' +
            'Every arm is checked against the endpoint\'s input contract: 409 with `differences` unless allow_breaking_change=true with a reason.',
          body: CreateAbTestRequest,
          response: { 201: AbTestBody, ...errors, ...storageErrorResponses }
        }
      },
      async (request, reply) => {
        const b = request.body;
        const arms =
          b.arms?.map((a) => ({ algorithmId: a.algorithm_id, ...(a.weight === undefined ? {} : { weight: a.weight }) })) ??
          pairArms(b.parent_mlalgorithm_1, b.parent_mlalgorithm_2);
        const test = await core.abTests.create({
          title: b.title,
          createdBy: b.created_by,
          arms,
          ...(b.mode === undefined ? {} : { mode: b.mode }),
          ...(b.metric === undefined ? {} : { metric: b.metric }),
          ...(b.minimum_detectable_difference === undefined ? {} : { minimumDetectableDifference: b.minimum_detectable_difference }),
          ...(b.allow_breaking_change === undefined ? {} : { allowBreakingChange: b.allow_breaking_change }),
          ...(b.reason === undefined ? {} : { reason: b.reason })
        });
        return reply.code(201).send(body(test, true));
      }
    );

    app.get(
      '/abtests/:id',
      { schema: { tags: ['abtests'], params: IdParams, response: { 200: AbTestBody, ...errors } } },
      async (request) => body(core.abTests.get(idParam(request.params.id, 'ABTest')), true)
    );

    for (const method of ['PUT', 'PATCH'] as const) {
      app.route({
        method,
        url: '/abtests/:id',
        schema: {
          tags: ['abtests'],
          security: [{ bearer: [] }],
          description: 'Edits title and created_by. Arms cannot change while a test runs: that would void its statistics.',
          params: IdParams,
          body: Type.Object({
            title: Type.Optional(Type.String({ minLength: 1, maxLength: 10000 })),
            created_by: Type.Optional(Type.String({ minLength: 1, maxLength: 128 }))
          }),
          response: { 200: AbTestBody, ...errors, ...storageErrorResponses }
        },
        handler: async (request) => {
          const id = idParam(request.params.id, 'ABTest');
          const b = request.body;
          const test = await core.abTests.rename(id, {
            ...(b.title === undefined ? {} : { title: b.title }),
            ...(b.created_by === undefined ? {} : { createdBy: b.created_by })
          });
          return body(test, true);
        }
      });
    }

    app.get(
      '/abtests/:id/timeline',
      { schema: { tags: ['abtests'], params: IdParams, response: { 200: AbTimeline, ...errors } } },
      async (request) => core.abTests.timeline(core.abTests.get(idParam(request.params.id, 'ABTest')))
    );

    app.post(
      '/stop_ab_test/:id',
      {
        // the tutorial stops a test with an empty POST
        preValidation: async (request) => {
          request.body ??= {};
        },
        schema: {
          tags: ['abtests'],
          security: [{ bearer: [] }],
          description:
            'Stops the test. The winner is promoted to production only when the sequential verdict says it is better; otherwise every arm gets its status from before the test back. ' +
            'keep_production=true stops without promoting, whatever the verdict (always possible, with or without traffic); force_winner with a reason overrides the verdict. ' +
            'dry_run=true answers what stopping would do (`description`, `changes`) and changes nothing.',
          params: IdParams,
          querystring: StopQuery,
          body: StopRequest,
          response: { 200: StopResponse, ...errors, ...storageErrorResponses }
        }
      },
      async (request) => {
        const id = idParam(request.params.id, 'ABTest');
        const b = request.body ?? {};
        const input: StopAbTestInput = {
          ...(b.keep_production === undefined ? {} : { keepProduction: b.keep_production }),
          ...(b.force_winner === undefined ? {} : { forceWinner: b.force_winner }),
          ...(b.reason === undefined ? {} : { reason: b.reason }),
          ...(b.created_by === undefined ? {} : { createdBy: b.created_by })
        };
        if (request.query.dry_run) {
          const plan = core.abTests.planStop(id, input);
          return { message: 'Dry run: nothing was changed.', dry_run: true, ...planBody(plan) };
        }
        const { stored, plan } = await core.abTests.stop(id, input);
        const test = core.abTests.get(id);
        return { message: 'AB Test finished.', summary: test.summary ?? '', result: stored.results, dry_run: false, ...planBody(plan) };
      }
    );
  };

function planBody(plan: StopPlan) {
  return {
    outcome: { promoted_algorithm_id: plan.outcome.promotedAlgorithmId, forced: plan.outcome.forced, reason: plan.outcome.reason },
    changes: plan.changes.map((c) => ({ algorithm_id: c.algorithmId, arm: c.arm, name: c.name, version: c.version, from: c.from, to: c.to })),
    description: plan.description
  };
}

function pairArms(first: number | undefined, second: number | undefined) {
  if (first === undefined) throw invalidInput('parent_mlalgorithm_1 is required (or give arms)', 'parent_mlalgorithm_1');
  if (second === undefined) throw invalidInput('parent_mlalgorithm_2 is required (or give arms)', 'parent_mlalgorithm_2');
  return [{ algorithmId: first }, { algorithmId: second }];
}
