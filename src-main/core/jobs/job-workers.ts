import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import type { ModelOptions, ModelSignature } from '../inference/index.ts';
import { OnDemandWorker, type ThreadWorker } from '../on-demand-worker.ts';
import { WorkerChannel, type WorkerReply } from '../worker-channel.ts';
import type { ChunkSpec, ScoredChunk } from './chunk-scorer.ts';
import type { ReplayedChunk } from './replay/replay-scoring.ts';

/**
 * Where the job worker's code is: job-worker.ts run through tsx (`npm run serve:dev`, the CLI,
 * tests), or the file a bundler built from it (dist/server/job-worker.js beside the server that
 * `npm run serve` runs; the desktop app passes out/main/job-worker.js).
 */
export interface JobWorkerEntry {
  /** file URL of the worker module */
  entry: string;
  /** file URL of tsx's ESM API when the entry is TypeScript */
  tsx: string | null;
}

/**
 * The TypeScript entry beside this file, run through tsx; in a one-file bundle, the built
 * job-worker.js beside it; otherwise null (the host names the built one: CoreConfig.jobWorkerEntry).
 */
export function sourceWorkerEntry(): JobWorkerEntry | null {
  if (!import.meta.url.endsWith('.ts')) {
    const built = new URL('./job-worker.js', import.meta.url);
    return existsSync(fileURLToPath(built)) ? { entry: built.href, tsx: null } : null;
  }
  try {
    // the ESM build of the API (its CommonJS build registers a loader the worker cannot find)
    const tsx = join(dirname(createRequire(import.meta.url).resolve('tsx/esm/api')), 'index.mjs');
    return { entry: new URL('./job-worker.ts', import.meta.url).href, tsx: pathToFileURL(tsx).href };
  } catch {
    return null;
  }
}

// The thread starts from this plain CommonJS, which imports the entry (through tsx for TypeScript):
// WorkerChannel's workers are evaluated from source, and this one then loads the core's modules.
const bootstrap = `
const { workerData } = require('node:worker_threads');
const { entry, tsx } = workerData;
(tsx ? import(tsx).then((api) => api.tsImport(entry, entry)) : import(entry)).catch((err) => {
  process.stderr.write('modeldesk: the job worker could not start: ' + ((err && err.stack) || err) + '\\n');
  process.exit(1);
});
`;

/** Job workers when not configured: one per core but one (the serving thread's), at least one. */
export function defaultJobWorkers(): number {
  return Math.max(1, availableParallelism() - 1);
}

type Reply = WorkerReply & Record<string, unknown>;

/** One job worker thread: the models it holds, and the calls a job makes of it. */
export class JobWorker implements ThreadWorker {
  /** keys of the models loaded in this thread */
  readonly models = new Set<string>();

  private constructor(private readonly channel: WorkerChannel<Reply>) {}

  static start(entry: JobWorkerEntry): JobWorker | null {
    const channel = WorkerChannel.start<Reply>(bootstrap, 'job worker', { ...entry, jobWorker: true });
    return channel ? new JobWorker(channel) : null;
  }

  get alive(): boolean {
    return this.channel.alive;
  }

  get pending(): number {
    return this.channel.pending;
  }

  async load(key: string, model: { signature: ModelSignature; runnable: Uint8Array; options: ModelOptions }): Promise<void> {
    if (this.models.has(key)) return;
    await this.channel.call({ op: 'load', key, signature: model.signature, runnable: model.runnable, options: model.options });
    this.models.add(key);
  }

  async release(key: string): Promise<void> {
    if (!this.models.delete(key) || !this.alive) return;
    await this.channel.call({ op: 'release', key }).catch(() => undefined);
  }

  async score(key: string, spec: ChunkSpec, bytes: Uint8Array): Promise<ScoredChunk> {
    const reply = await this.channel.call({ op: 'score', key, spec, bytes });
    return { records: reply.records as number, output: reply.output as Uint8Array, failures: reply.failures as ScoredChunk['failures'] };
  }

  async replay(key: string, inputs: string[]): Promise<ReplayedChunk> {
    const reply = await this.channel.call({ op: 'replay', key, inputs });
    return { answers: reply.answers as ReplayedChunk['answers'], errors: reply.errors as ReplayedChunk['errors'] };
  }

  async time(keys: string[], inputs: string[]): Promise<number[][]> {
    return (await this.channel.call({ op: 'time', keys, inputs })).microseconds as number[][];
  }

  async close(): Promise<void> {
    await this.channel.close();
  }
}

/**
 * The job worker threads: as many as a job asks for, each started on first use and stopped once
 * idle (OnDemandWorker), so the threads and the models they hold are given back between jobs.
 */
export class JobWorkerPool {
  private readonly slots: OnDemandWorker<JobWorker>[] = [];

  constructor(
    private readonly entry: JobWorkerEntry | null,
    private readonly idleMs = 30_000
  ) {}

  /** `count` live workers (started now where needed); fewer when threads cannot start here */
  workers(count: number): JobWorker[] {
    const entry = this.entry;
    if (!entry) throw new Error('this build of ModelDesk has no job worker (CoreConfig.jobWorkerEntry)');
    while (this.slots.length < count) this.slots.push(new OnDemandWorker(() => JobWorker.start(entry), this.idleMs));
    return this.slots.slice(0, count).flatMap((slot) => slot.use() ?? []);
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.close()));
  }
}
