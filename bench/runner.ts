/**
 * `npm run bench`: ModelDesk against the baseline, side by side, and the targets of issue #18.
 *
 *   npm run bench -- [--rounds 3] [--duration 5] [--tool wrk|autocannon] [--variants] [--no-write]
 *                    [--no-pin] [--log-rows 1000000] [--no-log-bytes] [--no-durability]
 *   npm run bench -- --render <results.json>     (rewrite the section from a saved run)
 *
 * 1. the in-process limit (bench/session-run.ts, in a child process);
 * 2. ModelDesk (headless, fresh data dir, request log on), ModelDesk with the request log off
 *    (bench only: bench/modeldesk-nolog-server.ts), the baseline (bench/baseline-server.ts) and
 *    the HTTP-only ceiling (bench/http-only-server.ts), each its own process, every ModelDesk with
 *    the A/B test running, driven in turn at 1, 16 and 64 connections, alternating which goes
 *    first so machine noise hits all alike. The load generator is pinned to one core and the
 *    servers to the others where taskset exists (cpu.ts); each server's CPU time per request is
 *    read from /proc;
 * 3. the batch API (1,000 records per request), ModelDesk's resident memory after the load,
 *    the durability check (bench/durability.ts) and the bytes a logged request takes on disk
 *    (bench/log-bytes.ts, in a child process);
 * 4. the medians, ratios and verdicts, written between the throughput markers of
 *    docs/BENCHMARKS.md (the rest of that file is left as it is).
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { choosePinning, pinned, pinSelf } from './cpu.ts';
import { checkDurability, type DurabilityResult } from './durability.ts';
import { arg, benchRecords, classicRecord, endpointName, repoRoot, sleep } from './helpers.ts';
import type { LogBytes, LogBytesResult } from './log-bytes.ts';
import { runLoad, wrkVersion, type LoadOptions, type LoadResult, type LoadTool } from './load.ts';
import { machine } from './machine.ts';
import { loggedRows, startAbTest } from './modeldesk-api.ts';
import { renderReport, writeSection } from './report.ts';
import {
  pinServers,
  startBaseline,
  startHttpOnly,
  startModelDesk,
  startModelDeskWithoutLog,
  type ModelDeskStart,
  type ServerProcess
} from './servers.ts';
import { sessionRunTable, type SessionRunRow } from './session-run.ts';

export interface ServerSpec {
  key: string;
  label: string;
  start: () => Promise<ServerProcess>;
  /** a ModelDesk instance: the A/B test is started on it */
  modeldesk: boolean;
}

export interface RunRecord {
  server: string;
  connections: number;
  round: number;
  result: LoadResult;
  /** the server process's CPU time (all threads) per request answered, µs; null without /proc */
  cpuUsPerRequest: number | null;
}

export interface BenchResults {
  date: string;
  machine: Record<string, string>;
  tool: LoadTool;
  rounds: number;
  durationSec: number;
  connections: number[];
  servers: { key: string; label: string }[];
  runs: RunRecord[];
  batch: { server: string; round: number; rowsPerSec: number; p50Ms: number; result: LoadResult; cpuUsPerRow: number | null }[];
  batchConnections: number;
  abTest: string;
  logged: { acknowledged: number; rows: number };
  /** RSS 2 s after the last load, once settled (V8 returns idle heap after ~20 s), and the peak */
  memory: { rssMb: number; peakMb: number; settledMb: number; settledAfterSec: number } | null;
  durability: DurabilityResult | null;
  sessionRun: SessionRunRow[];
  /** bytes on disk per logged request, per storage format measured (log-bytes.ts) */
  logBytes: { format: keyof LogBytes; label: string; result: LogBytesResult }[];
}

const flag = (name: string) => process.argv.includes(name);
const rounds = Number(arg('--rounds') ?? 3);
const durationSec = Number(arg('--duration') ?? 5);
const tool: LoadTool = (arg('--tool') as LoadTool | undefined) ?? (wrkVersion() ? 'wrk' : 'autocannon');
const connectionLevels = (arg('--connections') ?? '1,16,64').split(',').map(Number);
const logRows = Number(arg('--log-rows') ?? 1_000_000);
const batchConnections = 2;
const predictPath = `/api/v1/${endpointName}/predict`;
const pinning = choosePinning(!flag('--no-pin'));

const singleBodies = benchRecords(50).map((r) => JSON.stringify(classicRecord(r)));
const batchBodies = [0, 7, 13, 29].map((shift) =>
  JSON.stringify(benchRecords(1000 + shift).slice(shift).map(classicRecord))
);

function modeldeskSpec(key: string, label: string, options: ModelDeskStart = {}): ServerSpec {
  return { key, label, start: () => startModelDesk(options), modeldesk: true };
}

const servers: ServerSpec[] = [
  modeldeskSpec('modeldesk', 'ModelDesk'),
  { key: 'modeldesk-nolog', label: 'ModelDesk, request log off (bench only)', start: () => startModelDeskWithoutLog(), modeldesk: true },
  { key: 'baseline', label: 'baseline (Fastify + onnxruntime-node, no log)', start: () => startBaseline(), modeldesk: false },
  { key: 'http-only', label: 'ceiling: Fastify alone, no model', start: () => startHttpOnly(), modeldesk: false },
  ...(flag('--variants')
    ? [
        modeldeskSpec('modeldesk-nobatch', 'ModelDesk, batching off', { maxBatchSize: 1 }),
        modeldeskSpec('modeldesk-threads2', 'ModelDesk, 2 onnxruntime threads', { threads: 2 }),
        modeldeskSpec('modeldesk-workers', 'ModelDesk, worker threads on', { workerThreads: true })
      ]
    : [])
];

/** A child process of this repository's TypeScript, on the servers' cores; its last stdout line is JSON. */
function jsonChild<T>(script: string, args: string[]): Promise<T> {
  const [command, commandArgs] = pinned(pinning.servers, process.execPath, ['--import', 'tsx', script, ...args]);
  return new Promise((resolve, reject) => {
    execFile(command, commandArgs, { cwd: repoRoot, maxBuffer: 1 << 22 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${script} failed: ${stderr || err.message}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop()!) as T);
    });
  });
}

/** One load against one server, with the server's CPU time per request answered. */
async function measuredLoad(server: ServerProcess, options: Omit<LoadOptions, 'tool' | 'url' | 'path' | 'cpus'>, rowsPerRequest = 1) {
  const before = server.cpuSeconds();
  const result = await runLoad({ tool, url: server.url, path: predictPath, cpus: pinning.load, ...options });
  const after = server.cpuSeconds();
  const answered = (result.ok + result.non2xx) * rowsPerRequest;
  const cpuUs = before === null || after === null || answered === 0 ? null : ((after - before) * 1e6) / answered;
  return { result, cpuUs };
}

async function main(): Promise<void> {
  const log = (message: string) => console.log(`[bench] ${message}`);
  pinServers(pinning.servers);
  if (pinning.load) pinSelf(pinning.load);
  const results: BenchResults = {
    date: new Date().toISOString(),
    machine: machine(tool, pinning.description),
    tool,
    rounds,
    durationSec,
    connections: connectionLevels,
    servers: servers.map(({ key, label }) => ({ key, label })),
    runs: [],
    batch: [],
    batchConnections,
    abTest: '',
    logged: { acknowledged: 0, rows: 0 },
    memory: null,
    durability: null,
    sessionRun: [],
    logBytes: []
  };
  log(`tool: ${tool}; ${rounds} rounds × ${durationSec} s at ${connectionLevels.join('/')} connections; ${pinning.description}`);

  if (!flag('--no-session-run')) {
    log('in-process session.run limit …');
    results.sessionRun = await jsonChild<SessionRunRow[]>('bench/session-run.ts', ['--json', '--threads', '1,2,0']);
  }

  const running = new Map<string, ServerProcess>();
  try {
    for (const spec of servers) running.set(spec.key, await spec.start());
    const modeldesk = running.get('modeldesk')!;
    for (const spec of servers.filter((s) => s.modeldesk)) {
      const state = await startAbTest(running.get(spec.key)!, predictPath, singleBodies[0]!);
      if (spec.key === 'modeldesk') results.abTest = state;
      log(`A/B routing on ${spec.key}: ${state}`);
    }

    log('warm-up …');
    for (const spec of servers) {
      await runLoad({ tool, url: running.get(spec.key)!.url, path: predictPath, bodies: singleBodies, connections: 16, durationSec: 2, cpus: pinning.load });
    }
    const rowsBefore = await loggedRows(modeldesk);

    for (let round = 0; round < rounds; round++) {
      for (const [i, connections] of connectionLevels.entries()) {
        // rotate who goes first, so drift in machine load is shared
        const shift = (round + i) % servers.length;
        const order = [...servers.slice(shift), ...servers.slice(0, shift)];
        for (const spec of order) {
          const { result, cpuUs } = await measuredLoad(running.get(spec.key)!, { bodies: singleBodies, connections, durationSec });
          results.runs.push({ server: spec.key, connections, round, result, cpuUsPerRequest: cpuUs });
          if (spec.key === 'modeldesk') results.logged.acknowledged += result.ok;
          log(
            `round ${round + 1} c=${connections} ${spec.key}: ${result.requestsPerSec.toFixed(0)} req/s, ` +
              `p50 ${result.p50Ms.toFixed(3)} ms, p99 ${result.p99Ms.toFixed(2)} ms, CPU ${cpuUs?.toFixed(0) ?? '?'} µs/request, ` +
              `non-2xx ${result.non2xx}, errors ${result.errors}`
          );
          await sleep(300);
        }
      }
    }

    log('batch API (1,000 records per request) …');
    const batchServers = servers.filter((s) => s.modeldesk && s.key !== 'modeldesk-nobatch');
    for (let round = 0; round < rounds; round++) {
      for (const spec of round % 2 ? [...batchServers].reverse() : batchServers) {
        const { result, cpuUs } = await measuredLoad(running.get(spec.key)!, { bodies: batchBodies, connections: batchConnections, durationSec }, 1000);
        results.batch.push({ server: spec.key, round, rowsPerSec: result.requestsPerSec * 1000, p50Ms: result.p50Ms, result, cpuUsPerRow: cpuUs });
        if (spec.key === 'modeldesk') results.logged.acknowledged += result.ok * 1000;
        log(`batch round ${round + 1} ${spec.key}: ${(result.requestsPerSec * 1000).toFixed(0)} rows/s, p50 ${result.p50Ms.toFixed(1)} ms, CPU ${cpuUs?.toFixed(1) ?? '?'} µs/row`);
      }
    }
    await sleep(500);
    results.logged.rows = (await loggedRows(modeldesk)) - rowsBefore;
    // the other servers go now, so that ModelDesk settles alone
    for (const [key, server] of running) if (key !== 'modeldesk') await server.stop();
    await sleep(1500);
    results.memory = await settledMemory(modeldesk);
    log(
      `ModelDesk RSS after load: ${results.memory?.rssMb.toFixed(0)} MB, settled ${results.memory?.settledMb.toFixed(0)} MB ` +
        `(peak ${results.memory?.peakMb.toFixed(0)} MB)`
    );
  } finally {
    for (const server of running.values()) await server.stop();
  }

  if (!flag('--no-durability')) {
    log('durability: kill -9 during load …');
    results.durability = await checkDurability(16, 3000);
    log(`durability: ${JSON.stringify(results.durability)}`);
  }

  if (!flag('--no-log-bytes')) {
    log(`bytes on disk: ${logRows.toLocaleString('en-US')} logged requests …`);
    const measured = await jsonChild<LogBytes>('bench/log-bytes.ts', ['--json', '--rows', String(logRows)]);
    for (const { format, label } of logFormats) {
      const result = measured[format];
      results.logBytes.push({ format, label, result });
      log(`bytes on disk, ${label}: ${result.bytesPerRow.toFixed(1)} bytes per row, ${(result.fileBytes / 2 ** 20).toFixed(1)} MiB`);
    }
  }

  const json = JSON.stringify(results, null, 1);
  if (flag('--json')) console.log(json);
  const saved = join(os.tmpdir(), 'modeldesk-bench-results.json');
  writeFileSync(saved, json);
  log(`results saved to ${saved} (npm run bench -- --render ${saved} rewrites the section from them)`);
  publish(results);
}

/** The request-log formats log-bytes.ts measures side by side. */
const logFormats = [
  { format: 'text', label: 'JSON text (before issue #18)' },
  { format: 'current', label: 'lean rows (row-codec.ts)' }
] as const;

/** RSS 1.5 s after the last load, and once V8 gave the idle heap back (it does so on its own, waited for up to 40 s). */
async function settledMemory(server: ServerProcess): Promise<BenchResults['memory']> {
  const justAfter = server.memory();
  if (!justAfter) return null;
  let settled = justAfter;
  let waited = 0;
  let dropped = false;
  for (let quiet = 0; waited < 40 && !(dropped && quiet >= 2); waited += 2) {
    await sleep(2000);
    const now = server.memory() ?? settled;
    if (now.rssMb < settled.rssMb - 5) {
      dropped = true;
      quiet = 0;
    } else quiet++;
    if (now.rssMb < settled.rssMb) settled = now;
  }
  return { ...justAfter, settledMb: settled.rssMb, settledAfterSec: waited };
}

function publish(results: BenchResults): void {
  const markdown = renderReport(results);
  console.log('\n' + markdown);
  if (!flag('--no-write')) {
    const file = join(repoRoot, 'docs', 'BENCHMARKS.md');
    writeSection(file, markdown);
    console.log(`[bench] wrote ${file}`);
  }
  if (results.sessionRun.length && flag('--verbose')) console.log(sessionRunTable(results.sessionRun));
}

const render = arg('--render');
if (render) publish(JSON.parse(readFileSync(render, 'utf8')) as BenchResults);
else await main();
