import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore, type Core, type CoreConfig } from './core/index.ts';
import type { FastifyInstance } from 'fastify';
import { buildServer } from './server/app.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface HeadlessOptions {
  port: number;
  data: string;
  host?: string;
  seed?: boolean;
  /** defaults to MODELDESK_ADMIN_TOKEN, else a random token per start */
  adminToken?: string;
  migrationsDir?: string;
  modelsDir?: string;
  /** the built web UI (out/renderer); served at / when present */
  uiDir?: string;
  /** when the port is taken, try the next ones (the desktop app); headless fails instead */
  portFallback?: boolean;
  /** better-sqlite3 addon for Electron's ABI (the desktop app) */
  sqliteNativeBinding?: string;
  /** onnxruntime threads and dynamic batching (CLI: --threads, --max-batch-size, --max-batch-wait-us) */
  intraOpThreads?: number;
  serving?: CoreConfig['serving'];
}

export interface RunningServer {
  core: Core;
  url: string;
  port: number;
  token: string;
  dataDir: string;
  endpoints: number;
  close(): Promise<void>;
}

async function listenWithFallback(app: FastifyInstance, host: string, port: number, attempts: number): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await app.listen({ host, port: port === 0 ? 0 : port + i });
      return;
    } catch (err) {
      const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (!inUse || i + 1 >= attempts) {
        throw inUse ? new Error(`port ${port + i} on ${host} is already in use; choose another with --port`) : err;
      }
    }
  }
}

const loopback = new Set(['127.0.0.1', 'localhost', '::1']);

/** Core + HTTP server bound to the requested interface: what `npm run serve` and tests start. */
export async function startHeadless(options: HeadlessOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.adminToken ?? (process.env.MODELDESK_ADMIN_TOKEN || randomBytes(24).toString('base64url'));
  const dataDir = resolve(options.data);
  const core = await createCore({
    dataDir,
    migrationsDir: options.migrationsDir ?? join(repoRoot, 'db', 'migrations'),
    ...(options.sqliteNativeBinding ? { sqliteNativeBinding: options.sqliteNativeBinding } : {}),
    ...(options.intraOpThreads === undefined ? {} : { intraOpThreads: options.intraOpThreads }),
    ...(options.serving === undefined ? {} : { serving: options.serving }),
    ...(options.seed === false ? {} : { modelsDir: options.modelsDir ?? join(repoRoot, 'models') })
  });
  const exposed = !loopback.has(host);
  const app = await buildServer(core, {
    adminToken: token,
    uiDir: options.uiDir ?? join(repoRoot, 'out', 'renderer'),
    ...(exposed ? { extraHosts: [host], protectPredict: true } : {})
  });
  try {
    await listenWithFallback(app, host, options.port, options.portFallback ? 20 : 1);
  } catch (err) {
    await app.close();
    await core.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    core,
    url: `http://${shownHost}:${port}`,
    port,
    token,
    dataDir,
    endpoints: core.registry.listEndpoints().length,
    async close() {
      await app.close();
      await core.close();
    }
  };
}
