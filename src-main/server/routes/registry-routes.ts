import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AlgorithmBody,
  AlgorithmStatusBody,
  EndpointBody,
  ErrorBody,
  SetStatusRequest
} from '../../contract/classic.ts';
import { AlgorithmStatusSchema } from '../../contract/enums.ts';
import type { Core } from '../../core/index.ts';
import { storageErrorResponses } from '../error-handler.ts';
import { idParam } from '../params.ts';
import { algorithmBody, endpointBody, statusBody } from '../serializers.ts';
import { registerAlgorithmRoute } from './register-algorithm.ts';

const IdParams = Type.Object({ id: Type.String() });
const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody };

/** Endpoints, algorithms and their status history: the classic registry routes. */
export const registryRoutes =
  (core: Core): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get('/endpoints', { schema: { tags: ['registry'], response: { 200: Type.Array(EndpointBody) } } }, async () =>
      core.registry.listEndpoints().map(endpointBody)
    );

    app.get(
      '/endpoints/:id',
      { schema: { tags: ['registry'], params: IdParams, response: { 200: EndpointBody, ...errors } } },
      async (request) => {
        const endpoint = core.registry.getEndpoint(idParam(request.params.id, 'endpoint'));
        return { ...endpointBody(endpoint), contract: core.registry.contracts.contract(endpoint.id) };
      }
    );

    app.get(
      '/mlalgorithms',
      {
        schema: {
          tags: ['registry'],
          querystring: Type.Object({
            endpoint: Type.Optional(Type.String({ description: 'endpoint name' })),
            status: Type.Optional(AlgorithmStatusSchema)
          }),
          response: { 200: Type.Array(AlgorithmBody), 400: ErrorBody }
        }
      },
      async (request) => {
        const { endpoint, status } = request.query;
        const endpointId = endpoint === undefined ? undefined : (core.registry.findEndpointByName(endpoint)?.id ?? -1);
        return core.registry
          .listAlgorithms({
            ...(endpointId === undefined ? {} : { endpointId }),
            ...(status === undefined ? {} : { status })
          })
          .map(algorithmBody);
      }
    );

    app.get(
      '/mlalgorithms/:id',
      { schema: { tags: ['registry'], params: IdParams, response: { 200: AlgorithmBody, ...errors } } },
      async (request) => algorithmBody(core.registry.getAlgorithm(idParam(request.params.id, 'algorithm')))
    );

    await app.register(registerAlgorithmRoute(core));

    app.get(
      '/mlalgorithmstatuses',
      {
        schema: {
          tags: ['registry'],
          querystring: Type.Object({ algorithm: Type.Optional(Type.Integer()) }),
          response: { 200: Type.Array(AlgorithmStatusBody) }
        }
      },
      async (request) =>
        core.registry
          .listStatuses(request.query.algorithm === undefined ? {} : { algorithmId: request.query.algorithm })
          .map(statusBody)
    );

    app.get(
      '/mlalgorithmstatuses/:id',
      { schema: { tags: ['registry'], params: IdParams, response: { 200: AlgorithmStatusBody, ...errors } } },
      async (request) => statusBody(core.registry.getStatus(idParam(request.params.id, 'status')))
    );

    app.post(
      '/mlalgorithmstatuses',
      {
        schema: {
          tags: ['registry'],
          description:
            'Sets a new status. A new production moves the endpoint\'s previous production to staging in the same transaction. ' +
            'A promotion to production is checked against the endpoint\'s input contract: 409 with `differences` when it would break ' +
            'existing clients, unless allow_breaking_change=true with a reason. ' +
            'Refused with 409: a change to an arm of a running A/B test (stop the test first), and a change that takes the ' +
            'endpoint\'s production away unless promote_mlalgorithm names its successor or stop_serving is true with a reason. ' +
            'ab_testing is set only by starting an A/B test (400).',
          security: [{ bearer: [] }],
          body: SetStatusRequest,
          response: { 201: AlgorithmStatusBody, 409: ErrorBody, ...storageErrorResponses, ...errors }
        }
      },
      async (request, reply) => {
        const body = request.body;
        const status = await core.registry.setStatus({
          algorithmId: Number(body.parent_mlalgorithm),
          status: body.status,
          createdBy: body.created_by,
          ...(body.reason === undefined ? {} : { reason: body.reason }),
          ...(body.allow_breaking_change === undefined ? {} : { allowBreakingChange: body.allow_breaking_change }),
          ...(body.promote_mlalgorithm === undefined ? {} : { promoteAlgorithmId: Number(body.promote_mlalgorithm) }),
          ...(body.stop_serving === undefined ? {} : { stopServing: body.stop_serving })
        });
        return reply.code(201).send(statusBody(status));
      }
    );
  };
