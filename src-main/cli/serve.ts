import { InvalidArgumentError, type Command } from 'commander';
import { startServer, type RunningServer } from '../server/start.ts';
import { addServingFlags } from './serving-flags.ts';

const port = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
};

interface ServeOptions {
  port: number;
  data: string;
  host?: string;
  seed: boolean;
  jobInputDir: string[];
  tlsCert?: string;
  tlsKey?: string;
  insecureHttp: boolean;
  strict: boolean;
  allowHost: string[];
  monitoring: boolean;
  grpcPort?: number;
}

/** `modeldesk serve`: the prediction server and web UI without the desktop window. */
export function addServeCommand(program: Command): void {
  const serve = program
    .command('serve')
    .description('start the prediction server and web UI without the desktop window')
    .option('--port <port>', 'port (0 = any free port)', port, 8765)
    .option('--data <dir>', 'data directory (SQLite database and model files)', './.modeldesk')
    .option(
      '--host <host>',
      'interface to bind (default 127.0.0.1, or every interface when the LAN switch is saved); anything but loopback serves the LAN: ' +
        'a credential on every route but health, over HTTPS'
    )
    .option('--tls-cert <file>', 'your own certificate (PEM) instead of the local CA\'s; with --tls-key')
    .option('--tls-key <file>', 'the private key (PEM) of --tls-cert')
    .option('--insecure-http', 'serve the LAN over plain HTTP (credentials and data cross the network readable)', false)
    .option('--strict', 'requests without a credential reach only health, also on loopback', false)
    .option('--allow-host <name>', 'another name this machine is reached by (certificate and Host check); repeat for several', (v: string, all: string[]) => [...all, v], [])
    .option('--no-seed', 'do not seed an empty registry with the shipped income classifier')
    .option('--job-input-dir <dir>', 'a folder whose files batch jobs may read by path (repeat for several)', (v: string, all: string[]) => [...all, v], [])
    .option('--no-monitoring', 'do not aggregate serving health, quality and drift (what was aggregated stays readable)')
    .option('--grpc-port <port>', 'also serve Open Inference v2 over gRPC on this port of the same host (off by default; 0 = any free port); the same credentials as HTTP', port);
  const servingFlags = addServingFlags(serve);
  serve.action(async (options: ServeOptions & Record<string, unknown>) => {
    if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) throw new Error('--tls-cert and --tls-key go together');
    const server = await startServer({
      port: options.port,
      data: options.data,
      ...(options.host === undefined ? {} : { host: options.host }),
      ...(options.tlsCert && options.tlsKey ? { tls: { certFile: options.tlsCert, keyFile: options.tlsKey } } : {}),
      insecureHttp: options.insecureHttp,
      strict: options.strict,
      allowHosts: options.allowHost,
      seed: options.seed,
      ...(options.monitoring ? {} : { monitoring: { enabled: false } }),
      serving: servingFlags(options),
      jobInputDirs: options.jobInputDir,
      ...(options.grpcPort === undefined ? {} : { grpcPort: options.grpcPort })
    });
    printStartup(server);
    const stop = async (signal: string) => {
      console.log(`\n${signal}: shutting down`);
      await server.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  });
}

/** What the person starting the server needs, printed once; nothing secret is printed after this. */
function printStartup(server: RunningServer): void {
  console.log(`ModelDesk is serving ${server.endpoints} endpoint(s) from ${server.dataDir}`);
  for (const warning of server.warnings) console.warn(warning);
  if (server.grpcPort !== null) {
    const host = new URL(server.url).hostname;
    console.log(`Open Inference v2 over gRPC: ${host}:${server.grpcPort} (inference.GRPCInferenceService; the credentials of HTTP${server.tls ? ', over TLS with its certificate' : ''})`);
  }
  if (server.mode === 'lan') {
    console.log('LAN mode: every route but health needs an API key or the admin token.');
    for (const url of server.lanUrls) console.log(`  On the LAN: ${url}`);
  } else if (server.mode === 'strict') {
    console.log('Strict mode: every route but health needs an API key or the admin token.');
  }
  if (server.tls) {
    console.log(`HTTPS certificate SHA-256 fingerprint: ${server.tls.fingerprint256}`);
    if (server.tls.ca) {
      console.log(`Local CA (give it to clients): ${server.tls.ca.file}`);
      console.log(`Local CA SHA-256 fingerprint: ${server.tls.ca.fingerprint256}`);
    }
  }
  console.log(`Open ${server.url}/?token=${server.token}`);
  console.log(`API docs: ${server.url}/docs   Admin token: ${server.token}`);
}
