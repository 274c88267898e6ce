/**
 * Monitoring's cost and speed (issue #15), side by side in one run:
 *
 * 1. Serving throughput with monitoring on and off: two ModelDesk servers (`serve`, and
 *    `serve --no-monitoring`), 16 connections of single-record predictions to the income random
 *    forest, driven in turn for `rounds` rounds with the order alternating. The "on" server has a
 *    reference profile on that version, so every logged row is also parsed and counted for drift.
 * 2. Over a 1,000,000-row request log (30 days, two versions, 10% with feedback): how fast the
 *    aggregator catches up, the Monitoring page's series for 30 days, and the drift report of the
 *    version over a 7-day window of ~100,000 rows; and a reference profile from the 32,561-row
 *    Adult CSV (every row scored by the model).
 *
 *   npx tsx bench/monitoring.bench.ts [--rounds 6] [--duration 5] [--rows 1000000] [--no-load] [--write]
 *
 * `--write` puts the tables in docs/BENCHMARKS.md between the monitoring markers.
 */
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../src-main/core/index.ts';
import { arg, benchRecords, classicRecord, endpointName, median, repoRoot, sleep } from './helpers.ts';
import { runLoad, wrkVersion, type LoadTool } from './load.ts';
import { writeSection } from './report.ts';
import { adminToken, startModelDesk, type ServerProcess } from './servers.ts';
import { fillLog } from './monitoring-log.ts';

const rounds = Number(arg('--rounds') ?? 6);
const durationSec = Number(arg('--duration') ?? 5);
const logRows = Number(arg('--rows') ?? 1_000_000);
const tool: LoadTool = (arg('--tool') as LoadTool | undefined) ?? (wrkVersion() ? 'wrk' : 'autocannon');
const flag = (name: string) => process.argv.includes(name);
const adultCsv = join(repoRoot, 'test', 'fixtures', 'adult.csv');
const predictPath = `/api/v1/${endpointName}/predict`;
const bodies = benchRecords(50).map((r) => JSON.stringify(classicRecord(r)));
const fmtMs = (ms: number) => `${ms < 10 ? ms.toFixed(2) : ms.toFixed(0)} ms`;
const log = (message: string) => console.log(`[monitoring] ${message}`);

async function setReference(server: ServerProcess): Promise<void> {
  const form = new FormData();
  form.set('file', new Blob([readFileSync(adultCsv)]), 'adult.csv');
  const res = await fetch(`${server.url}/api/v1/monitoring/references?algorithm=1`, { method: 'POST', body: form, headers: { authorization: `Bearer ${adminToken}` } });
  if (res.status !== 201) throw new Error(`reference upload failed: ${res.status} ${await res.text()}`);
}

/**
 * CPU seconds a process has used (all its threads: /proc/<pid>/stat utime + stime). On a shared
 * machine, throughput swings with what else runs; the server's CPU per answered request does not.
 */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function countedRows(server: ServerProcess): Promise<{ requests: number; drift: number }> {
  const get = async (path: string) => (await (await fetch(server.url + path, { headers: { authorization: `Bearer ${adminToken}` } })).json()) as any;
  const series = await get(`/api/v1/monitoring/series?endpoint=${endpointName}&window=1h`);
  const drift = await get(`/api/v1/monitoring/drift?algorithm=1&window=1h`);
  return { requests: series.totals.requests, drift: drift.rows };
}

async function loadComparison() {
  log(`throughput, monitoring on vs off: ${rounds} rounds × ${durationSec} s at 16 connections (${tool})`);
  const on = await startModelDesk();
  const off = await startModelDesk({ monitoring: false });
  try {
    // both build the same profile (same heap history); only "on" counts traffic against it
    await setReference(on);
    await setReference(off);
    const servers = [
      { key: 'on', server: on },
      { key: 'off', server: off }
    ];
    for (const { server } of servers) await runLoad({ tool, url: server.url, path: predictPath, bodies, connections: 16, durationSec: 2 });
    const runs: { key: string; round: number; rps: number; p99: number; cpuUs: number }[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const { key, server } of round % 2 ? [...servers].reverse() : servers) {
        const cpuBefore = cpuSeconds(server.pid);
        const r = await runLoad({ tool, url: server.url, path: predictPath, bodies, connections: 16, durationSec });
        // the aggregator's pass for this run's rows comes up to 2 s later: count it in
        await sleep(2500);
        const cpuUs = ((cpuSeconds(server.pid) - cpuBefore) / r.ok) * 1e6;
        runs.push({ key, round, rps: r.requestsPerSec, p99: r.p99Ms, cpuUs });
        log(`round ${round + 1} ${key}: ${r.requestsPerSec.toFixed(0)} req/s, p99 ${r.p99Ms.toFixed(2)} ms, ${cpuUs.toFixed(0)} µs CPU per request`);
      }
    }
    await sleep(3000);
    const counted = await countedRows(on);
    const of = (key: string) => runs.filter((r) => r.key === key);
    const ratios = Array.from({ length: rounds }, (_, i) => of('on')[i]!.rps / of('off')[i]!.rps);
    const cpuRatios = Array.from({ length: rounds }, (_, i) => of('on')[i]!.cpuUs / of('off')[i]!.cpuUs);
    return {
      onCpu: median(of('on').map((r) => r.cpuUs)),
      offCpu: median(of('off').map((r) => r.cpuUs)),
      cpuRatio: median(cpuRatios),
      cpuRatios,
      on: median(of('on').map((r) => r.rps)),
      off: median(of('off').map((r) => r.rps)),
      onP99: median(of('on').map((r) => r.p99)),
      offP99: median(of('off').map((r) => r.p99)),
      ratio: median(ratios),
      ratios,
      counted
    };
  } finally {
    await on.stop();
    await off.stop();
  }
}

/** CPU milliseconds of this process so far (every thread). */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Median wall and CPU time of `times` runs after a warm-up. */
function timed<T>(run: () => T, times = 7): { ms: number; cpu: number; result: T } {
  run();
  const wall: number[] = [];
  const cpu: number[] = [];
  let result!: T;
  for (let i = 0; i < times; i++) {
    const c = cpuMs();
    const start = process.hrtime.bigint();
    result = run();
    wall.push(Number(process.hrtime.bigint() - start) / 1e6);
    cpu.push(cpuMs() - c);
  }
  return { ms: median(wall), cpu: median(cpu), result };
}

async function scale() {
  const dataDir = mkdtempSync(join(tmpdir(), 'modeldesk-monitoring-bench-'));
  let core: Core | null = null;
  try {
    // the aggregator runs when asked (flush), so its catch-up can be timed alone
    core = await createCore({ dataDir, migrationsDir: join(repoRoot, 'db', 'migrations'), modelsDir: join(repoRoot, 'models'), monitoring: { flushIntervalMs: 3_600_000 } });
    const profileRuns: number[] = [];
    const profileCpu: number[] = [];
    for (let i = 0; i < 4; i++) {
      const c = cpuMs();
      const start = process.hrtime.bigint();
      await core.monitoring.references.fromFile(1, 'adult.csv', createReadStream(adultCsv));
      // the first run loads the model and warms the JIT
      if (i > 0) profileRuns.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (i > 0) profileCpu.push(cpuMs() - c);
    }
    log(`reference profile from adult.csv: ${profileRuns.map(fmtMs).join(', ')} (CPU ${profileCpu.map(fmtMs).join(', ')})`);

    log(`writing a ${logRows.toLocaleString('en-US')}-row request log over 30 days …`);
    const filled = await fillLog(core, logRows);
    const catchUpCpu0 = cpuMs();
    const start = process.hrtime.bigint();
    await core.monitoring.flush();
    const catchUpMs = Number(process.hrtime.bigint() - start) / 1e6;
    const catchUpCpu = cpuMs() - catchUpCpu0;
    log(`aggregator caught up with ${filled.rows.toLocaleString('en-US')} rows in ${fmtMs(catchUpMs)}`);

    const series30 = timed(() => JSON.stringify(core!.monitoring.series({ endpoint: endpointName, window: '30d' })));
    const series30v = timed(() => JSON.stringify(core!.monitoring.series({ endpoint: endpointName, algorithm: 1, window: '30d' })));
    const series24 = timed(() => JSON.stringify(core!.monitoring.series({ endpoint: endpointName, window: '24h' })));
    const drift = timed(() => core!.monitoring.drift({ algorithm: 1, window: '7d' }));
    const drift30 = timed(() => core!.monitoring.drift({ algorithm: 1, window: '30d' }));
    return { profileMs: median(profileRuns), profileCpu: median(profileCpu), filled, catchUpMs, catchUpCpu, series30, series30v, series24, drift, drift30 };
  } finally {
    await core?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const load = flag('--no-load') ? null : await loadComparison();
if (load) log(`CPU per request on ÷ off: ${load.cpuRatio.toFixed(3)} (${load.cpuRatios.map((r) => r.toFixed(3)).join(', ')}); requests/s on ÷ off: ${load.ratio.toFixed(3)}`);
if (flag('--no-scale')) process.exit(0);
const s = await scale();
const machine = `${cpus()[0]?.model.trim() ?? 'CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 20)} MiB RAM, Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)} at the end`;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const rowsFmt = (n: number) => n.toLocaleString('en-US');
const lines = [
  '<!-- monitoring:start -->',
  '## Monitoring (issue #15)',
  '',
  `Generated by \`npx tsx bench/monitoring.bench.ts${flag('--no-load') ? ' --no-load' : ''} --write\` on ${new Date().toISOString().slice(0, 10)} (${machine}). Shared machine: other work ran beside it, so read single figures as orders of magnitude; the on/off comparison alternates its order every round and reports the median of the per-round ratios.`,
  ''
];
if (load) {
  const cpuVerdict = load.cpuRatio <= 1.03 ? '**met**' : '**not met**';
  lines.push(
    '### Serving cost, monitoring on vs off',
    '',
    `16 connections of single-record predictions (the 50 census records of the income fixture) to the shipped random forest, ${rounds} rounds × ${durationSec} s with ${tool}, two servers side by side, the order alternating. Both built the same reference profile on the forest (same heap history); "on" counts every logged row for health and a uniform sample for drift (over 200 rows/s: ${rowsFmt(load.counted.drift)} of the ${rowsFmt(load.counted.requests)} rows of the last hour parsed and binned when the load ended). CPU per request is the server process's CPU time (every thread, from /proc) over its answered requests, the aggregator's pass after each run included: unlike requests/s it does not swing with what else the machine runs.`,
    '',
    '| server | CPU µs per request (median) | requests/s (median) | p99 ms (median) |',
    '|---|---:|---:|---:|',
    `| monitoring on (\`serve\`) | ${load.onCpu.toFixed(0)} | ${rowsFmt(Math.round(load.on))} | ${load.onP99.toFixed(2)} |`,
    `| monitoring off (\`serve --no-monitoring\`) | ${load.offCpu.toFixed(0)} | ${rowsFmt(Math.round(load.off))} | ${load.offP99.toFixed(2)} |`,
    '',
    `CPU per request, on ÷ off: **${load.cpuRatio.toFixed(3)}** (median of the rounds' ratios: ${load.cpuRatios.map((r) => r.toFixed(3)).join(', ')}); a CPU-bound server's throughput is the inverse, so the target "throughput within 3%" is a CPU ratio ≤ 1.03: ${cpuVerdict}. Throughput on ÷ off, median of the rounds' ratios: ${load.ratio.toFixed(3)} (rounds ${load.ratios.map((r) => r.toFixed(2)).join(', ')}), which on this shared machine mostly measures the neighbours. The rounds' ratios spread by ±10% (the ratio of the two medians is ${(load.onCpu / load.offCpu).toFixed(3)}): on this machine the noise is larger than the effect, so the figure says monitoring costs a few percent at most, not that it costs under 3%; the per-row cost it adds is bounded by design (counting from the events, drift sampled above 200 rows/s).`,
    ''
  );
}
const both = (t: { ms: number; cpu: number }) => `${fmtMs(t.ms)} (CPU ${fmtMs(t.cpu)})`;
lines.push(
  '### Over a 1,000,000-row request log',
  '',
  `${rowsFmt(s.filled.rows)} logged rows over 30 days (two versions, ${pct(s.filled.feedbackShare)} with feedback, real inputs and answers of the income models), the forest with a reference profile. Each figure is the median of 7 calls after a warm-up, in-process (the HTTP route adds JSON transfer), as wall time and, in brackets, this process's CPU time, which is what a quiet machine's wall time would be.`,
  '',
  '| what | time | target |',
  '|---|---:|---|',
  `| reference profile from the 32,561-row Adult CSV (csv-parse, every row validated and profiled, the predictions of a 10,000-row sample scored by the forest) | ${fmtMs(s.profileMs)} (CPU ${fmtMs(s.profileCpu)}) | ≤ 1 s |`,
  `| Monitoring page series, 30 days, whole endpoint (120 buckets of 6 h; ${rowsFmt(s.series30.result.length)} bytes of JSON) | ${both(s.series30)} | ≤ 300 ms |`,
  `| the same for one version | ${both(s.series30v)} | ≤ 300 ms |`,
  `| series, 24 hours (96 buckets of 15 min) | ${both(s.series24)} | |`,
  `| drift report, 7-day window of ${rowsFmt(s.drift.result.rows)} rows (14 features, 2 prediction columns, sparklines) | ${both(s.drift)} | ≤ 500 ms for 100,000 rows |`,
  `| drift report, 30-day window of ${rowsFmt(s.drift30.result.rows)} rows | ${both(s.drift30)} | |`,
  `| aggregator catching up with the whole log once (health, feedback outcomes, drift counts of the forest's rows) | ${(s.catchUpMs / 1000).toFixed(1)} s (CPU ${(s.catchUpCpu / 1000).toFixed(1)} s) | ${rowsFmt(Math.round(s.filled.rows / (s.catchUpCpu / 1000)))} rows per CPU second, in slices between which serving goes on |`,
  '<!-- monitoring:end -->'
);
const section = lines.join('\n');
console.log(`\n${section}`);
if (flag('--write')) {
  writeSection(join(repoRoot, 'docs', 'BENCHMARKS.md'), section, { start: '<!-- monitoring:start -->', end: '<!-- monitoring:end -->' });
  log('docs/BENCHMARKS.md updated (## Monitoring)');
}
