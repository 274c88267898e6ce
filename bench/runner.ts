/**
 * `npm run bench`: ModelDesk against the baseline, side by side, and the figures of issue #6.
 *
 *   npm run bench -- [--rounds 3] [--duration 5] [--tool wrk|autocannon] [--variants] [--no-write]
 *   npm run bench -- --render <results.json>     (rewrite the section from a saved run)
 *
 * 1. the in-process limit (bench/session-run.ts, in a child process);
 * 2. ModelDesk (headless, fresh data dir, request log on, A/B test running when the API has
 *    it), the baseline (bench/baseline-server.ts) and the HTTP-only ceiling
 *    (bench/http-only-server.ts), each its own process, driven in turn at 1, 16 and 64
 *    connections, alternating which goes first so machine noise hits all alike;
 * 3. the batch API (1,000 records per request), ModelDesk's resident memory after the load,
 *    and the durability check (bench/durability.ts);
 * 4. the medians, ratios and verdicts, written between the throughput markers of
 *    docs/BENCHMARKS.md (the rest of that file is left as it is).
 */
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { checkDurability, type DurabilityResult } from './durability.ts';
import { arg, benchRecords, classicRecord, endpointName, repoRoot, sleep } from './helpers.ts';
import { runLoad, wrkVersion, type LoadResult, type LoadTool } from './load.ts';
import { adminToken, startBaseline, startHttpOnly, startModelDesk, type ModelDeskStart, type ServerProcess } from './servers.ts';
import { sessionRunTable, type SessionRunRow } from './session-run.ts';
import { renderReport, writeSection } from './report.ts';

export interface ServerSpec {
  key: string;
  label: string;
  start: () => Promise<ServerProcess>;
  /** a ModelDesk instance: log rows are counted and the A/B test started */
  modeldesk: boolean;
}

export interface RunRecord {
  server: string;
  connections: number;
  round: number;
  result: LoadResult;
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
  batch: { server: string; round: number; rowsPerSec: number; p50Ms: number; result: LoadResult }[];
  batchConnections: number;
  abTest: string;
  logged: { acknowledged: number; rows: number };
  /** RSS 2 s after the last load, once settled (V8 returns idle heap after ~20 s), and the peak */
  memory: { rssMb: number; peakMb: number; settledMb: number; settledAfterSec: number } | null;
  durability: DurabilityResult | null;
  sessionRun: SessionRunRow[];
}

const flag = (name: string) => process.argv.includes(name);
const rounds = Number(arg('--rounds') ?? 3);
const durationSec = Number(arg('--duration') ?? 5);
const tool: LoadTool = (arg('--tool') as LoadTool | undefined) ?? (wrkVersion() ? 'wrk' : 'autocannon');
const connectionLevels = (arg('--connections') ?? '1,16,64').split(',').map(Number);
const batchConnections = 2;
const predictPath = `/api/v1/${endpointName}/predict`;

const singleBodies = benchRecords(50).map((r) => JSON.stringify(classicRecord(r)));
const batchBodies = [0, 7, 13, 29].map((shift) =>
  JSON.stringify(benchRecords(1000 + shift).slice(shift).map(classicRecord))
);

function modeldeskSpec(key: string, label: string, options: ModelDeskStart = {}): ServerSpec {
  return { key, label, start: () => startModelDesk(options), modeldesk: true };
}

const servers: ServerSpec[] = [
  modeldeskSpec('modeldesk', 'ModelDesk'),
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

async function api(server: ServerProcess, path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(server.url + path, {
    ...init,
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json', ...init.headers }
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body };
}

async function loggedRows(server: ServerProcess): Promise<number> {
  const { body } = await api(server, '/api/v1/mlrequests?page_size=1');
  return Number((body as { count?: number }).count ?? NaN);
}

/** Starts the A/B test of issue #6 (random forest vs logistic regression) when the API has it. */
async function startAbTest(server: ServerProcess): Promise<string> {
  const created = await api(server, '/api/v1/abtests', {
    method: 'POST',
    body: JSON.stringify({
      title: 'bench: forest vs logistic regression',
      created_by: 'bench',
      parent_mlalgorithm_1: 1,
      parent_mlalgorithm_2: 2
    })
  });
  if (created.status === 404) return 'not active: this build has no POST /api/v1/abtests yet';
  if (created.status >= 300) return `not active: POST /api/v1/abtests answered ${created.status} ${JSON.stringify(created.body)}`;
  const probe = await fetch(server.url + predictPath, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: singleBodies[0]
  });
  const answer = (await probe.json()) as { ab_test_id?: number | null };
  return answer.ab_test_id != null
    ? `active: A/B test ${answer.ab_test_id} splits every request between the two shipped algorithms`
    : 'created, but predictions came back without ab_test_id (routing not wired yet)';
}

function sessionRunInChild(): Promise<SessionRunRow[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'bench/session-run.ts', '--json', '--threads', '1,2,0'],
      { cwd: repoRoot, maxBuffer: 1 << 22 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`session-run failed: ${stderr || err.message}`));
        const line = stdout.trim().split('\n').pop()!;
        resolve(JSON.parse(line) as SessionRunRow[]);
      }
    );
  });
}

function versionOf(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(join(repoRoot, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

function machine(): Record<string, string> {
  const cpus = os.cpus();
  const memory = new Database(':memory:');
  const sqlite = memory.prepare('select sqlite_version()').pluck().get() as string;
  memory.close();
  return {
    CPU: `${cpus[0]?.model ?? '?'} × ${cpus.length} logical cores`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    OS: `${os.type()} ${os.release()} (${os.arch()})`,
    'load average at start': os.loadavg().map((l) => l.toFixed(2)).join(', '),
    Node: process.version,
    'onnxruntime-node': versionOf('onnxruntime-node'),
    Fastify: versionOf('fastify'),
    'better-sqlite3 / SQLite': `${versionOf('better-sqlite3')} / ${sqlite}`,
    tsx: versionOf('tsx'),
    'load generator': tool === 'wrk' ? `wrk ${wrkVersion()} (1 thread)` : `autocannon ${versionOf('autocannon')} (in-process)`
  };
}

async function main(): Promise<void> {
  const log = (message: string) => console.log(`[bench] ${message}`);
  const results: BenchResults = {
    date: new Date().toISOString(),
    machine: machine(),
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
    sessionRun: []
  };
  log(`tool: ${tool}; ${rounds} rounds × ${durationSec} s at ${connectionLevels.join('/')} connections`);

  if (!flag('--no-session-run')) {
    log('in-process session.run limit …');
    results.sessionRun = await sessionRunInChild();
  }

  const running = new Map<string, ServerProcess>();
  try {
    for (const spec of servers) running.set(spec.key, await spec.start());
    const modeldesk = running.get('modeldesk')!;
    results.abTest = await startAbTest(modeldesk);
    log(`A/B routing: ${results.abTest}`);
    // Both shipped models loaded (the testing one serves the A/B arm, or pinned requests).
    await fetch(`${modeldesk.url}${predictPath}?status=testing`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: singleBodies[1]
    }).then((r) => r.arrayBuffer());

    log('warm-up …');
    for (const spec of servers) {
      await runLoad({ tool, url: running.get(spec.key)!.url, path: predictPath, bodies: singleBodies, connections: 16, durationSec: 2 });
    }
    const rowsBefore = await loggedRows(modeldesk);

    for (let round = 0; round < rounds; round++) {
      for (const [i, connections] of connectionLevels.entries()) {
        // rotate who goes first, so drift in machine load is shared
        const shift = (round + i) % servers.length;
        const order = [...servers.slice(shift), ...servers.slice(0, shift)];
        for (const spec of order) {
          const server = running.get(spec.key)!;
          const result = await runLoad({ tool, url: server.url, path: predictPath, bodies: singleBodies, connections, durationSec });
          results.runs.push({ server: spec.key, connections, round, result });
          if (spec.key === 'modeldesk') results.logged.acknowledged += result.ok;
          log(
            `round ${round + 1} c=${connections} ${spec.key}: ${result.requestsPerSec.toFixed(0)} req/s, ` +
              `p50 ${result.p50Ms.toFixed(3)} ms, p99 ${result.p99Ms.toFixed(2)} ms, non-2xx ${result.non2xx}, errors ${result.errors}`
          );
          await sleep(300);
        }
      }
    }

    log('batch API (1,000 records per request) …');
    const batchServers = servers.filter((s) => s.modeldesk && s.key !== 'modeldesk-nobatch');
    for (let round = 0; round < rounds; round++) {
      for (const spec of round % 2 ? [...batchServers].reverse() : batchServers) {
        const result = await runLoad({
          tool,
          url: running.get(spec.key)!.url,
          path: predictPath,
          bodies: batchBodies,
          connections: batchConnections,
          durationSec
        });
        results.batch.push({ server: spec.key, round, rowsPerSec: result.requestsPerSec * 1000, p50Ms: result.p50Ms, result });
        if (spec.key === 'modeldesk') results.logged.acknowledged += result.ok * 1000;
        log(`batch round ${round + 1} ${spec.key}: ${(result.requestsPerSec * 1000).toFixed(0)} rows/s, p50 ${result.p50Ms.toFixed(1)} ms`);
      }
    }
    await sleep(500);
    results.logged.rows = (await loggedRows(modeldesk)) - rowsBefore;
    await sleep(1500);
    const justAfter = modeldesk.memory();
    if (justAfter) {
      // V8 gives an idle heap back to the OS on its own after some seconds: wait for it, up to 40 s.
      let settled = justAfter;
      let waited = 0;
      let dropped = false;
      for (let quiet = 0; waited < 40 && !(dropped && quiet >= 2); waited += 2) {
        await sleep(2000);
        const now = modeldesk.memory() ?? settled;
        if (now.rssMb < settled.rssMb - 5) {
          dropped = true;
          quiet = 0;
        } else quiet++;
        if (now.rssMb < settled.rssMb) settled = now;
      }
      results.memory = { ...justAfter, settledMb: settled.rssMb, settledAfterSec: waited };
    }
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

  const json = JSON.stringify(results, null, 1);
  if (flag('--json')) console.log(json);
  const saved = join(os.tmpdir(), 'modeldesk-bench-results.json');
  writeFileSync(saved, json);
  log(`results saved to ${saved} (npm run bench -- --render ${saved} rewrites the section from them)`);
  publish(results);
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
