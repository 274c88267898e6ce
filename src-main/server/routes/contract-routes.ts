import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorBody } from '../../contract/classic.ts';
import { CompatibilityBody, CompatibilityQuery, RollbackBody, RollbackQuery, RollbackRequest } from '../../contract/input-contract.ts';
import { invalidInput } from '../../core/errors.ts';
import type { Core } from '../../core/index.ts';
import type { Algorithm } from '../../core/registry/types.ts';
import { planRollback, rollback } from '../../core/registry/rollback.ts';
import { storageErrorResponses } from '../error-handler.ts';
import { idParam } from '../params.ts';

const IdParams = Type.Object({ id: Type.String() });
const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const ref = (a: Algorithm | null) => a && { id: a.id, name: a.name, version: a.version };

/** An endpoint's input contract against an algorithm, and rolling back (issue 12 §1, §3). */
export const contractRoutes =
  (core: Core): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/endpoints/:id/compatibility',
      {
        schema: {
          tags: ['registry'],
          description:
            'Compares an algorithm with the endpoint\'s input contract: the differences (breaking, warning, info) and what they mean for existing clients. ' +
            'What promoting it, or testing it in an A/B test, would be refused for.',
          params: IdParams,
          querystring: CompatibilityQuery,
          response: { 200: CompatibilityBody, ...errors }
        }
      },
      async (request) => {
        const endpoint = core.registry.getEndpoint(idParam(request.params.id, 'endpoint'));
        const algorithm = core.registry.getAlgorithm(request.query.algorithm);
        if (algorithm.endpointId !== endpoint.id) {
          throw invalidInput(`algorithm ${algorithm.id} belongs to "${algorithm.endpointName}", not "${endpoint.name}"`, 'algorithm');
        }
        return core.registry.contracts.check(endpoint, algorithm);
      }
    );

    app.post(
      '/endpoints/:id/rollback',
      {
        // a dry run may be an empty POST
        preValidation: async (request) => {
          request.body ??= {};
        },
        schema: {
          tags: ['registry'],
          security: [{ bearer: [] }],
          description:
            'Puts back in production the algorithm that was in production before the current one (the current one moves to staging), ' +
            'as a status change with its reason. dry_run=true says what it would do, and whether it can. 409 when there is nothing to go back to, ' +
            'or when the earlier algorithm breaks the endpoint\'s input contract (allow_breaking_change with the reason overrides).',
          params: IdParams,
          querystring: RollbackQuery,
          body: RollbackRequest,
          response: { 200: RollbackBody, ...errors, ...storageErrorResponses }
        }
      },
      async (request) => {
        const endpointId = idParam(request.params.id, 'endpoint');
        const body = request.body ?? {};
        if (request.query.dry_run) {
          const plan = planRollback(core.registry, endpointId);
          return { dry_run: true, applied: false, possible: plan.target !== null, from: ref(plan.current), to: ref(plan.target), since: plan.since, description: plan.description, compatibility: plan.compatibility };
        }
        const reason = body.reason?.trim();
        if (!reason) throw invalidInput('reason is required: why roll back (kept in the status history)', 'reason');
        const { plan } = await rollback(core.registry, endpointId, {
          createdBy: body.created_by?.trim() || 'api',
          reason,
          ...(body.allow_breaking_change === undefined ? {} : { allowBreakingChange: body.allow_breaking_change })
        });
        return { dry_run: false, applied: true, possible: true, from: ref(plan.current), to: ref(plan.target), since: plan.since, description: plan.description, compatibility: plan.compatibility };
      }
    );
  };
