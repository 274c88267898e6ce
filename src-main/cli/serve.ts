import { InvalidArgumentError, type Command } from 'commander';
import { startServer } from '../server/start.ts';
import { addServingFlags } from './serving-flags.ts';

const port = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
};

interface ServeOptions {
  port: number;
  data: string;
  host: string;
  seed: boolean;
  grpcPort?: number;
}

/** `modeldesk serve`: the prediction server and web UI without the desktop window. */
export function addServeCommand(program: Command): void {
  const serve = program
    .command('serve')
    .description('start the prediction server and web UI without the desktop window')
    .option('--port <port>', 'port on 127.0.0.1 (0 = any free port)', port, 8765)
    .option('--data <dir>', 'data directory (SQLite database and model files)', './.modeldesk')
    .option('--host <host>', 'interface to bind; anything but loopback requires tokens on every route', '127.0.0.1')
    .option('--no-seed', 'do not seed an empty registry with the shipped income classifier')
    .option('--grpc-port <port>', 'also serve Open Inference v2 over gRPC on this port of the same host (off by default; 0 = any free port)', port);
  const servingFlags = addServingFlags(serve);
  serve.action(async (options: ServeOptions & Record<string, unknown>) => {
    const server = await startServer({
      port: options.port,
      data: options.data,
      host: options.host,
      seed: options.seed,
      serving: servingFlags(options),
      ...(options.grpcPort === undefined ? {} : { grpcPort: options.grpcPort })
    });
    console.log(`ModelDesk is serving ${server.endpoints} endpoint(s) from ${server.dataDir}`);
    console.log(`Open ${server.url}/?token=${server.token}`);
    console.log(`API docs: ${server.url}/docs   Admin token: ${server.token}`);
    if (server.grpcPort !== null) console.log(`Open Inference v2 over gRPC: ${options.host}:${server.grpcPort} (inference.GRPCInferenceService)`);
    const stop = async (signal: string) => {
      console.log(`\n${signal}: shutting down`);
      await server.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  });
}
