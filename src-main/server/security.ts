import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DownloadTickets } from './download-tickets.ts';
import { errorBody } from './error-handler.ts';

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
      return reply.code(400).send(errorBody(`host "${host}" is not allowed; use http://127.0.0.1`));
    }
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== `http://${host}`) {
      return reply.code(403).send(errorBody(`cross-origin request from "${origin}" refused`));
    }
    const config = request.routeOptions.config;
    const needsToken = config.admin === true || (config.open === true && options.protectPredict === true);
    if (needsToken && !hasToken(request, expected) && !ticketOpens(request, tickets)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send(errorBody('admin token required: send "Authorization: Bearer <token>" (printed at start, or MODELDESK_ADMIN_TOKEN)'));
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
