import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorBody, FeedbackRequest, MLRequestBody, MLRequestPage, MLRequestQuery } from '../../contract/classic.ts';
import type { Core } from '../../core/index.ts';
import type { RequestFilter } from '../../core/requests/request-log.ts';
import { drfPage } from '../pagination.ts';
import { storageErrorResponses } from '../error-handler.ts';
import { endpointIdOf, idParam } from '../params.ts';
import { requestBody } from '../serializers.ts';

const IdParams = Type.Object({ id: Type.String() });

/** The request log (admin) and feedback on it (open, as the tutorial's clients expect). */
export const requestRoutes =
  (core: Core): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/mlrequests',
      {
        schema: {
          tags: ['requests'],
          security: [{ bearer: [] }],
          description: 'The request log, paginated in Django REST framework\'s shape.',
          querystring: MLRequestQuery,
          response: { 200: MLRequestPage, 400: ErrorBody, 401: ErrorBody }
        }
      },
      async (request) => {
        const q = request.query;
        const page = q.page ?? 1;
        const pageSize = q.page_size ?? 100;
        const filter: RequestFilter = {
          ...(q.endpoint === undefined ? {} : { endpointId: endpointIdOf(core, q.endpoint) }),
          ...(q.algorithm === undefined ? {} : { algorithmId: q.algorithm }),
          ...(q.ab_test === undefined ? {} : { abTestId: q.ab_test }),
          ...(q.status === undefined ? {} : { status: q.status }),
          ...(q.api_key === undefined ? {} : { apiKeyId: q.api_key }),
          ...(q.client_request_id === undefined ? {} : { clientRequestId: q.client_request_id }),
          ...(q.feedback === undefined ? {} : { hasFeedback: q.feedback }),
          ...(q.from === undefined ? {} : { from: q.from }),
          ...(q.to === undefined ? {} : { to: q.to }),
          ...(q.order === undefined ? {} : { order: q.order })
        };
        const result = core.requests.list(filter, page, pageSize);
        return drfPage(request, page, pageSize, result.count, result.results.map(requestBody));
      }
    );

    app.get(
      '/mlrequests/:id',
      {
        schema: {
          tags: ['requests'],
          security: [{ bearer: [] }],
          params: IdParams,
          response: { 200: MLRequestBody, 401: ErrorBody, 404: ErrorBody }
        }
      },
      async (request) => requestBody(core.requests.get(idParam(request.params.id, 'request')))
    );

    for (const method of ['PUT', 'PATCH'] as const) {
      app.route({
        method,
        url: '/mlrequests/:id',
        schema: {
          tags: ['requests'],
          description: 'Stores the ground truth for a prediction: {"feedback": "…"} as JSON or form-encoded.',
          consumes: ['application/json', 'application/x-www-form-urlencoded'],
          params: IdParams,
          body: FeedbackRequest,
          response: { 200: MLRequestBody, 400: ErrorBody, 404: ErrorBody, ...storageErrorResponses }
        },
        handler: async (request) => {
          const id = idParam(request.params.id, 'request');
          const body = request.body ?? {};
          if (!('feedback' in body) || body.feedback === undefined) return requestBody(core.requests.get(id));
          const value = body.feedback;
          return requestBody(await core.requests.setFeedback(id, value === null ? null : String(value)));
        }
      });
    }
  };
