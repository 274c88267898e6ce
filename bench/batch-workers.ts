/**
 * Worker threads for large calls, off and on, side by side (issue #18: should they be on by
 * default on machines with more cores?). Two ModelDesk cores in two child processes, each
 * seeded in its own data directory, take 1,000-record calls through `core.infer` (what the
 * batch API calls, without HTTP: no load generator competes for the cores), two at a time,
 * for a few seconds per round, in alternating order. Reported per setting: rows/s, the process's
 * CPU time per row (all threads), and its resident memory once idle (the inference worker stops
 * after 10 s without a large call).
 *
 *   node --import tsx bench/batch-workers.ts [--cpus 0-3] [--rounds 3] [--seconds 5] [--json]
 *
 * `--cpus` pins both children to those cores (taskset), to ask "what with N cores" on a larger machine.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { arg, benchRecords, classicRecord, endpointName, median, repoRoot, sleep } from './helpers.ts';

interface RoundResult {
  rowsPerSec: number;
  cpuUsPerRow: number;
}

interface ChildReport {
  rssIdleMb: number;
  rssAfterLoadMb: number;
}

export interface BatchWorkersResult {
  cores: number;
  cpus: string | null;
  settings: { workerThreads: boolean; rounds: RoundResult[]; rowsPerSec: number; cpuUsPerRow: number; rssAfterLoadMb: number; rssIdleMb: number }[];
}

const rssMb = () => process.memoryUsage().rss / 2 ** 20;

/** The child: one core, driven by messages ('round' → RoundResult, 'settle' → ChildReport). */
async function child(workerThreads: boolean): Promise<void> {
  const { createCore } = await import('../src-main/core/index.ts');
  const dataDir = mkdtempSync(join(os.tmpdir(), 'modeldesk-batch-workers-'));
  const core = await createCore({
    dataDir,
    migrationsDir: join(repoRoot, 'db', 'migrations'),
    modelsDir: join(repoRoot, 'models'),
    serving: { worker_threads: workerThreads }
  });
  const body = benchRecords(1000).map(classicRecord);
  const call = () => core.infer(endpointName, { kind: 'body', body });
  for (let i = 0; i < 4; i++) await Promise.all([call(), call()]);
  if (workerThreads) await core.pool.placement.workerReady();
  process.on('message', async (m: { op: string; seconds?: number }) => {
    if (m.op === 'round') {
      const end = Date.now() + (m.seconds ?? 5) * 1000;
      const cpu0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      let rows = 0;
      const loop = async () => {
        while (Date.now() < end) rows += (await call()).answers.length;
      };
      await Promise.all([loop(), loop()]);
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const cpu = process.cpuUsage(cpu0);
      process.send!({ rowsPerSec: rows / seconds, cpuUsPerRow: (cpu.user + cpu.system) / rows } satisfies RoundResult);
    } else if (m.op === 'settle') {
      const afterLoad = rssMb();
      let low = afterLoad;
      for (let waited = 0; waited < 40; waited += 2) {
        await sleep(2000);
        low = Math.min(low, rssMb());
      }
      process.send!({ rssAfterLoadMb: afterLoad, rssIdleMb: low } satisfies ChildReport);
    } else if (m.op === 'close') {
      await core.close();
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    }
  });
  process.send!({ ready: true });
}

function ask<T>(c: ChildProcess, message: unknown): Promise<T> {
  return new Promise((resolve) => {
    c.once('message', (reply) => resolve(reply as T));
    c.send(message as object);
  });
}

export async function measureBatchWorkers(options: { cpus: string | null; rounds: number; seconds: number }): Promise<BatchWorkersResult> {
  const start = (workerThreads: boolean) => {
    // this same script (under tsx, or bundled), as a child
    const c = fork(process.argv[1]!, ['--child', String(workerThreads)], {
      cwd: repoRoot,
      execArgv: process.execArgv,
      ...(options.cpus ? { execPath: 'taskset', execArgv: ['-c', options.cpus, process.execPath, ...process.execArgv] } : {})
    });
    return new Promise<ChildProcess>((resolve) => c.once('message', () => resolve(c)));
  };
  const children = [await start(false), await start(true)];
  const rounds: RoundResult[][] = [[], []];
  for (let round = 0; round < options.rounds; round++) {
    for (const i of round % 2 ? [1, 0] : [0, 1]) rounds[i]!.push(await ask<RoundResult>(children[i]!, { op: 'round', seconds: options.seconds }));
  }
  const settled = await Promise.all(children.map((c) => ask<ChildReport>(c, { op: 'settle' })));
  for (const c of children) c.send({ op: 'close' });
  return {
    cores: os.cpus().length,
    cpus: options.cpus,
    settings: [false, true].map((workerThreads, i) => ({
      workerThreads,
      rounds: rounds[i]!,
      rowsPerSec: median(rounds[i]!.map((r) => r.rowsPerSec)),
      cpuUsPerRow: median(rounds[i]!.map((r) => r.cpuUsPerRow)),
      ...settled[i]!
    }))
  };
}

const childOf = arg('--child');
if (childOf !== undefined) await child(childOf === 'true');
else if (/batch-workers\.(ts|bundle\.mjs)$/.test(process.argv[1] ?? '')) {
  const result = await measureBatchWorkers({ cpus: arg('--cpus') ?? null, rounds: Number(arg('--rounds') ?? 3), seconds: Number(arg('--seconds') ?? 5) });
  if (process.argv.includes('--json')) console.log(JSON.stringify(result));
  else
    for (const s of result.settings) {
      console.log(
        `worker threads ${s.workerThreads ? 'on ' : 'off'}: ${s.rowsPerSec.toFixed(0)} rows/s (rounds ${s.rounds.map((r) => r.rowsPerSec.toFixed(0)).join(', ')}), ` +
          `${s.cpuUsPerRow.toFixed(1)} µs CPU a row, RSS ${s.rssAfterLoadMb.toFixed(0)} MB after the load, ${s.rssIdleMb.toFixed(0)} MB idle`
      );
    }
}
