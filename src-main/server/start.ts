import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { AccessMode } from '../contract/access.ts';
import type { ServingSettingsFile } from '../contract/serving-settings.ts';
import { readAccessFile } from '../core/access/access-settings.ts';
import { createCore, type Core } from '../core/index.ts';
import { isLoopback, machineNames, urlHost } from './access/hosts.ts';
import { CredentialReader } from './access/credentials.ts';
import type { MonitoringOptions } from '../core/monitoring/monitoring.ts';
import { buildServer } from './app.ts';
import { startOipGrpcServer, type OipGrpcServer } from './grpc/oip-grpc.ts';
import type { ServerIdentity } from './routes/access-routes.ts';
import { localCertificate, ownCertificate, type TlsSetup } from './tls/certificates.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * What `modeldesk serve` (cli/serve.ts), the desktop app (desktop/main.ts) and the tests start:
 * the core and its HTTP server, listening. buildServer (app.ts) never listens; this does.
 */
export interface StartServerOptions {
  port: number;
  data: string;
  /**
   * the interface to bind; absent: as the saved LAN switch says (access.json: every interface,
   * else 127.0.0.1). Anything but loopback serves the LAN.
   */
  host?: string;
  /** serve as on the LAN (keys everywhere but health, HTTPS) whatever the bind address; default: host is not loopback */
  lan?: boolean;
  /** the user's own certificate and key (PEM files); default when serving the LAN: the local CA's */
  tls?: { certFile: string; keyFile: string };
  /** serve the LAN over plain HTTP (a warning is printed): credentials then cross the network readable */
  insecureHttp?: boolean;
  /** requests without a credential reach only health, also on loopback (`serve --strict`) */
  strict?: boolean;
  /** more names this machine is reached by (certificate and Host check), beside its own */
  allowHosts?: string[];
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
  /** folders whose files batch jobs may read by path (`serve --job-input-dir`) */
  jobInputDirs?: string[];
  /** the built job worker (the desktop app's out/main/job-worker.js); omitted: the TypeScript source through tsx */
  jobWorkerEntry?: string;
  /**
   * Open Inference v2 over gRPC on this port of the same host (0 = any free one); off when
   * absent. It takes the HTTP server's credentials and mode, and its certificate when it has one.
   */
  /** monitoring aggregates (`serve --no-monitoring`: enabled false) */
  monitoring?: MonitoringOptions;
  grpcPort?: number;
  /** how long a write waits for another connection's lock before 503 (CoreConfig.lockWaitMs) */
  lockWaitMs?: number;
}

export interface RunningServer {
  core: Core;
  /** where this machine reaches the server: http(s)://127.0.0.1:<port> (or the bound address) */
  url: string;
  port: number;
  token: string;
  dataDir: string;
  endpoints: number;
  /** how requests without a credential are treated now */
  mode: AccessMode;
  /** the certificate served, null over plain HTTP */
  tls: TlsSetup | null;
  /** addresses for clients on other machines (serving the LAN) */
  lanUrls: string[];
  /** things the person starting the server must read (plain HTTP on the LAN…) */
  warnings: string[];
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

const everyInterface = new Set(['0.0.0.0', '::']);

/** The core and its HTTP(S) server, bound to the requested interface. */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const dataDir = resolve(options.data);
  const followsSavedLan = options.host === undefined;
  const host = options.host ?? (readAccessFile(dataDir).lan ? '0.0.0.0' : '127.0.0.1');
  const lan = options.lan ?? !isLoopback(host);
  const token = options.adminToken ?? (process.env.MODELDESK_ADMIN_TOKEN || randomBytes(24).toString('base64url'));
  const extraNames = options.allowHosts ?? [];
  const warnings: string[] = [];
  const tls = certificateFor({ lan, host, dataDir, extraNames, ...options });
  if (lan && !tls) {
    warnings.push(
      'WARNING: serving the LAN over plain HTTP (--insecure-http): API keys, the admin token, inputs and predictions ' +
        'cross the network readable by anyone on it. Drop --insecure-http to serve HTTPS.'
    );
  }

  const core = await createCore({
    dataDir,
    migrationsDir: options.migrationsDir ?? join(repoRoot, 'db', 'migrations'),
    ...(options.sqliteNativeBinding ? { sqliteNativeBinding: options.sqliteNativeBinding } : {}),
    ...(options.serving === undefined ? {} : { serving: options.serving }),
    ...(options.jobInputDirs ? { jobInputDirs: options.jobInputDirs } : {}),
    ...(options.jobWorkerEntry ? { jobWorkerEntry: options.jobWorkerEntry } : {}),
    ...(options.strict ? { strict: true } : {}),
    ...(options.monitoring === undefined ? {} : { monitoring: options.monitoring }),
    ...(options.lockWaitMs === undefined ? {} : { lockWaitMs: options.lockWaitMs }),
    // never in the log: the admin token (API key secrets, `mdk_…`, are removed by their pattern)
    secrets: [token],
    ...(options.seed === false ? {} : { modelsDir: options.modelsDir ?? join(repoRoot, 'models') })
  });
  const scheme = tls ? 'https' : 'http';
  let port = options.port;
  const lanUrls = () => (lan ? lanHosts(host).map((h) => `${scheme}://${urlHost(h)}:${port}`) : []);
  const identity: ServerIdentity = { lan, followsSavedLan, tls, urls: lanUrls };
  const app = await buildServer(core, {
    adminToken: token,
    uiDir: options.uiDir ?? join(repoRoot, 'out', 'renderer'),
    lan,
    bound: host,
    hostNames: [...(tls?.names ?? []), ...extraNames],
    identity
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
        access: { credentials: new CredentialReader(token, core), mode: () => app.accessMode() },
        tls
      });
    } catch (err) {
      await app.close();
      await core.close();
      throw new Error(`cannot serve gRPC on ${host}:${options.grpcPort}: ${(err as Error).message}`);
    }
  }
  // jobs left queued or running by the previous run resume now
  core.jobs.start();
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : options.port;
  // on every interface, this machine reaches the server on loopback (a name the certificate holds)
  const shownHost = everyInterface.has(host) ? '127.0.0.1' : host;
  return {
    core,
    url: `${scheme}://${urlHost(shownHost)}:${port}`,
    port,
    token,
    dataDir,
    endpoints: core.registry.listEndpoints().length,
    mode: app.accessMode(),
    tls,
    lanUrls: lanUrls(),
    warnings,
    grpcPort: grpc?.port ?? null,
    async close() {
      await grpc?.close();
      await app.close();
      await core.close();
    }
  };
}

/**
 * The certificate to serve: the user's own when given; when serving the LAN (unless
 * --insecure-http), the local CA's for this machine's names and addresses; else none.
 */
function certificateFor(o: { lan: boolean; host: string; dataDir: string; extraNames: string[] } & StartServerOptions): TlsSetup | null {
  if (o.tls) return ownCertificate(o.tls.certFile, o.tls.keyFile);
  if (!o.lan || o.insecureHttp) return null;
  const own = machineNames();
  const dns = [...own.dns, ...o.extraNames.filter((n) => isIP(n) === 0)];
  const ips = [...own.ips, ...o.extraNames.filter((n) => isIP(n) !== 0)];
  if (!everyInterface.has(o.host)) (isIP(o.host) ? ips : dns).push(o.host);
  return localCertificate(o.dataDir, { dns: [...new Set(dns.map((n) => n.toLowerCase()))], ips: [...new Set(ips)] });
}

/** the names a colleague can use: the bound address, or on every interface this machine's own */
function lanHosts(host: string): string[] {
  if (!everyInterface.has(host)) return [host];
  const own = machineNames();
  return [own.dns[0]!, ...own.ips.filter((ip) => !isLoopback(ip))];
}
