import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AlgorithmBody, EndpointBody, ErrorBody } from '../../contract/classic.ts';
import { AlgorithmPatchRequest, DeleteAlgorithmBody, EndpointPatchRequest, MetadataChangeBody, MetadataHistoryQuery } from '../../contract/metadata.ts';
import type { Core } from '../../core/index.ts';
import { storageErrorResponses } from '../error-handler.ts';
import { idParam } from '../params.ts';
import { algorithmBody, endpointBody, metadataChangeBody } from '../serializers.ts';

const IdParams = Type.Object({ id: Type.String() });
const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody };

/** Who made an edit and why, as the core takes them. */
const authorOf = ({ created_by, reason }: { created_by: string; reason?: string | undefined }) => ({ createdBy: created_by, ...(reason === undefined ? {} : { reason }) });

/**
 * Editing endpoints' and algorithms' metadata with its history, and deleting a version that never
 * served (issue 12 §5). Admin only; the history is a read like the status history.
 */
export const metadataRoutes =
  (core: Core): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.patch(
      '/endpoints/:id',
      {
        schema: {
          tags: ['registry'],
          security: [{ bearer: [] }],
          description: 'Edits an endpoint\'s description, owner, notes, tags or the free-text feedback setting. Only the fields sent change; the edit is kept in the metadata history.',
          params: IdParams,
          body: EndpointPatchRequest,
          response: { 200: EndpointBody, ...errors, ...storageErrorResponses }
        }
      },
      async (request) => {
        const { created_by, reason, ...edit } = request.body;
        const endpoint = await core.registry.metadata.editEndpoint(idParam(request.params.id, 'endpoint'), edit, authorOf({ created_by, reason }));
        return { ...endpointBody(endpoint), contract: core.registry.contracts.contract(endpoint.id) };
      }
    );

    app.patch(
      '/mlalgorithms/:id',
      {
        schema: {
          tags: ['registry'],
          security: [{ bearer: [] }],
          description:
            'Edits an algorithm version\'s description, owner, notes, tags, metrics (replaced whole) or input example (checked against the model). ' +
            'Only the fields sent change; the edit is kept in the metadata history. The model file and signature never change.',
          params: IdParams,
          body: AlgorithmPatchRequest,
          response: { 200: AlgorithmBody, ...errors, ...storageErrorResponses }
        }
      },
      async (request) => {
        const { created_by, reason, ...edit } = request.body;
        const algorithm = await core.registry.metadata.editAlgorithm(idParam(request.params.id, 'algorithm'), edit, authorOf({ created_by, reason }));
        return algorithmBody(algorithm);
      }
    );

    app.delete(
      '/mlalgorithms/:id',
      {
        schema: {
          tags: ['registry'],
          security: [{ bearer: [] }],
          description:
            'Deletes an algorithm version that never served a request (a typo upload): the algorithm, its statuses and metadata, and its model file when no other version uses it. ' +
            'A version that served, took part in an A/B test or is in production: 409 (archive it instead).',
          params: IdParams,
          response: { 200: DeleteAlgorithmBody, ...errors, 409: ErrorBody, ...storageErrorResponses }
        }
      },
      async (request) => {
        const { algorithm, artifactRemoved } = await core.registry.deleteAlgorithm(idParam(request.params.id, 'algorithm'));
        return {
          deleted: algorithm.id,
          artifact_removed: artifactRemoved,
          message: `deleted "${algorithm.name}" version "${algorithm.version}" of "${algorithm.endpointName}"${artifactRemoved ? ' and its model file' : ''}`
        };
      }
    );

    app.get(
      '/metadatahistory',
      {
        schema: {
          tags: ['registry'],
          description: 'Every edit of endpoints\' and algorithms\' metadata, oldest first: who, when, why, and each field before and after.',
          querystring: MetadataHistoryQuery,
          response: { 200: Type.Array(MetadataChangeBody) }
        }
      },
      async (request) => {
        const { endpoint, algorithm } = request.query;
        return core.registry.metadata
          .history({ ...(endpoint === undefined ? {} : { endpointId: endpoint }), ...(algorithm === undefined ? {} : { algorithmId: algorithm }) })
          .map(metadataChangeBody);
      }
    );
  };
