/**
 * The servers under test, each a child process with a fresh data directory: ModelDesk started
 * exactly as a user starts it headless (`npm run serve`: the built dist/server/main.js), and the
 * baseline. Spawned as `node …` (not `npm` or `npx`) so the pid is the server itself: RSS is
 * read from it and `kill -9` hits it.
 */
import { builtCli, builtNologServer } from './built-servers.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pinned, processCpuSeconds } from './cpu.ts';
import { repoRoot } from './helpers.ts';

export const adminToken = 'bench-admin-token';

/** taskset's -c list every server starts under (cpu.ts), or null: not pinned */
let serverCpus: string | null = null;

export function pinServers(cpus: string | null): void {
  serverCpus = cpus;
}

export interface ServerProcess {
  name: string;
  url: string;
  pid: number;
  child: ChildProcess;
  /** ModelDesk's data directory (modeldesk.db inside) */
  dataDir: string | null;
  /** resident and peak resident memory from /proc, MB */
  memory(): { rssMb: number; peakMb: number } | null;
  /** user + system CPU seconds used so far, all threads (cpu.ts), or null without /proc */
  cpuSeconds(): number | null;
  stop(): Promise<void>;
  /** kill -9, no cleanup by the server */
  kill9(): void;
}

function startChild(
  name: string,
  args: string[],
  ready: RegExp,
  dataDir: string | null,
  removeData: boolean
): Promise<ServerProcess> {
  // ModelDesk and the log-off server run built, as `npm run serve` runs ModelDesk (built-servers.ts);
  // the baseline and the ceiling are small scripts run through tsx
  const nodeArgs = args[0]!.endsWith('.js') ? ['--enable-source-maps', ...args] : ['--import', 'tsx', ...args];
  const [command, commandArgs] = pinned(serverCpus, process.execPath, nodeArgs);
  // taskset execs node, so the pid is still the server's own
  const child = spawn(command, commandArgs, {
    cwd: repoRoot,
    env: { ...process.env, MODELDESK_ADMIN_TOKEN: adminToken },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${name} did not start within 60 s:\n${output}`)), 60_000);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      child.stderr!.resume();
      resolve(handle(name, match[1]!, child, dataDir, removeData));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => fail(new Error(`${name} exited with code ${code} before it was ready:\n${output}`)));
  });
}

function handle(name: string, url: string, child: ChildProcess, dataDir: string | null, removeData: boolean): ServerProcess {
  child.removeAllListeners('exit');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    url,
    pid: child.pid!,
    child,
    dataDir,
    memory() {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
        return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
      } catch {
        return null;
      }
    },
    cpuSeconds: () => processCpuSeconds(child.pid!),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timeout = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timeout);
      }
      if (dataDir && removeData) rmSync(dataDir, { recursive: true, force: true });
    },
    kill9() {
      child.kill('SIGKILL');
    }
  };
}

export interface ModelDeskStart {
  threads?: number;
  maxBatchSize?: number;
  maxBatchWaitUs?: number;
  /** true: --worker-threads (calls of 256+ records on worker threads) */
  workerThreads?: boolean;
  /** keep the data directory (the durability check reads it after kill -9) */
  keepData?: boolean;
  /** more `serve` flags (the jobs benchmark: --job-input-dir, --job-workers) */
  extraArgs?: string[];
  /** false: --no-monitoring (bench/monitoring.bench.ts compares both) */
  monitoring?: boolean;
}

export async function startModelDesk(options: ModelDeskStart = {}): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'modeldesk-bench-'));
  const args = [builtCli(), 'serve', '--port', '0', '--data', dataDir];
  if (options.threads !== undefined) args.push('--threads', String(options.threads));
  if (options.maxBatchSize !== undefined) args.push('--max-batch-size', String(options.maxBatchSize));
  if (options.maxBatchWaitUs !== undefined) args.push('--max-batch-wait-us', String(options.maxBatchWaitUs));
  if (options.workerThreads) args.push('--worker-threads');
  args.push(...(options.extraArgs ?? []));
  if (options.monitoring === false) args.push('--no-monitoring');
  return startChild('ModelDesk', args, /Open (http:\/\/[0-9.:]+)\//, dataDir, !options.keepData);
}

/**
 * ModelDesk with the request log switched off (bench/modeldesk-nolog-server.ts): bench only,
 * through a createCore option that users cannot reach.
 */
export async function startModelDeskWithoutLog(): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'modeldesk-bench-nolog-'));
  const args = [await builtNologServer(), '--port', '0', '--data', dataDir];
  return startChild('ModelDesk, request log off', args, /Open (http:\/\/[0-9.:]+)\//, dataDir, true);
}

export function startBaseline(options: { threads?: number } = {}): Promise<ServerProcess> {
  const args = ['bench/baseline-server.ts', '--port', '0'];
  if (options.threads !== undefined) args.push('--threads', String(options.threads));
  return startChild('baseline', args, /baseline listening on (http:\/\/[0-9.:]+)/, null, false);
}

/** The HTTP-only ceiling (bench/http-only-server.ts): Fastify answering without a model. */
export function startHttpOnly(): Promise<ServerProcess> {
  return startChild('http-only', ['bench/http-only-server.ts', '--port', '0'], /http-only listening on (http:\/\/[0-9.:]+)/, null, false);
}
