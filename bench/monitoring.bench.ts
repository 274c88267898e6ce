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
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
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
  const { readFileSync } = await import('node:fs');
  form.set('file', new Blob([readFileSync(adultCsv)]), 'adult.csv');
  const res = await fetch(`${server.url}/api/v1/monitoring/references?algorithm=1`, { method: 'POST', body: form, headers: { authorization: `Bearer ${adminToken}` } });
  if (res.status !== 201) throw new Error(`reference upload failed: ${res.status} ${await res.text()}`);
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
    await setReference(on);
    const servers = [
      { key: 'on', server: on },
      { key: 'off', server: off }
    ];
    for (const { server } of servers) await runLoad({ tool, url: server.url, path: predictPath, bodies, connections: 16, durationSec: 2 });
    const runs: { key: string; round: number; rps: number; p99: number }[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const { key, server } of round % 2 ? [...servers].reverse() : servers) {
        const r = await runLoad({ tool, url: server.url, path: predictPath, bodies, connections: 16, durationSec });
        runs.push({ key, round, rps: r.requestsPerSec, p99: r.p99Ms });
        log(`round ${round + 1} ${key}: ${r.requestsPerSec.toFixed(0)} req/s, p99 ${r.p99Ms.toFixed(2)} ms`);
        await sleep(300);
      }
    }
    await sleep(3000);
    const counted = await countedRows(on);
    const of = (key: string) => runs.filter((r) => r.key === key);
    const ratios = Array.from({ length: rounds }, (_, i) => of('on')[i]!.rps / of('off')[i]!.rps);
    return {
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

function timed<T>(run: () => T, times = 7): { ms: number; result: T } {
  run();
  const all: number[] = [];
  let result!: T;
  for (let i = 0; i < times; i++) {
    const start = process.hrtime.bigint();
    result = run();
    all.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { ms: median(all), result };
}

async function scale() {
  const dataDir = mkdtempSync(join(tmpdir(), 'modeldesk-monitoring-bench-'));
  let core: Core | null = null;
  try {
    // the aggregator runs when asked (flush), so its catch-up can be timed alone
    core = await createCore({ dataDir, migrationsDir: join(repoRoot, 'db', 'migrations'), modelsDir: join(repoRoot, 'models'), monitoring: { flushIntervalMs: 3_600_000 } });
    const profileRuns: number[] = [];
    for (let i = 0; i < 3; i++) {
      const start = process.hrtime.bigint();
      await core.monitoring.references.fromFile(1, 'adult.csv', createReadStream(adultCsv));
      profileRuns.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    log(`reference profile from adult.csv: ${profileRuns.map(fmtMs).join(', ')}`);

    log(`writing a ${logRows.toLocaleString('en-US')}-row request log over 30 days …`);
    const filled = await fillLog(core, logRows);
    const start = process.hrtime.bigint();
    await core.monitoring.flush();
    const catchUpMs = Number(process.hrtime.bigint() - start) / 1e6;
    log(`aggregator caught up with ${filled.rows.toLocaleString('en-US')} rows in ${fmtMs(catchUpMs)}`);

    const series30 = timed(() => JSON.stringify(core!.monitoring.series({ endpoint: endpointName, window: '30d' })));
    const series30v = timed(() => JSON.stringify(core!.monitoring.series({ endpoint: endpointName, algorithm: 1, window: '30d' })));
    const series24 = timed(() => JSON.stringify(core!.monitoring.series({ endpoint: endpointName, window: '24h' })));
    const drift = timed(() => core!.monitoring.drift({ algorithm: 1, window: '7d' }));
    const drift30 = timed(() => core!.monitoring.drift({ algorithm: 1, window: '30d' }));
    return { profileMs: median(profileRuns), filled, catchUpMs, series30, series30v, series24, drift, drift30 };
  } finally {
    await core?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const load = flag('--no-load') ? null : await loadComparison();
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
  const verdict = load.ratio >= 0.97 ? '**met**' : '**not met**';
  lines.push(
    '### Serving throughput, monitoring on vs off',
    '',
    `16 connections of single-record predictions (the 50 census records of the income fixture) to the shipped random forest, ${rounds} rounds × ${durationSec} s with ${tool}, two servers side by side. "On" has a reference profile on the forest, so each logged row is also parsed and binned for drift (${rowsFmt(load.counted.drift)} rows counted for drift and ${rowsFmt(load.counted.requests)} in the health series of the last hour when the load ended).`,
    '',
    '| server | requests/s (median) | p99 ms (median) |',
    '|---|---:|---:|',
    `| monitoring on (\`serve\`) | ${rowsFmt(Math.round(load.on))} | ${load.onP99.toFixed(2)} |`,
    `| monitoring off (\`serve --no-monitoring\`) | ${rowsFmt(Math.round(load.off))} | ${load.offP99.toFixed(2)} |`,
    '',
    `On ÷ off: **${load.ratio.toFixed(3)}** (median of the rounds' ratios; rounds ${load.ratios.map((r) => r.toFixed(3)).join(', ')}). Target: within 3% (≥ 0.970): ${verdict}.`,
    ''
  );
}
lines.push(
  '### Over a 1,000,000-row request log',
  '',
  `${rowsFmt(s.filled.rows)} logged rows over 30 days (two versions, ${pct(s.filled.feedbackShare)} with feedback, real inputs and answers of the income models), the forest with a reference profile. Each figure is the median of 7 calls after a warm-up, in-process (the HTTP route adds JSON transfer).`,
  '',
  '| what | time | target |',
  '|---|---:|---|',
  `| reference profile from the 32,561-row Adult CSV (csv-parse, every row scored by the forest, profiled) | ${fmtMs(s.profileMs)} | ≤ 1 s |`,
  `| Monitoring page series, 30 days, whole endpoint (120 buckets of 6 h; ${rowsFmt(s.series30.result.length)} bytes of JSON) | ${fmtMs(s.series30.ms)} | ≤ 300 ms |`,
  `| the same for one version | ${fmtMs(s.series30v.ms)} | ≤ 300 ms |`,
  `| series, 24 hours (96 buckets of 15 min) | ${fmtMs(s.series24.ms)} | |`,
  `| drift report, 7-day window of ${rowsFmt(s.drift.result.rows)} rows (14 features, 2 prediction columns, sparklines) | ${fmtMs(s.drift.ms)} | ≤ 500 ms for 100,000 rows |`,
  `| drift report, 30-day window of ${rowsFmt(s.drift30.result.rows)} rows | ${fmtMs(s.drift30.ms)} | |`,
  `| aggregator catching up with the whole log once (health, feedback outcomes, drift counts of the forest's rows) | ${(s.catchUpMs / 1000).toFixed(1)} s | ${rowsFmt(Math.round(s.filled.rows / (s.catchUpMs / 1000)))} rows/s, in slices between which serving goes on |`,
  '<!-- monitoring:end -->'
);
const section = lines.join('\n');
console.log(`\n${section}`);
if (flag('--write')) {
  writeSection(join(repoRoot, 'docs', 'BENCHMARKS.md'), section, { start: '<!-- monitoring:start -->', end: '<!-- monitoring:end -->' });
  log('docs/BENCHMARKS.md updated (## Monitoring)');
}
