import type { FastifyInstance, RouteOptions } from 'fastify';
import { ErrorBody } from '../contract/classic.ts';
import { ruleOf } from './access/route-table.ts';
import { isOipPath } from './error-handler.ts';
import { OipError } from './oip/schemas.ts';

/**
 * The statuses every route can answer because of what it is rather than what it does, declared
 * in one place as each route is added (so routes of any module get them, and /openapi.json
 * lists every status a route can return):
 * - 400 (the Host check, X-Request-Id, parameters), 403 (the Origin check), 500: every route;
 * - 401, 403 and 429: every route the access table (access/route-table.ts) does not make public:
 *   no or a wrong credential, one without the scope or endpoint, a key over its rate limit
 *   (open routes need none on loopback, but a wrong one presented is still refused);
 * - 404: routes with path parameters (an unknown id; an empty segment is no route);
 * - 413 and 415: routes that take a body.
 * Each route still declares its own successes and its domain errors (409, 507, …); the
 * OpenAPI walk (openapi-walk.test.ts) fails for a route that declares no success response.
 */
const descriptions: Record<number, string> = {
  400: 'bad request: a field, parameter or header is invalid (the message names it)',
  401: 'no valid credential: send "Authorization: Bearer <admin token or API key>" (a wrong, revoked or expired one is refused too)',
  403: 'refused: a cross-origin request, or a credential without the scope (or endpoint) this route needs',
  404: 'not found: no such resource, or no such route',
  413: 'the body (or its decompressed size) is over the limit',
  415: 'the body\'s media type (or Content-Encoding) is not accepted here; the message names it',
  429: 'this API key is over its rate limit: Retry-After says in how many seconds to try again',
  500: 'the server or the model failed'
};

const bodyMethods = new Set(['POST', 'PUT', 'PATCH']);

export function impliedStatuses(route: Pick<RouteOptions, 'url' | 'method'>): number[] {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const statuses = [400, 403, 500];
  if (methods.some((m) => ruleOf(m, route.url).class !== 'public')) statuses.push(401, 429);
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
    // the access table decides, whatever a route declares: a credential is required on `key`
    // routes, optional on `open` ones (none needed on loopback), not asked on public ones
    const classes = [route.method].flat().map((m) => ruleOf(m, route.url).class);
    const security = classes.includes('key') ? [{ bearer: [] }] : classes.includes('open') ? [{}, { bearer: [] }] : undefined;
    if (security) (schema as { security?: unknown }).security = security;
    else delete (schema as { security?: unknown }).security;
  });
}
