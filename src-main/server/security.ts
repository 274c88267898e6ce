import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DownloadTickets } from './download-tickets.ts';
import { sendError } from './error-handler.ts';
import { markRefusal } from './prediction-accounting.ts';

export interface SecurityOptions {
  adminToken: string;
  /** host names the server answers to besides loopback (the bound interface when not loopback) */
  extraHosts?: string[];
  /** when the server is reachable beyond loopback, predict and feedback need a token too */
  protectPredict?: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** admin routes: everything that changes the registry or reads the request log */
    admin?: boolean;
    /** predict/feedback: open on loopback, token required when exposed */
    open?: boolean;
    /** an admin download that also opens with a one-time `?ticket=` (download-tickets.ts) */
    ticket?: boolean;
  }
}

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * DESIGN §4.4: refuse foreign Host headers (DNS rebinding), refuse any Origin but our own
 * (a web page cannot post to localhost, even form-encoded), and require the admin token on
 * admin routes (or, on download routes, a one-time ticket). Scripts send no Origin and keep working.
 */
export function installSecurity(app: FastifyInstance, options: SecurityOptions, tickets?: DownloadTickets): void {
  const allowedHosts = new Set([...loopbackHosts, ...(options.extraHosts ?? [])]);
  const expected = Buffer.from(options.adminToken);

  app.addHook('onRequest', async (request, reply) => {
    const host = request.headers.host ?? '';
    if (!allowedHosts.has(hostnameOf(host))) {
      markRefusal(request, 'auth');
      return sendError(request, reply, 400, `host "${host}" is not allowed; use http://127.0.0.1`, 'Host');
    }
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== `http://${host}`) {
      markRefusal(request, 'auth');
      return sendError(request, reply, 403, `cross-origin request from "${origin}" refused`, 'Origin');
    }
    const config = request.routeOptions.config;
    const needsToken = config.admin === true || (config.open === true && options.protectPredict === true);
    if (needsToken && !hasToken(request, expected) && !ticketOpens(request, tickets)) {
      markRefusal(request, 'auth');
      // RFC 6750 §3.1: a token that was sent but is not valid is "invalid_token"; none sent, no error code
      const sent = request.headers.authorization !== undefined;
      reply.header('www-authenticate', sent ? 'Bearer error="invalid_token"' : 'Bearer');
      return sendError(
        request,
        reply,
        401,
        sent
          ? 'the bearer token is not valid: send "Authorization: Bearer <token>" with the admin token (printed at start, or MODELDESK_ADMIN_TOKEN)'
          : 'admin token required: send "Authorization: Bearer <token>" (printed at start, or MODELDESK_ADMIN_TOKEN)',
        'Authorization'
      );
    }
  });
}

function hostnameOf(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return (colon === -1 ? host : host.slice(0, colon)).toLowerCase();
}

function ticketOpens(request: FastifyRequest, tickets: DownloadTickets | undefined): boolean {
  if (!tickets || request.routeOptions.config.ticket !== true || request.method !== 'GET') return false;
  return tickets.redeem((request.query as { ticket?: unknown } | undefined)?.ticket, request.url);
}

function hasToken(request: FastifyRequest, expected: Buffer): boolean {
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1].trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}
