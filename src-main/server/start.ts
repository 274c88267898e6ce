import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { ServingSettingsFile } from '../contract/serving-settings.ts';
import { createCore, type Core } from '../core/index.ts';
import { buildServer } from './app.ts';
import { startOipGrpcServer, type OipGrpcServer } from './grpc/oip-grpc.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * What `modeldesk serve` (cli/serve.ts), the desktop app (desktop/main.ts) and the tests start:
 * the core and its HTTP server, listening. buildServer (app.ts) never listens; this does.
 */
export interface StartServerOptions {
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
  /** serving settings fixed for this run, over serving.json (the `serve` flags: cli/serving-flags.ts) */
  serving?: ServingSettingsFile;
  /** Open Inference v2 over gRPC on this port of the same host (0 = any free one); off when absent */
  grpcPort?: number;
  /** how long a write waits for another connection's lock before 503 (CoreConfig.lockWaitMs) */
  lockWaitMs?: number;
}

export interface RunningServer {
  core: Core;
  url: string;
  port: number;
  token: string;
  dataDir: string;
  endpoints: number;
  /** the gRPC port (grpc/oip-grpc.ts), or null when gRPC is off */
  grpcPort: number | null;
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

/** The core and its HTTP server, bound to the requested interface. */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.adminToken ?? (process.env.MODELDESK_ADMIN_TOKEN || randomBytes(24).toString('base64url'));
  const dataDir = resolve(options.data);
  const core = await createCore({
    dataDir,
    migrationsDir: options.migrationsDir ?? join(repoRoot, 'db', 'migrations'),
    ...(options.sqliteNativeBinding ? { sqliteNativeBinding: options.sqliteNativeBinding } : {}),
    ...(options.serving === undefined ? {} : { serving: options.serving }),
    ...(options.lockWaitMs === undefined ? {} : { lockWaitMs: options.lockWaitMs }),
    secrets: [token],
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
  let grpc: OipGrpcServer | null = null;
  if (options.grpcPort !== undefined) {
    try {
      grpc = await startOipGrpcServer(core, {
        host,
        port: options.grpcPort,
        protoPath: join(repoRoot, 'proto', 'grpc_predict_v2.proto'),
        ...(exposed ? { requireToken: token } : {})
      });
    } catch (err) {
      await app.close();
      await core.close();
      throw new Error(`cannot serve gRPC on ${host}:${options.grpcPort}: ${(err as Error).message}`);
    }
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
    grpcPort: grpc?.port ?? null,
    async close() {
      await grpc?.close();
      await app.close();
      await core.close();
    }
  };
}
