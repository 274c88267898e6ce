import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { invalidInput } from '../core/errors.ts';

/**
 * HTTP as clients expect it, for every route (issue 14 "HTTP"):
 * - JSON is `Content-Type: application/json`, without a charset parameter (RFC 8259 defines
 *   none; KServe's client drops the server's error message when one is present);
 * - `X-Request-Id` is echoed, or generated, on every answer (`request.id` is that id);
 * - a known path asked with another method is a 405 with `Allow`, and OPTIONS answers `Allow`;
 * - an empty path parameter (`/api/v1/endpoints/`) is no route at all: 404.
 */

/** Fastify's constructor options for request ids: the client's X-Request-Id, else a UUID. */
export const requestIdOptions = {
  requestIdHeader: 'x-request-id',
  genReqId: () => randomUUID()
} as const;

const maxRequestIdLength = 200;
const visibleAscii = /^[\x21-\x7e]+$/;

/** Methods answered for each known path, learned as routes are added (wildcards excluded). */
export class RouteTable {
  private readonly routes: { pattern: RegExp; methods: Set<string> }[] = [];

  add(url: string, methods: string | string[]): void {
    // the UI's catch-all would make every unknown path "known"; it answers 404 for what it lacks
    if (url.includes('*')) return;
    const source = url
      .split('/')
      .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    const pattern = new RegExp(`^${source}$`);
    let route = this.routes.find((r) => r.pattern.source === pattern.source);
    if (!route) this.routes.push((route = { pattern, methods: new Set() }));
    for (const method of Array.isArray(methods) ? methods : [methods]) route.methods.add(method.toUpperCase());
  }

  /** The methods a path answers (with HEAD for GET and OPTIONS), or [] for an unknown path. */
  allowed(path: string): string[] {
    const methods = new Set<string>();
    for (const route of this.routes) if (route.pattern.test(path)) for (const m of route.methods) methods.add(m);
    if (methods.size === 0) return [];
    if (methods.has('GET')) methods.add('HEAD');
    methods.add('OPTIONS');
    return [...methods].sort();
  }
}

/** The path of a request, without its query. */
export const pathOf = (request: FastifyRequest): string => request.url.split('?')[0] ?? request.url;

export type NoRouteAnswer = (request: FastifyRequest, reply: FastifyReply, status: 404 | 405, message: string) => unknown;

/**
 * Installs the conventions. `answer` writes a 404/405 in the error shape of the path (classic or
 * v2), so this module decides statuses and headers and error-handler.ts decides bodies.
 */
export function installHttpConventions(app: FastifyInstance, answer: NoRouteAnswer): RouteTable {
  const table = new RouteTable();
  app.addHook('onRoute', (route) => table.add(route.url, route.method));

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    const given = request.headers['x-request-id'];
    if (given !== undefined && (Array.isArray(given) || given.length > maxRequestIdLength || !visibleAscii.test(given))) {
      reply.header('x-request-id', randomUUID());
      throw invalidInput(`X-Request-Id must be one value of 1 to ${maxRequestIdLength} visible ASCII characters`, 'X-Request-Id');
    }
    const params = (request.params ?? {}) as Record<string, unknown>;
    if (Object.entries(params).some(([name, value]) => name !== '*' && value === '')) {
      return answer(request, reply, 404, `no route ${request.method} ${pathOf(request)}`);
    }
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && /^application\/json\s*;\s*charset=utf-8$/i.test(type)) reply.header('content-type', 'application/json');
    return payload;
  });

  app.setNotFoundHandler((request, reply) => {
    const allow = table.allowed(pathOf(request));
    if (allow.length === 0) return answer(request, reply, 404, `no route ${request.method} ${pathOf(request)}`);
    reply.header('allow', allow.join(', '));
    if (request.method === 'OPTIONS') return reply.code(204).send();
    return answer(request, reply, 405, `${request.method} is not allowed on ${pathOf(request)}; allowed: ${allow.join(', ')}`);
  });
  return table;
}
