/**
 * Batch jobs (issue #16): throughput against the in-process limit, scaling with worker threads,
 * the online API's latency while a job runs, and the server's memory on a large file.
 *
 *   node --import tsx bench/jobs.bench.ts [--rows 1000000] [--workers 1,2,4,8,15]
 *        [--latency-rounds 3] [--memory-gb 1] [--skip-latency] [--skip-memory] [--write]
 *
 * 1. The limit: a bare `session.run` of the shipped income forest on prebuilt 1,024-row tensors
 *    (one onnxruntime thread, no spinning, as a job worker runs it), in rows/s for one thread.
 * 2. Throughput: a job over an Adult-shaped CSV of `--rows` rows (read, validate, predict, write
 *    CSV), in this process's core, once per worker count; each against the limit × workers. The
 *    results must be the same bytes whatever the worker count.
 * 3. Latency: a ModelDesk server (`serve`, as users start it); one keep-alive connection sends
 *    single predictions back to back, idle and while a job runs on the default workers; medians.
 * 4. Memory: the same server's resident memory (/proc) idle, then sampled while it scores a CSV
 *    of `--memory-gb` GB; the peak above idle.
 * `--write` puts the tables in docs/BENCHMARKS.md between the jobs markers.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { createCore } from '../src-main/core/index.ts';
import { inspectModel } from '../src-main/core/inference/index.ts';
import { adultRows } from '../test/fixtures/index.ts';
import { arg, benchRecords, median, modelPath, replaceSection, repoRoot, sleep, tensorsFor } from './helpers.ts';
import { adminToken, startModelDesk } from './servers.ts';

const rows = Number(arg('--rows') ?? 1_000_000);
const cores = availableParallelism();
const workerCounts = (arg('--workers') ?? [...new Set([1, 2, Math.max(1, cores - 1)])].join(',')).split(',').map(Number);
const latencyRounds = Number(arg('--latency-rounds') ?? 3);
const memoryGb = Number(arg('--memory-gb') ?? 1);
/** job workers of each memory run (default: the server's own default) */
const memoryWorkers: (string | undefined)[] = arg('--memory-workers')?.split(',') ?? [undefined];
const write = process.argv.includes('--write');
const dir = mkdtempSync(join(tmpdir(), 'modeldesk-jobs-bench-'));

const adult = readFileSync(join(repoRoot, 'test', 'fixtures', 'adult.csv'), 'utf8').split('\n').filter((l) => l.trim() !== '');
const count = (n: number) => Math.round(n).toLocaleString('en-US');

/** An Adult-shaped CSV: the census file's header and rows (", " separators, empty fields), repeated to `n` rows. */
async function writeAdultCsv(file: string, n: number): Promise<number> {
  const out = createWriteStream(file);
  let bytes = 0;
  const put = (text: string) => {
    bytes += Buffer.byteLength(text);
    return out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', () => resolve()));
  };
  await put(adult[0]! + '\n');
  let block: string[] = [];
  for (let i = 0; i < n; i++) {
    block.push(adult[1 + (i % (adult.length - 1))]!);
    if (block.length === 10_000) {
      await put(block.join('\n') + '\n');
      block = [];
    }
  }
  if (block.length) await put(block.join('\n') + '\n');
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return bytes;
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const data of createReadStream(file)) hash.update(data as Buffer);
  return hash.digest('hex');
}

/**
 * Rows per second of a bare session.run on 1,024-row batches, one thread, median of timed rounds,
 * on the same rows as the job's (a forest's cost depends on the rows: the paths through its trees).
 */
async function sessionRunLimit(): Promise<number> {
  const inspected = inspectModel(readFileSync(modelPath));
  const session = await ort.InferenceSession.create(inspected.runnable, { logSeverityLevel: 3, intraOpNumThreads: 1, extra: { session: { intra_op: { allow_spinning: '0' } } } });
  const fetches = session.outputNames.filter((n) => session.outputMetadata.some((m) => m.name === n && m.isTensor));
  const feeds = tensorsFor(adultRows(1024).map((r) => r.record), session.inputNames, inspected.signature.inputs);
  for (let i = 0; i < 5; i++) await session.run(feeds, fetches);
  const rounds: number[] = [];
  for (let r = 0; r < 15; r++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < 5; i++) await session.run(feeds, fetches);
    rounds.push((5 * 1024) / (Number(process.hrtime.bigint() - started) / 1e9));
  }
  await session.release();
  return median(rounds);
}

interface Throughput {
  workers: number;
  /** rows over the whole job, start-up included */
  rowsPerSecond: number;
  seconds: number;
  /** from the job's start to its first chunk written: threads started, model loaded in each */
  startupSeconds: number;
  /** rows after the first chunk over the time after it */
  steadyRowsPerSecond: number;
  limit: number;
  sha: string;
}

async function throughput(input: string, workers: number, limit: number): Promise<Throughput> {
  const data = join(dir, `data-${workers}`);
  const core = await createCore({ dataDir: data, migrationsDir: join(repoRoot, 'db', 'migrations'), modelsDir: join(repoRoot, 'models'), serving: { job_worker_threads: workers } });
  try {
    const output = { result: join(dir, `result-${workers}.csv`), errors: join(dir, `errors-${workers}.csv`) };
    // as in a server that has answered with it: the model's runnable graph (ZipMap rewritten) is cached
    await core.pool.model(core.select('income_classifier').algorithm);
    const job = await core.jobs.createFromPath(input, { endpoint: 'income_classifier' }, { trusted: true, output, runner: 'cli' });
    const started = process.hrtime.bigint();
    let first: { at: bigint; rows: number } | null = null;
    const done = await core.jobs.runToEnd(job.id, (live) => (first ??= { at: process.hrtime.bigint(), rows: live.rowsDone }));
    const ended = process.hrtime.bigint();
    const seconds = Number(ended - started) / 1e9;
    if (done.state !== 'completed' || done.rowsDone !== rows) throw new Error(`job ${done.state}: ${done.message} (${done.rowsDone} rows)`);
    const sha = await sha256(output.result);
    rmSync(output.result);
    const startupSeconds = Number(first!.at - started) / 1e9;
    const steadyRowsPerSecond = (rows - first!.rows) / (Number(ended - first!.at) / 1e9);
    return { workers: done.workers ?? workers, rowsPerSecond: rows / seconds, seconds, startupSeconds, steadyRowsPerSecond, limit: limit * workers, sha };
  } finally {
    await core.close();
    rmSync(data, { recursive: true, force: true });
  }
}

/** One keep-alive connection, single predictions back to back for `ms`: the median latency in ms. */
async function oneConnectionMedian(url: string, ms: number): Promise<number> {
  const body = JSON.stringify(Object.fromEntries(Object.entries(benchRecords(1)[0]!).map(([k, v]) => [k.replace(/_/g, '-'), v])));
  const times: number[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const started = process.hrtime.bigint();
    const res = await fetch(`${url}/api/v1/income_classifier/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await res.arrayBuffer();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return median(times);
}

const api = (url: string, path: string, init: RequestInit = {}) =>
  fetch(`${url}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json', ...init.headers } }).then((r) => r.json() as Promise<any>);

async function latency(input: string): Promise<{ idle: number[]; during: number[] }> {
  const server = await startModelDesk({ extraArgs: ['--job-input-dir', dir] });
  const idle: number[] = [];
  const during: number[] = [];
  try {
    await oneConnectionMedian(server.url, 1000);
    for (let round = 0; round < latencyRounds; round++) {
      idle.push(await oneConnectionMedian(server.url, 4000));
      const job = await api(server.url, '/jobs', { method: 'POST', body: JSON.stringify({ endpoint: 'income_classifier', path: input }) });
      // measured once the job's workers are loaded and scoring
      for (let view = job; view.rows_done < 5000; view = await api(server.url, `/jobs/${job.id}`)) {
        if (['failed', 'completed'].includes(view.state)) throw new Error(`job ended before the measure: ${JSON.stringify(view)}`);
        await sleep(50);
      }
      during.push(await oneConnectionMedian(server.url, 4000));
      const view = await api(server.url, `/jobs/${job.id}`);
      if (view.state !== 'running') throw new Error(`the job was ${view.state} before the end of the measure: make --rows larger`);
      await api(server.url, `/jobs/${job.id}`, { method: 'DELETE' });
    }
  } finally {
    await server.stop();
  }
  return { idle, during };
}

async function memory(input: string, workers: string | undefined): Promise<{ idleMb: number; peakMb: number; seconds: number; rows: number; workers: number }> {
  const server = await startModelDesk({ extraArgs: ['--job-input-dir', dir, ...(workers ? ['--job-workers', workers] : [])] });
  try {
    await oneConnectionMedian(server.url, 1000);
    await sleep(2000);
    const idleMb = server.memory()!.rssMb;
    let peakMb = idleMb;
    const job = await api(server.url, '/jobs', { method: 'POST', body: JSON.stringify({ endpoint: 'income_classifier', path: input }) });
    const started = Date.now();
    for (let view = job; !['completed', 'failed', 'cancelled'].includes(view.state); view = await api(server.url, `/jobs/${job.id}`)) {
      for (let i = 0; i < 10; i++) {
        peakMb = Math.max(peakMb, server.memory()?.rssMb ?? 0);
        await sleep(100);
      }
    }
    const view = await api(server.url, `/jobs/${job.id}`);
    if (view.state !== 'completed') throw new Error(`the memory job ${view.state}: ${view.message}`);
    return { idleMb, peakMb, seconds: (Date.now() - started) / 1000, rows: view.rows_done, workers: view.workers };
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const started = new Date();
  const load = loadavg().map((l) => l.toFixed(2)).join(', ');
  const input = join(dir, 'adult-1m.csv');
  const bytes = await writeAdultCsv(input, rows);
  console.log(`input: ${count(rows)} rows, ${(bytes / 2 ** 20).toFixed(0)} MiB; ${cores} cores; load ${load}`);
  const limit = await sessionRunLimit();
  console.log(`limit: bare session.run on 1,024-row batches, one thread: ${count(limit)} rows/s`);
  const results: Throughput[] = [];
  for (const workers of workerCounts) {
    const result = await throughput(input, workers, limit);
    results.push(result);
    console.log(
      `${workers} worker(s): ${count(result.rowsPerSecond)} rows/s in ${result.seconds.toFixed(1)} s (start-up ${result.startupSeconds.toFixed(2)} s, then ` +
        `${count(result.steadyRowsPerSecond)} rows/s = ${((result.steadyRowsPerSecond / result.limit) * 100).toFixed(0)}% of ${count(result.limit)})`
    );
  }
  const identical = results.every((r) => r.sha === results[0]!.sha);
  const lines = [
    '<!-- jobs:start -->',
    '## Batch jobs (issue #16)',
    '',
    `Generated by \`node --import tsx bench/jobs.bench.ts${process.argv.slice(2).filter((a) => a !== '--write').map((a) => ` ${a}`).join('')}\` (bench/jobs.bench.ts) on ${started.toISOString().slice(0, 10)}; the script rewrites everything between the jobs markers.`,
    `Machine: ${cpus()[0]?.model.trim() ?? '?'} × ${cores} logical cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}; load average at start ${load}.`,
    '',
    `### Throughput: ${count(rows)}-row Adult-shaped CSV (${(bytes / 2 ** 20).toFixed(0)} MiB), shipped income forest`,
    '',
    `The limit is a bare \`session.run\` on prebuilt 1,024-row tensors of the same rows, with one onnxruntime thread (as each job worker runs it), measured in the same run: ${count(limit)} rows/s per thread, times the job's worker threads. A job runs read CSV → validate → predict → write CSV in 1,024-row chunks from its start to its result renamed into place; its start-up (worker threads started, the model loaded in each) is the time to the first chunk written. Goal: at least 60% of the limit, once started.`,
    '',
    '| worker threads | whole job rows/s | seconds | start-up s | rows/s once started | limit (bare session.run × workers) | share of the limit once started | whole job share | goal |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...results.map(
      (r) =>
        `| ${r.workers} | ${count(r.rowsPerSecond)} | ${r.seconds.toFixed(1)} | ${r.startupSeconds.toFixed(2)} | ${count(r.steadyRowsPerSecond)} | ${count(r.limit)} | ` +
        `${((r.steadyRowsPerSecond / r.limit) * 100).toFixed(0)}% | ${((r.rowsPerSecond / r.limit) * 100).toFixed(0)}% | ${r.steadyRowsPerSecond / r.limit >= 0.6 ? 'met' : '**not met**'} |`
    ),
    '',
    `The result files are ${identical ? 'byte-identical' : '**not** identical'} across worker counts (SHA-256 ${results[0]!.sha.slice(0, 16)}…).`,
    ''
  ];
  const skipLatency = process.argv.includes('--skip-latency');
  const skipMemory = process.argv.includes('--skip-memory');
  // the large file: the memory runs score it, and the latency runs measure while a job reads it
  const big = join(dir, 'adult-big.csv');
  const bigRows = Math.round((memoryGb * 2 ** 30) / (bytes / rows));
  const bigBytes = skipLatency && skipMemory ? 0 : await writeAdultCsv(big, bigRows);
  if (!skipLatency) {
    const { idle, during } = await latency(big);
    const ratios = idle.map((i, k) => during[k]! / i);
    console.log(`latency idle ${idle.map((v) => v.toFixed(3))} ms, during a job ${during.map((v) => v.toFixed(3))} ms`);
    lines.push(
      '### The online API while a job runs',
      '',
      `A ModelDesk server (\`serve\`, default settings: ${Math.max(1, cores - 1)} job worker thread${cores - 1 === 1 ? '' : 's'} here); one keep-alive connection sends single predictions of the income forest back to back for 4 s, idle, then while a job scores the ${(bigBytes / 2 ** 30).toFixed(2)} GiB CSV below, ${latencyRounds} rounds. Goal: the median during a job within 2× of idle.`,
      '',
      '| round | idle median ms | during a job median ms | ratio |',
      '|---:|---:|---:|---:|',
      ...idle.map((v, k) => `| ${k + 1} | ${v.toFixed(3)} | ${during[k]!.toFixed(3)} | ${ratios[k]!.toFixed(2)}× |`),
      `| median | ${median(idle).toFixed(3)} | ${median(during).toFixed(3)} | ${median(ratios).toFixed(2)}× (${median(ratios) <= 2 ? 'met' : '**not met**'}) |`,
      ''
    );
  }
  if (!skipMemory) {
    const runs = [];
    for (const workers of memoryWorkers) {
      const m = await memory(big, workers);
      console.log(`memory (${m.workers} workers): idle ${m.idleMb.toFixed(0)} MB, peak ${m.peakMb.toFixed(0)} MB during ${count(m.rows)} rows in ${m.seconds.toFixed(0)} s`);
      runs.push(m);
    }
    lines.push(
      '### Memory on a large file',
      '',
      `The server scores a ${(bigBytes / 2 ** 30).toFixed(2)} GiB CSV (${count(bigRows)} rows); its resident memory (VmRSS of the server process, every 100 ms) against idle (started, the model loaded by a prediction). Each job worker thread holds its own copy of the model and a heap. Goal: at most 150 MB above idle.`,
      '',
      '| job worker threads | seconds | rows/s | idle | peak during the job | above idle | goal |',
      '|---:|---:|---:|---:|---:|---:|---|',
      ...runs.map((m) => `| ${m.workers} | ${m.seconds.toFixed(0)} | ${count(m.rows / m.seconds)} | ${m.idleMb.toFixed(0)} MB | ${m.peakMb.toFixed(0)} MB | ${(m.peakMb - m.idleMb).toFixed(0)} MB | ${m.peakMb - m.idleMb <= 150 ? 'met' : '**not met**'} |`),
      ''
    );
  }
  lines.push('<!-- jobs:end -->');
  const section = lines.join('\n');
  console.log(`\n${section}`);
  if (write) replaceSection(join(repoRoot, 'docs', 'BENCHMARKS.md'), section, { start: '<!-- jobs:start -->', end: '<!-- jobs:end -->' });
  rmSync(dir, { recursive: true, force: true });
}

await main();
