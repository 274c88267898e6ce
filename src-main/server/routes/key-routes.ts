import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CreatedKeyBody, CreateKeyRequest, KeyBody, type ApiKey } from '../../contract/access.ts';
import { ErrorBody } from '../../contract/classic.ts';
import { keyState, type ApiKeyRecord } from '../../core/access/api-keys.ts';
import type { Core } from '../../core/index.ts';
import { storageErrorResponses } from '../error-handler.ts';
import { idParam } from '../params.ts';

const IdParams = Type.Object({ id: Type.String() });
const tags = ['access'];
const security = [{ bearer: [] }];

/** API keys (issue 17 §2): create (the secret shown once), list (never the secrets), revoke. Admin only. */
export const keyRoutes =
  (core: Core): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/keys',
      { schema: { tags, security, description: 'Every API key, revoked and expired ones included; never a secret.', response: { 200: Type.Array(KeyBody), 401: ErrorBody, 403: ErrorBody } } },
      async () => core.keys.list().map(keyBody)
    );

    app.post(
      '/keys',
      {
        schema: {
          tags,
          security,
          description:
            'Creates a key. The answer carries its secret in `key`, this once: only its SHA-256 is stored. ' +
            'Send it as "Authorization: Bearer <key>". Scopes: predict (predictions and feedback, optionally only for `endpoints`), ' +
            'read (registry reads, request log, monitoring, exports), admin (everything, keys included).',
          body: CreateKeyRequest,
          response: { 201: CreatedKeyBody, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 409: ErrorBody, ...storageErrorResponses }
        }
      },
      async (request, reply) => {
        const b = request.body;
        const { key, secret } = await core.keys.create({
          name: b.name,
          scope: b.scope,
          endpoints: b.endpoints ?? null,
          expiresAt: b.expires_at ?? null,
          rateLimit: b.rate_limit ?? null,
          createdBy: request.credential?.name ?? ''
        });
        // the secret must not be cached or kept by anything between here and the client
        return reply.code(201).header('cache-control', 'no-store').send({ ...keyBody(key), key: secret });
      }
    );

    app.delete(
      '/keys/:id',
      {
        schema: {
          tags,
          security,
          description: 'Revokes the key: refused from its next request on (also on an open keep-alive connection). Revoking again changes nothing.',
          params: IdParams,
          response: { 200: KeyBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, ...storageErrorResponses }
        }
      },
      async (request) => keyBody(await core.keys.revoke(idParam(request.params.id, 'API key')))
    );
  };

export const keyBody = (k: ApiKeyRecord): ApiKey => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  scope: k.scope,
  endpoints: k.endpoints,
  created_by: k.createdBy,
  created_at: k.createdAt,
  expires_at: k.expiresAt,
  rate_limit: k.rateLimit,
  last_used_at: k.lastUsedAt,
  last_used_address: k.lastUsedAddress,
  revoked_at: k.revokedAt,
  state: keyState(k, new Date())
});
