import type { FastifyInstance, RouteOptions } from 'fastify';
import { ErrorBody } from '../contract/classic.ts';
import { isOipPath } from './error-handler.ts';
import { OipError } from './oip/schemas.ts';

/**
 * The statuses every route can answer because of what it is rather than what it does, declared
 * in one place as each route is added (so routes of any module get them, and /openapi.json
 * lists every status a route can return):
 * - 400 (the Host check, X-Request-Id, parameters), 403 (the Origin check), 500: every route;
 * - 401: admin routes (and predict/feedback/infer, which need the token when the server is
 *   exposed beyond loopback);
 * - 404: routes with path parameters (an unknown id; an empty segment is no route);
 * - 413 and 415: routes that take a body.
 * Each route still declares its own successes and its domain errors (409, 507, …); the
 * OpenAPI walk (openapi-walk.test.ts) fails for a route that declares no success response.
 */
const descriptions: Record<number, string> = {
  400: 'bad request: a field, parameter or header is invalid (the message names it)',
  401: 'no valid credential: send "Authorization: Bearer <token>"',
  403: 'refused: a cross-origin request',
  404: 'not found: no such resource, or no such route',
  413: 'the body (or its decompressed size) is over the limit',
  415: 'the body\'s media type (or Content-Encoding) is not accepted here; the message names it',
  500: 'the server or the model failed'
};

const bodyMethods = new Set(['POST', 'PUT', 'PATCH']);

export function impliedStatuses(route: Pick<RouteOptions, 'url' | 'method' | 'config'>): number[] {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const config = (route.config ?? {}) as { admin?: boolean; open?: boolean };
  const statuses = [400, 403, 500];
  if (config.admin === true || config.open === true) statuses.push(401);
  if (/\/:[^/]/.test(route.url)) statuses.push(404);
  if (methods.some((m) => bodyMethods.has(m.toUpperCase()))) statuses.push(413, 415);
  return statuses.sort();
}

export function declareImpliedResponses(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const schema = (route.schema ??= {});
    if ((schema as { hide?: boolean }).hide === true) return;
    const response = ((schema.response as Record<string, unknown> | undefined) ??= {});
    const error = isOipPath(route.url) ? OipError : ErrorBody;
    for (const status of impliedStatuses(route)) {
      if (response[status] === undefined && response[String(status)] === undefined) {
        response[status] = { ...error, description: descriptions[status] };
      }
    }
    const config = (route.config ?? {}) as { admin?: boolean };
    if (config.admin === true && (schema as { security?: unknown }).security === undefined) {
      (schema as { security?: unknown }).security = [{ bearer: [] }];
    }
  });
}
