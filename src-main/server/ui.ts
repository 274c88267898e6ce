import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The page may load only its own scripts and talk only to this server. */
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  // the component library sets inline styles
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'"
].join('; ');

/** The React admin UI, built by Vite, served at / with a strict CSP. */
export async function serveUi(app: FastifyInstance, uiDir: string): Promise<void> {
  await app.register(fastifyStatic, {
    root: uiDir,
    prefix: '/',
    decorateReply: false,
    index: 'index.html',
    // @fastify/static passes the reply here (not the raw response)
    setHeaders: (reply: { header(name: string, value: string): unknown }) => {
      reply.header('content-security-policy', contentSecurityPolicy);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
    }
  });
}
