import type { ModelOptions, ModelSignature } from '../inference/index.ts';
import type { Algorithm } from '../registry/types.ts';
import { registeredModelOptions } from '../registry/registered-options.ts';
import type { JobWorker, JobWorkerPool } from './job-workers.ts';

/** The bytes and options a worker loads a model from. */
export interface WorkerModel {
  signature: ModelSignature;
  runnable: Uint8Array;
  options: ModelOptions;
}

/**
 * The model options of a job's copy: the serving pool's (core/serving/model-pool.ts), with one
 * onnxruntime thread, because the job's parallelism is its workers, and one thread keeps every
 * answer identical whatever batch it ran in.
 */
export function workerModelOptions(algorithm: Algorithm): ModelOptions {
  return { ...registeredModelOptions(algorithm), intraOpThreads: 1, allowSpinning: false };
}

/**
 * Hands a job's calls to its workers: to the least busy one, with the model loaded there first
 * (a worker started to replace one that died has none). Asking the pool for the workers at each
 * call also tells it they are in use, so none is stopped as idle in the middle of a job.
 */
export class WorkerFeed {
  constructor(
    private readonly pool: JobWorkerPool,
    private readonly count: number,
    /** read when a worker needs a copy, not kept meanwhile */
    private readonly models: (key: string) => WorkerModel
  ) {}

  /** how many workers the job runs on (fewer than asked where threads cannot start) */
  get size(): number {
    return this.pool.workers(this.count).length;
  }

  /** Loads the models in every worker before the first call, so a slow load is not a slow first chunk. */
  async warm(keys: string[]): Promise<void> {
    await Promise.all(this.pool.workers(this.count).map((worker) => this.ensure(worker, keys)));
  }

  /** Runs `call` on the least busy worker; once more on another when the first one died under it. */
  async run<T>(keys: string[], call: (worker: JobWorker) => Promise<T>): Promise<T> {
    const worker = this.leastBusy();
    try {
      await this.ensure(worker, keys);
      return await call(worker);
    } catch (err) {
      if (worker.alive) throw err;
      const next = this.leastBusy();
      await this.ensure(next, keys);
      return call(next);
    }
  }

  private leastBusy(): JobWorker {
    const workers = this.pool.workers(this.count);
    if (workers.length === 0) throw new Error('no job worker thread could be started');
    return workers.reduce((best, worker) => (worker.pending < best.pending ? worker : best));
  }

  private async ensure(worker: JobWorker, keys: string[]): Promise<void> {
    for (const key of keys) if (!worker.models.has(key)) await worker.load(key, this.models(key));
  }
}
