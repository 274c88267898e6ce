import type Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { finishedJobStates } from '../../contract/jobs.ts';
import type { Db } from '../../../db/open.ts';
import { nowIso } from '../clock.ts';
import { conflict, notFound } from '../errors.ts';
import type { CoreEvents } from '../events.ts';
import type { ArtifactStore } from '../registry/artifact-store.ts';
import type { Registry } from '../registry/registry.ts';
import type { SelectOptions, Selection } from '../serving/algorithm-selector.ts';
import { readRunnableModel } from '../serving/runnable-model.ts';
import { createPredictJob, jobSelection, type JobInput, type JobOutput, type PredictJobRequest } from './job-creation.ts';
import { InputAllowance, receiveUpload, sha256OfFile, type ReceivedFile } from './input-files.ts';
import { JobStore, type JobChanges, type JobRow } from './job-store.ts';
import { OutputFiles } from './output-files.ts';
import { defaultJobWorkers, JobWorkerPool, type JobWorkerEntry } from './job-workers.ts';
import { runPredictJob, type PredictOptions, type StopReason } from './predict-runner.ts';
import { createReplayJob, runReplayJob, type ReplayRequest } from './replay/replay-runner.ts';
import { WorkerFeed, workerModelOptions } from './worker-feed.ts';
import { faultError, faultKindOf } from '../storage/faults.ts';
import type { WriteGate } from '../storage/write-gate.ts';

export interface JobServiceDeps {
  db: Db;
  /** every write of the jobs table goes through the core's WriteGate */
  writes: WriteGate;
  sqlite: Database.Database;
  /** a logged request's input as the JSON text it was received as (requests/row-codec.ts: rows may be stored lean) */
  loggedInputText(stored: string | Buffer): string;
  registry: Registry;
  artifacts: ArtifactStore;
  events: CoreEvents;
  dataDir: string;
  select(endpoint: string, options: SelectOptions): Selection;
  /** the job_worker_threads setting (0: one per core but one) */
  workerThreads(): number;
  workerEntry: JobWorkerEntry | null;
  /** folders whose files a job may read by path (besides files the desktop's dialog returned) */
  inputDirs: readonly string[];
}

/** A running job's pace since it last (re)started, for rate and time left. */
export interface LiveProgress {
  startedMs: number;
  rowsAtStart: number;
  offsetAtStart: number;
  rowsDone: number;
  rowsFailed: number;
  inputOffset: number;
  /** the last seconds of completed chunks: the pace is measured over these, so loading the model does not count */
  recent: { ms: number; rows: number; offset: number }[];
}

/** how far back the pace looks */
const paceWindowMs = 10_000;

/**
 * Batch jobs and replays (issue #16): created from an upload, a file on this machine or the
 * request log, run one at a time on the job worker threads, resumed after a restart from their
 * last completed chunk. Announced as `job.started` and `job.finished`.
 */
export class JobService {
  readonly store: JobStore;
  readonly allowance: InputAllowance;
  private readonly pool: JobWorkerPool;
  private readonly jobsDir: string;
  private readonly queue: number[] = [];
  private running: { id: number; controller: AbortController; done: Promise<JobRow>; live: LiveProgress } | null = null;
  private serving = false;

  constructor(private readonly deps: JobServiceDeps) {
    this.store = new JobStore(deps.db, deps.writes);
    this.allowance = new InputAllowance(deps.inputDirs);
    this.pool = new JobWorkerPool(deps.workerEntry);
    this.jobsDir = join(deps.dataDir, 'jobs');
    mkdirSync(this.jobsDir, { recursive: true });
    this.removeStaleUploads();
  }

  /**
   * Runs queued jobs from now on, resuming those a previous run of the server left unfinished
   * (the server calls it). Jobs of `modeldesk predict` are left to that command, which resumes them.
   */
  start(): void {
    this.serving = true;
    for (const job of this.store.unfinished()) {
      if (!this.queue.includes(job.id) && !isCliJob(job)) this.queue.push(job.id);
    }
    this.pump();
  }

  /** Streams an upload into the data directory (hashing it on the way); createFromUpload takes it from there. */
  receiveUpload(stream: Readable, truncated: () => boolean): Promise<ReceivedFile> {
    return receiveUpload(stream, join(this.jobsDir, 'incoming'), truncated);
  }

  /** A job for a received upload: the file moves into the job's folder, or is deleted when the job is refused. */
  async createFromUpload(file: ReceivedFile, name: string, request: PredictJobRequest): Promise<JobRow> {
    return this.enqueue(await createPredictJob(this.creation(), request, { kind: 'upload', file, name }));
  }

  /**
   * A job reading a file on this machine. Over the API the path must be an allowed one
   * (InputAllowance); the CLI, run by the machine's user, passes `trusted` and its own output.
   */
  async createFromPath(path: string, request: PredictJobRequest, options: { trusted?: boolean; output?: JobOutput; runner?: 'cli' } = {}): Promise<JobRow> {
    const real = options.trusted ? path : this.allowance.check(path);
    const stat = statSync(real);
    const input: JobInput = { kind: 'path', path: real, name: real.split(/[\\/]/).pop()!, bytes: stat.size, mtimeMs: stat.mtimeMs, sha256: await sha256OfFile(real) };
    const job = await createPredictJob(this.creation(), request, input, options.output, options.runner);
    return options.runner ? job : this.enqueue(job);
  }

  /**
   * The unfinished `modeldesk predict` job writing `output` from `path` with the same version,
   * to resume; null when there is none. One whose input changed since is failed, saying so.
   */
  async findResumable(path: string, output: string, request: PredictJobRequest): Promise<JobRow | null> {
    const { algorithm } = jobSelection(this.deps.select, request);
    const job = this.store.unfinished().find((j) => isCliJob(j) && j.inputPath === path && j.outputPath === output && j.algorithmId === algorithm.id);
    if (!job || (request.outputFormat !== undefined && job.outputFormat !== request.outputFormat)) return null;
    if ((await sha256OfFile(path)) === job.inputSha256) return job;
    await this.finish(job.id, { state: 'failed', message: 'the input file changed before this job could resume; a new job scores it' });
    return null;
  }

  /** Stops a running job at its next chunk, resumable (the CLI on Ctrl-C). */
  interrupt(id: number): void {
    if (this.running?.id === id) this.running.controller.abort('shutdown' satisfies StopReason);
  }

  async createReplay(request: ReplayRequest): Promise<JobRow> {
    return this.enqueue(await createReplayJob({ sqlite: this.deps.sqlite, store: this.store, registry: this.deps.registry, select: this.deps.select }, request));
  }

  list(limit = 200): JobRow[] {
    return this.store.list(limit);
  }

  get(id: number): JobRow {
    return this.store.get(id);
  }

  /** The running job's pace, when `id` is running here. */
  live(id: number): LiveProgress | null {
    return this.running?.id === id ? this.running.live : null;
  }

  /**
   * Cancels a queued or running job. A running one finishes the chunks it handed out, keeps what
   * it finished (its result holds those rows) and says so. A finished job cannot be cancelled.
   */
  async cancel(id: number, by = ''): Promise<JobRow> {
    const job = this.store.get(id);
    if (finishedJobStates.includes(job.state)) throw conflict(`job ${id} is already ${job.state}; only a queued or running job can be cancelled`, 'id');
    if (this.running?.id === id) {
      this.running.controller.abort('cancel' satisfies StopReason);
      return this.running.done;
    }
    const index = this.queue.indexOf(id);
    if (index >= 0) this.queue.splice(index, 1);
    return this.finish(id, { state: 'cancelled', message: await keepFinishedRows(job, by) });
  }

  /** The file holding a finished job's result or its error rows. */
  resultFile(id: number, which: 'result' | 'errors'): { path: string; job: JobRow } {
    const job = this.store.get(id);
    if (job.kind !== 'predict') throw notFound(`job ${id} is a replay: its report is part of the job`, 'id');
    if (!finishedJobStates.includes(job.state)) throw conflict(`job ${id} is ${job.state}: its files are written when it ends`, 'id');
    const path = which === 'result' ? job.outputPath : job.errorsPath;
    if (!path || !existsSync(path)) throw notFound(`job ${id} has no ${which === 'result' ? 'result' : 'error rows'} file (it failed before writing one)`, 'id');
    return { path, job };
  }

  /** Lets jobs read a file the user picked in the desktop app's open dialog. */
  allowInputFile(path: string): void {
    this.allowance.grant(path);
  }

  /** Runs one job here and now to its end (the CLI); resolves with its final row. */
  async runToEnd(id: number, onChunk?: (live: LiveProgress) => void): Promise<JobRow> {
    return this.execute(this.store.get(id), onChunk);
  }

  /** Stops the running job where it is (it resumes at the next start), then the workers. */
  async close(): Promise<void> {
    this.serving = false;
    if (this.running) {
      this.running.controller.abort('shutdown' satisfies StopReason);
      await this.running.done.catch(() => undefined);
    }
    await this.pool.close();
  }

  private creation() {
    return { writes: this.deps.writes, store: this.store, jobsDir: this.jobsDir, select: this.deps.select };
  }

  private enqueue(job: JobRow): JobRow {
    this.queue.push(job.id);
    this.pump();
    return job;
  }

  private pump(): void {
    if (!this.serving || this.running) return;
    const id = this.queue.shift();
    if (id === undefined) return;
    // a job whose end could not be written (a storage fault) stays unfinished and resumes at the next start
    void this.execute(this.store.get(id))
      .catch(() => undefined)
      .finally(() => this.pump());
  }

  private execute(job: JobRow, onChunk?: (live: LiveProgress) => void): Promise<JobRow> {
    const controller = new AbortController();
    const live: LiveProgress = {
      startedMs: Date.now(),
      rowsAtStart: job.rowsDone,
      offsetAtStart: job.inputOffset,
      rowsDone: job.rowsDone,
      rowsFailed: job.rowsFailed,
      inputOffset: job.inputOffset,
      recent: []
    };
    const done = this.runJob(job, controller.signal, live, onChunk);
    this.running = { id: job.id, controller, done, live };
    return done.finally(() => {
      if (this.running?.id === job.id) this.running = null;
    });
  }

  private async runJob(queued: JobRow, signal: AbortSignal, live: LiveProgress, onChunk?: (live: LiveProgress) => void): Promise<JobRow> {
    const algorithm = this.deps.registry.getAlgorithm(queued.algorithmId);
    const feed = new WorkerFeed(this.pool, this.deps.workerThreads() || defaultJobWorkers(), (key) => {
      const target = key === modelKey(algorithm.id) ? algorithm : this.deps.registry.getAlgorithm(Number(key.slice(1)));
      return { ...readRunnableModel(this.deps.artifacts, target), options: workerModelOptions(target) };
    });
    const runStarted = Date.now();
    const save = (changes: JobChanges): Promise<JobRow> => this.store.update(queued.id, { ...changes, runningMs: queued.runningMs + (Date.now() - runStarted) });
    let job: JobRow;
    try {
      job = await this.store.update(queued.id, { state: 'running', startedAt: queued.startedAt ?? nowIso(), workers: feed.size, message: null });
    } catch (err) {
      return this.finish(queued.id, { state: 'failed', message: (err as Error).message });
    }
    this.deps.events.emit('job.started', { job, resumed: queued.startedAt !== null });
    const hooks = {
      feed,
      modelKey: modelKey(algorithm.id),
      signal,
      save,
      onChunk: (state: { rowsDone: number; rowsFailed: number; inputOffset: number }) => {
        Object.assign(live, state);
        const now = Date.now();
        live.recent.push({ ms: now, rows: state.rowsDone, offset: state.inputOffset });
        while (live.recent.length > 2 && now - live.recent[1]!.ms > paceWindowMs) live.recent.shift();
        onChunk?.(live);
      }
    };
    try {
      await feed.warm([hooks.modelKey]);
      job = job.kind === 'predict' ? await runPredictJob(job, hooks) : await runReplayJob(job, hooks, this.deps);
    } catch (err) {
      return this.finish(queued.id, { state: 'failed', message: failureMessage(queued, err), runningMs: queued.runningMs + (Date.now() - runStarted) });
    }
    if (!finishedJobStates.includes(job.state)) return job;
    return this.finish(job.id, {});
  }

  /**
   * Ends a job: its final state and time, the uploaded input removed (only a resume needed it),
   * announced. When even this row cannot be written (the database's disk is full), the job stays
   * unfinished in the table and resumes from its last saved chunk at the next start.
   */
  private async finish(id: number, changes: JobChanges): Promise<JobRow> {
    const job = await this.store.update(id, { ...changes, finishedAt: nowIso() });
    if (job.inputUploaded && job.inputPath) rmSync(job.inputPath, { force: true });
    this.deps.events.emit('job.finished', { job });
    return job;
  }

  /** uploads a crash interrupted (only old ones, in case another process shares the data dir) */
  private removeStaleUploads(): void {
    const incoming = join(this.jobsDir, 'incoming');
    if (!existsSync(incoming)) return;
    for (const name of readdirSync(incoming)) {
      const path = join(incoming, name);
      const stat = statSync(path, { throwIfNoEntry: false });
      if (stat && Date.now() - stat.mtimeMs > 24 * 60 * 60 * 1000) rmSync(path, { force: true });
    }
  }
}

const modelKey = (algorithmId: number): string => `a${algorithmId}`;

/**
 * A job cancelled while it is not running here: one a restart left half done (waiting to resume,
 * or a `modeldesk predict` that was killed) keeps the rows it finished, as a running one does.
 */
async function keepFinishedRows(job: JobRow, by: string): Promise<string> {
  const who = by ? ` by ${by}` : '';
  if (job.kind !== 'predict' || job.rowsDone === 0 || !job.outputPath || !job.errorsPath) return `cancelled before it started${who}`;
  const parts = await OutputFiles.reopen({ result: job.outputPath, errors: job.errorsPath }, job.outputBytes, job.errorsBytes);
  if (!parts) return `cancelled${who}; the rows it had finished are gone`;
  await parts.finish();
  return `cancelled${who} after ${job.rowsDone} rows: the result holds rows 1 to ${job.rowsDone}`;
}

/** Why a job failed, in words: a storage fault (a full disk) says what could not be written where. */
function failureMessage(job: JobRow, err: unknown): string {
  const kind = faultKindOf(err);
  if (!kind) return (err as Error).message;
  const where = (err as NodeJS.ErrnoException).path ?? job.outputPath ?? 'the data directory';
  return faultError(kind, { what: `the result of job ${job.id}`, where }, err).message;
}

const isCliJob = (job: JobRow): boolean => job.kind === 'predict' && (job.options as PredictOptions).runner === 'cli';
