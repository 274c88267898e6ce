import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { BatchPredictionResponse, ErrorBody, PredictQuery, PredictionResponse } from '../../contract/classic.ts';
import type { Core, InferResult } from '../../core/index.ts';
import { storageErrorResponses } from '../error-handler.ts';
import { markFailure, selectionObserver } from '../prediction-accounting.ts';

/** POST /api/v1/{endpoint_name}/predict: the classic predict, one record or an array. */
export const predictRoute =
  (core: Core): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post(
      '/:endpoint_name/predict',
      {
        config: { prediction: true },
        schema: {
          tags: ['predict'],
          consumes: ['application/json', 'application/x-www-form-urlencoded'],
          description:
            'One record (JSON object or form fields) → one prediction; an array of records → {"predictions": [...]}. ' +
            'During an A/B test, calls that pin neither status nor version are routed by the test ' +
            '(sticky per X-Client-Key header or client_key parameter).',
          params: Type.Object({ endpoint_name: Type.String() }),
          querystring: PredictQuery,
          headers: Type.Object({ 'x-client-key': Type.Optional(Type.String({ maxLength: 256 })) }),
          body: Type.Unknown({ description: 'a record object, or an array of records' }),
          response: {
            200: Type.Union([BatchPredictionResponse, PredictionResponse]),
            400: ErrorBody,
            413: ErrorBody,
            415: ErrorBody,
            ...storageErrorResponses
          }
        }
      },
      async (request, reply) => {
        const q = request.query;
        const result = await core.infer(request.params.endpoint_name, { kind: 'body', body: request.body }, {
          ...(q.status === undefined ? {} : { status: q.status }),
          ...(q.version === undefined ? {} : { version: q.version }),
          ...(q.algorithm_id === undefined ? {} : { algorithmId: q.algorithm_id }),
          clientKey: request.headers['x-client-key'] ?? q.client_key ?? null,
          apiKeyId: request.credential?.keyId ?? null,
          clientRequestId: request.id,
          alone: request.server.soleConnection(),
          onSelected: selectionObserver(request)
        });
        if (result.answers.some((a) => a.status !== 'OK')) markFailure(request, 'model_error');
        // The body is assembled from each answer's JSON (InferResult.answerJson) rather than
        // through the response schema's serializer: Fastify sends JSON text as it is, and it has
        // the schema's shape (classic-answer.test.ts).
        return reply.type('application/json').send(classicJson(result) as never);
      }
    );
  };


/** The classic answer as JSON text: one record's answer, or {"predictions": [...], "status": "OK"} for an array. */
function classicJson(result: InferResult): string {
  if (!result.many) return result.answerJson(0);
  const texts = result.answers.map((_, i) => result.answerJson(i));
  return `{"predictions":[${texts.join(',')}],"status":"OK"}`;
}
