import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { inspectModel, OnnxModel, SessionWorker, type ModelOptions, type Prediction, type RunPlace, type ValidRecord } from '../inference/index.ts';
import type { ArtifactStore } from '../registry/artifact-store.ts';
import type { Algorithm } from '../registry/types.ts';
import { Batcher, batchingFor, defaultBatching, type BatchingSettings } from './batcher.ts';

/**
 * One onnxruntime session per algorithm, loaded on first use and kept while the algorithm is
 * in use (DESIGN §3). Concurrent first requests share one load. A ZipMap model's rewritten
 * graph is cached beside the artifacts by hash, so it is derived once, not at every start.
 */
export class ModelPool {
  private readonly loaded = new Map<number, Promise<OnnxModel>>();
  /** sessions replaced by a thread change, until they are closed */
  private readonly retiring = new Set<Promise<void>>();
  /** the loaded ones, once ready (servingState) */
  private readonly ready = new Map<number, OnnxModel>();
  /** each loaded model's dynamic batcher (batcher.ts); run() goes through it */
  private readonly batchers = new WeakMap<OnnxModel, Batcher>();
  private readonly derivedDir: string;
  /** told about every model run: its rows and each request's wait (metrics) */
  onBatch: ((algorithm: Algorithm, rows: number, queuedSeconds: number[]) => void) | null = null;
  /** the inference worker, while large calls keep coming (see place()) */
  private worker: SessionWorker | null = null;
  /** models whose session is loaded (or loading) in the worker */
  private readonly onWorker = new Map<OnnxModel, Promise<boolean>>();
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly artifacts: ArtifactStore,
    private intraOpThreads?: number,
    private batching: BatchingSettings = { defaults: defaultBatching, algorithms: {} },
    /** run large batches on a second thread (session-worker.ts); off = every run on the Node thread */
    private readonly workerThreads = false
  ) {
    this.derivedDir = join(artifacts.dir, 'derived');
  }

  get(algorithm: Algorithm): Promise<OnnxModel> {
    const cached = this.loaded.get(algorithm.id);
    if (cached) return cached;
    const inspected = this.runnable(algorithm);
    const options: ModelOptions = {
      featureNames: algorithm.featureNames,
      positiveClass: algorithm.positiveClass,
      threshold: algorithm.threshold,
      classes: algorithm.classes,
      ...(this.intraOpThreads ? { intraOpThreads: this.intraOpThreads } : {}),
      // The Node thread serves HTTP on the same cores: pool threads must not busy-wait.
      allowSpinning: false
    };
    const model = OnnxModel.loadInspected(inspected, options).then((loaded) => {
      const place = (rows: number) => this.place(loaded, rows, () => this.attach(loaded, algorithm, options));
      const batcher = new Batcher(loaded, batchingFor(this.batching, algorithm.id), place);
      batcher.onRun = (rows, queued) => this.onBatch?.(algorithm, rows, queued);
      this.batchers.set(loaded, batcher);
      if (this.loaded.get(algorithm.id) === model) this.ready.set(algorithm.id, loaded);
      setImmediate(collectGarbage);
      return loaded;
    });
    this.loaded.set(algorithm.id, model);
    // A failed load must not poison the cache: the next request tries again.
    model.catch(() => {
      if (this.loaded.get(algorithm.id) === model) this.loaded.delete(algorithm.id);
    });
    return model;
  }

  /**
   * Settings saved while serving. Batching limits apply to the loaded models' next runs. A new
   * thread count needs new sessions: each loaded model is replaced, the next request loads it
   * with the new options, and the old session closes once the runs it already has are done.
   */
  configure(settings: { intraOpThreads: number; batching: BatchingSettings }): void {
    this.batching = settings.batching;
    const threadsChanged = (settings.intraOpThreads || undefined) !== (this.intraOpThreads || undefined);
    this.intraOpThreads = settings.intraOpThreads;
    if (threadsChanged) {
      // loading ones too: they were created with the old options
      for (const [id, model] of this.loaded) {
        this.loaded.delete(id);
        this.ready.delete(id);
        const retired = model.then((m) => this.retire(m), () => undefined);
        this.retiring.add(retired);
        void retired.finally(() => this.retiring.delete(retired));
      }
      return;
    }
    // a model still loading builds its batcher from this.batching when it is ready
    for (const [id, model] of this.ready) this.batchers.get(model)?.configure(batchingFor(this.batching, id));
  }

  /** Loaded models and how their batching has gone so far. */
  loadedModels(): { algorithmId: number; batchable: boolean; batcher: Batcher | undefined }[] {
    return [...this.ready].map(([algorithmId, model]) => ({ algorithmId, batchable: model.batchable, batcher: this.batchers.get(model) }));
  }

  private async retire(model: OnnxModel): Promise<void> {
    // A request holding this model may not have reached its batcher yet: give it a moment.
    const batcher = this.batchers.get(model);
    do await sleep(retireCheckMs);
    while (batcher?.busy);
    this.onWorker.delete(model);
    await model.close();
  }

  /** Runs validated records through the model's batcher (concurrent requests share a run). */
  run(model: OnnxModel, records: ValidRecord[]): Promise<Prediction[]> {
    return (this.batchers.get(model) ?? model).run(records);
  }

  /** runs handed to the inference worker so far (since it last started) */
  get workerRuns(): number {
    return this.worker?.runs ?? 0;
  }

  /** Resolves once every model a large call asked for is loaded in the worker (tests, bench). */
  async workerReady(): Promise<void> {
    await Promise.all(this.onWorker.values());
  }

  batcher(model: OnnxModel): Batcher | undefined {
    return this.batchers.get(model);
  }

  async release(algorithmId: number): Promise<void> {
    const model = this.loaded.get(algorithmId);
    this.loaded.delete(algorithmId);
    this.ready.delete(algorithmId);
    if (model) await (await model).close();
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.loaded.keys()].map((id) => this.release(id)));
    // sessions replaced by a thread change close once their last runs are done
    await Promise.allSettled([...this.retiring]);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    await this.stopWorker();
  }

  /**
   * Large runs go to the inference worker, so that while the model computes on the other core
   * this thread parses, answers and logs other requests. Everything else runs here: handing a
   * run to another thread and back costs ~100–170 µs of copying and wake-ups on this thread
   * (measured with the income forest's 14 inputs), more than a small run costs.
   *
   * The worker costs memory (a second session of each model it runs, ~17 MB for the income
   * forest, and its own heap), so it starts with the first large call, loads a model there in
   * the background while that call runs here, and stops once large calls stop coming.
   */
  private place(model: OnnxModel, rows: number, attach: () => Promise<boolean>): RunPlace {
    if (!this.workerThreads || rows < largeRunRows) return 'here';
    this.keepWorker();
    if (model.canRunOnWorker) return 'worker';
    if (!this.onWorker.has(model)) this.onWorker.set(model, attach());
    return 'here';
  }

  private async attach(model: OnnxModel, algorithm: Algorithm, options: ModelOptions): Promise<boolean> {
    try {
      this.worker ??= SessionWorker.start();
      return this.worker ? await model.attachWorker(this.worker, this.runnable(algorithm).runnable, options) : false;
    } catch {
      return false;
    }
  }

  private keepWorker(): void {
    if (this.idleTimer) {
      this.idleTimer.refresh();
      return;
    }
    this.idleTimer = setTimeout(() => void this.stopWorker(), workerIdleMs);
    this.idleTimer.unref();
  }

  private async stopWorker(): Promise<void> {
    this.idleTimer = null;
    const worker = this.worker;
    if (!worker) return;
    if (worker.pending > 0) return this.keepWorker();
    this.worker = null;
    for (const model of this.onWorker.keys()) model.detachWorker();
    this.onWorker.clear();
    await worker.close();
  }

  private runnable(algorithm: Algorithm) {
    const sha = algorithm.artifactSha256;
    if (!algorithm.signature.zipmap) return { signature: algorithm.signature, runnable: this.artifacts.read(sha) };
    const derived = join(this.derivedDir, `${sha}.onnx`);
    if (existsSync(derived)) return { signature: algorithm.signature, runnable: readFileSync(derived) };
    const inspected = inspectModel(this.artifacts.read(sha));
    mkdirSync(this.derivedDir, { recursive: true });
    const temp = `${derived}.${process.pid}.tmp`;
    writeFileSync(temp, inspected.runnable);
    renameSync(temp, derived);
    return inspected;
  }
}

/** runs of at least this many rows go to the inference worker (see place()) */
export const largeRunRows = 256;
/** a replaced session is closed once its batcher has been idle at a check this far apart */
const retireCheckMs = 500;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** the inference worker stops after this long without a large run */
const workerIdleMs = 10_000;

let fullGc: (() => void) | null | undefined;

/**
 * One full collection after a model load. Reading and rewriting a large graph (ZipMap) leaves
 * hundreds of MB of protobuf objects behind, and V8 would keep that heap resident long after:
 * the shipped forest alone took the process from ~250 MB to ~600 MB. A load is rare, and the
 * collection costs tens of milliseconds because almost nothing is alive.
 */
function collectGarbage(): void {
  try {
    if (fullGc === undefined) {
      setFlagsFromString('--expose-gc');
      fullGc = runInNewContext('gc') as () => void;
    }
    fullGc?.();
  } catch {
    fullGc = null;
  }
}
