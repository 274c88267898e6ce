import { AsyncResource } from 'node:async_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { AccessMode } from '../contract/access.ts';
import { holdActorContext, runAs, type Actor } from '../core/access/actor.ts';
import type { Core } from '../core/index.ts';
import { authorize } from './access/authorize.ts';
import { CredentialReader, type Credential } from './access/credentials.ts';
import { allowedHosts, hostnameOf } from './access/hosts.ts';
import { ruleOf, type RouteRule } from './access/route-table.ts';
import type { DownloadTickets } from './download-tickets.ts';
import { sendError } from './error-handler.ts';
import { markRefusal } from './prediction-accounting.ts';

export interface SecurityOptions {
  adminToken: string;
  /** serving the LAN: a credential on every route but health (the server also serves HTTPS) */
  lan?: boolean;
  /** the interface the server binds (its address is an accepted Host) */
  bound?: string;
  /** more names the Host check accepts when serving the LAN: the certificate's, `--allow-host` */
  hostNames?: string[];
}

/** A route as registered, with the rule the access hook applies to it (for the enumeration test). */
export interface RegisteredRoute {
  method: string;
  url: string;
  rule: RouteRule;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** who the request is, once the access hook let it in; null = no credential (an open route) */
    credential: Credential | null;
  }
  interface FastifyInstance {
    /** every route registered so far and its access rule */
    registeredRoutes(): readonly RegisteredRoute[];
    /** the protection mode requests are judged in now */
    accessMode(): AccessMode;
  }
}

/**
 * DESIGN §4.4, decided in one place for every route, in this order: the `Host` must be one of
 * this server's names (else 400: DNS rebinding); an `Origin`, when sent, must be the server's own
 * (else 403: a web page cannot post here, even form-encoded); then the route's rule in the one
 * table (access/route-table.ts) and the mode say whether a credential is needed, and the
 * credential presented decides: none where one is needed, or a wrong, revoked or expired one:
 * 401; one without the scope or the endpoint: 403; over its key's rate limit: 429.
 *
 * Each request then runs as its credential (core/access/actor.ts), so the audit log knows who
 * made a change. Nothing is cached per connection: a key revoked or expired is refused on the
 * next request, also on a keep-alive connection.
 */
export function installSecurity(app: FastifyInstance, core: Core, options: SecurityOptions, tickets?: DownloadTickets): void {
  const hosts = allowedHosts({ lan: options.lan === true, bound: options.bound ?? '127.0.0.1', names: options.hostNames ?? [] });
  const credentials = new CredentialReader(options.adminToken, core);
  const mode = (): AccessMode => (options.lan ? 'lan' : core.access.strict ? 'strict' : 'loopback');
  const registered: RegisteredRoute[] = [];
  const scopes = new WeakMap<FastifyRequest, AsyncResource>();

  app.decorateRequest('credential', null);
  app.decorate('registeredRoutes', () => registered);
  app.decorate('accessMode', mode);
  // The body is parsed on the socket's events, outside the context `enter` sets: routes that
  // may change something re-enter it before validation, so the handler and the events it emits
  // run as the request's credential (as @fastify/request-context does). Other routes get no hook.
  const reenter = (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const scope = scopes.get(request);
    if (scope) scope.runInAsyncScope(done, request.raw);
    else done();
  };
  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat();
    for (const method of methods) registered.push({ method, url: route.url, rule: ruleOf(method, route.url) });
    if (methods.some((method) => changes(method, ruleOf(method, route.url)))) {
      route.preValidation = [reenter, ...[route.preValidation ?? []].flat()];
    }
  });

  /**
   * The rest of a request that may change something (an admin write: body, handler, the events
   * it emits) runs as `actor`, for the audit log; any other request goes on outside any context,
   * so predictions never pay for one (core/access/actor.ts).
   */
  const enter = (request: FastifyRequest, reply: FastifyReply, rule: RouteRule, actor: Actor, done: HookHandlerDoneFunction) => {
    if (!changes(request.method, rule)) return done();
    // held until the response is over (sent, or the connection gone)
    reply.raw.once('close', holdActorContext());
    runAs(actor, () => {
      const scope = new AsyncResource('modeldesk-request');
      scopes.set(request, scope);
      scope.runInAsyncScope(done, request.raw);
    });
  };

  app.addHook('onRequest', (request, reply, done) => {
    const host = request.headers.host ?? '';
    if (!hosts.has(hostnameOf(host))) return refuse(request, reply, 400, `host "${host}" is not allowed: use this machine's own name or address`, 'Host');
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== `${request.protocol}://${host}`) {
      return refuse(request, reply, 403, `cross-origin request from "${origin}" refused`, 'Origin');
    }
    // no route matched: the 404 answer says nothing a credential would protect
    const url = request.routeOptions.url;
    const rule = url === undefined ? null : ruleOf(request.method, url);
    if (rule === null || rule.class === 'public') return done();

    const decision = authorize(core, {
      rule,
      mode: mode(),
      presented: credentials.read(request),
      endpoint: () => rule.endpoint?.(request, core),
      ticketOpens: () => ticketOpens(request, tickets)
    });
    if (!decision.allowed) {
      if (decision.challenge) void reply.header('www-authenticate', decision.challenge);
      return refuse(request, reply, decision.status, decision.message, decision.status === 429 ? undefined : 'Authorization', decision.retryAfter);
    }
    const credential = decision.credential;
    if (credential === null) return done();
    request.credential = credential;
    enter(request, reply, rule, { name: credential.name, apiKeyId: credential.keyId, address: request.ip }, done);
  });
}

/** an admin write: what may change something, and so runs as its credential */
const changes = (method: string, rule: RouteRule): boolean => rule.scope === 'admin' && method !== 'GET' && method !== 'HEAD';

/**
 * A refusal in the protocol's own error shape (`{"error": …}` on /v2, the classic body elsewhere),
 * counted on a prediction route as refused for `auth` (prediction-accounting.ts), whatever its
 * status: a foreign Host or Origin, no or a wrong credential, a scope or endpoint it lacks, its
 * key's rate limit.
 */
function refuse(request: FastifyRequest, reply: FastifyReply, status: number, message: string, field?: string, retryAfter?: number): void {
  markRefusal(request, 'auth');
  void sendError(request, reply, status, message, field, retryAfter);
}

function ticketOpens(request: FastifyRequest, tickets: DownloadTickets | undefined): boolean {
  if (!tickets || request.method !== 'GET') return false;
  return tickets.redeem((request.query as { ticket?: unknown } | undefined)?.ticket, request.url);
}
