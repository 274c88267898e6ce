import type { CoreEvents } from '../events.ts';
import { OnnxModel, type ModelOptions, type Prediction, type ValidRecord } from '../inference/index.ts';
import type { ArtifactStore } from '../registry/artifact-store.ts';
import { registeredModelOptions } from '../registry/registered-options.ts';
import type { Algorithm } from '../registry/types.ts';
import type { StorageHealth } from '../storage/health.ts';
import { Batcher, batchingFor, defaultBatching, type BatchingSettings, type RunTiming } from './batcher.ts';
import { RunPlacement, type CopySource } from './run-placement.ts';
import { collectGarbage, readRunnableModel } from './runnable-model.ts';

/** a model file that could not be read is not read again for this long (a flood of calls would each re-read it) */
const retryUnreadableMs = 1000;

const areaOf = (algorithm: Algorithm) => `model:${algorithm.id}`;

/**
 * One algorithm's session in the pool, and how many calls use it now. A call acquires it
 * (ModelPool.acquire) before it awaits the model and releases it after its last run, so a
 * retired session closes only once nothing can still run on it.
 */
export class PooledSession {
  private users = 0;
  private whenIdle: (() => void) | null = null;
  /** set once the model is loaded (the serving state lists these) */
  loaded: OnnxModel | null = null;

  constructor(
    readonly algorithm: Algorithm,
    readonly model: Promise<OnnxModel>
  ) {}

  /** one more call uses the session (ModelPool.acquire) */
  use(): this {
    this.users++;
    return this;
  }

  /** The call is done with the session. */
  release(): void {
    if (--this.users > 0 || !this.whenIdle) return;
    const idle = this.whenIdle;
    this.whenIdle = null;
    idle();
  }

  /** resolves once no call uses the session */
  idle(): Promise<void> {
    return this.users === 0 ? Promise.resolve() : new Promise((resolve) => (this.whenIdle = resolve));
  }
}

export interface PoolSettings {
  /** onnxruntime intra-op threads per session (0 or absent: onnxruntime's choice) */
  intraOpThreads?: number;
  batching?: BatchingSettings;
  /** large runs may go to the inference worker (run-placement.ts) */
  workerThreads?: boolean;
}

/**
 * One onnxruntime session per algorithm, loaded on first use and kept while the algorithm is in
 * use (DESIGN §3); concurrent first requests share one load. Each loaded model runs through its
 * dynamic batcher (batcher.ts), and each run where RunPlacement puts it. A session is retired
 * when its algorithm is archived or a thread change needs new sessions: the next call loads a
 * new one, and the old one closes after the last call that acquired it.
 */
export class ModelPool {
  private readonly sessions = new Map<number, PooledSession>();
  /** retired sessions, until they are closed */
  private readonly closing = new Set<Promise<void>>();
  /** each loaded model's dynamic batcher; run() goes through it */
  private readonly batchers = new WeakMap<OnnxModel, Batcher>();
  private intraOpThreads: number | undefined;
  private batching: BatchingSettings;
  /** where each run happens: this thread or the inference worker */
  readonly placement: RunPlacement;
  /** model files that could not be read lately, by algorithm id: calls fail fast for a moment */
  private readonly unreadable = new Map<number, { at: number; error: unknown }>();

  constructor(
    private readonly artifacts: ArtifactStore,
    settings: PoolSettings = {},
    /** each run is announced as `model.ran` (metrics) */
    private readonly events: CoreEvents | null = null,
    /** a model file that is missing or altered is reported here (area `model:<id>`) */
    private readonly health: StorageHealth | null = null
  ) {
    this.intraOpThreads = settings.intraOpThreads;
    this.batching = settings.batching ?? { defaults: defaultBatching, algorithms: {} };
    this.placement = new RunPlacement(settings.workerThreads ?? false);
  }

  /** The algorithm's session, loaded if needed, for one call: release it after the call's last run. */
  acquire(algorithm: Algorithm): PooledSession {
    return (this.sessions.get(algorithm.id) ?? this.load(algorithm)).use();
  }

  /** The loaded model, for a look at it (tests, tools); calls that run it acquire its session. */
  model(algorithm: Algorithm): Promise<OnnxModel> {
    return (this.sessions.get(algorithm.id) ?? this.load(algorithm)).model;
  }

  /** Runs validated records through the model's batcher (concurrent requests share a run); `timing` learns the wait. */
  run(model: OnnxModel, records: ValidRecord[], timing?: RunTiming): Promise<Prediction[]> {
    const batcher = this.batchers.get(model);
    if (batcher) return batcher.run(records, timing);
    if (timing) timing.queuedSeconds = 0;
    return model.run(records);
  }

  batcher(model: OnnxModel): Batcher | undefined {
    return this.batchers.get(model);
  }

  /** Loaded models and how their batching has gone so far. */
  loadedModels(): { algorithmId: number; batchable: boolean; batcher: Batcher | undefined }[] {
    const loaded: { algorithmId: number; batchable: boolean; batcher: Batcher | undefined }[] = [];
    for (const [algorithmId, { loaded: model }] of this.sessions) {
      if (model) loaded.push({ algorithmId, batchable: model.batchable, batcher: this.batchers.get(model) });
    }
    return loaded;
  }

  /**
   * Settings saved while serving. Batching limits apply to the loaded models' next runs. A new
   * thread count needs new sessions: every session is retired (loading ones too: they were
   * created with the old options), and the next call loads its model with the new options.
   */
  configure(settings: { intraOpThreads: number; batching: BatchingSettings }): void {
    this.batching = settings.batching;
    const threadsChanged = (settings.intraOpThreads || undefined) !== (this.intraOpThreads || undefined);
    this.intraOpThreads = settings.intraOpThreads;
    if (threadsChanged) {
      for (const id of [...this.sessions.keys()]) void this.retire(id);
      return;
    }
    // a model still loading builds its batcher from this.batching when it is ready
    for (const [id, { loaded }] of this.sessions) if (loaded) this.batchers.get(loaded)?.configure(batchingFor(this.batching, id));
  }

  /**
   * Why the algorithm cannot serve now, or null when it can: loaded, or its model file is there
   * and hashes to its name (readiness; checked again only when the file changed).
   */
  problem(algorithm: Algorithm): string | null {
    if (this.sessions.get(algorithm.id)?.loaded) return null;
    try {
      this.artifacts.check(algorithm.artifactSha256);
    } catch (err) {
      const error = this.fault(algorithm, err);
      return error instanceof Error ? error.message : String(error);
    }
    // the file is back: the next call loads it at once
    this.unreadable.delete(algorithm.id);
    this.health?.ok(areaOf(algorithm));
    return null;
  }

  /** Retires the algorithm's session: new calls load a new one; this one closes after its last call. */
  retire(algorithmId: number): Promise<void> {
    const session = this.sessions.get(algorithmId);
    if (!session) return Promise.resolve();
    this.sessions.delete(algorithmId);
    const closed = this.closeWhenIdle(session);
    this.closing.add(closed);
    void closed.finally(() => this.closing.delete(closed));
    return closed;
  }

  /** Closes every session once its calls are done, then the inference worker. */
  async closeAll(): Promise<void> {
    for (const id of [...this.sessions.keys()]) void this.retire(id);
    await Promise.allSettled([...this.closing]);
    await this.placement.close();
  }

  private load(algorithm: Algorithm): PooledSession {
    const failed = this.unreadable.get(algorithm.id);
    if (failed && performance.now() - failed.at < retryUnreadableMs) throw failed.error;
    const options: ModelOptions = {
      ...registeredModelOptions(algorithm),
      ...(this.intraOpThreads ? { intraOpThreads: this.intraOpThreads } : {}),
      // The Node thread serves HTTP on the same cores: pool threads must not busy-wait.
      allowSpinning: false
    };
    let inspected: ReturnType<typeof readRunnableModel>;
    try {
      inspected = readRunnableModel(this.artifacts, algorithm);
    } catch (err) {
      const error = this.fault(algorithm, err);
      this.unreadable.set(algorithm.id, { at: performance.now(), error });
      throw error;
    }
    this.unreadable.delete(algorithm.id);
    this.health?.ok(areaOf(algorithm));
    const model = OnnxModel.loadInspected(inspected, options).then((loaded) => {
      const copy: CopySource = { runnable: () => readRunnableModel(this.artifacts, algorithm).runnable, options };
      const placed = {
        batchable: loaded.batchable,
        shapeOf: (records: ValidRecord[]) => loaded.shapeOf(records),
        run: (records: ValidRecord[]) => this.placement.run(loaded, records, copy)
      };
      const batcher = new Batcher(placed, batchingFor(this.batching, algorithm.id));
      batcher.onRun = (rows, queuedSeconds) => this.events?.emit('model.ran', { algorithm, rows, queuedSeconds });
      this.batchers.set(loaded, batcher);
      session.loaded = loaded;
      setImmediate(collectGarbage);
      return loaded;
    });
    const session = new PooledSession(algorithm, model);
    this.sessions.set(algorithm.id, session);
    // A failed load must not poison the pool: the next request tries again.
    model.catch(() => {
      if (this.sessions.get(algorithm.id) === session) this.sessions.delete(algorithm.id);
    });
    return session;
  }

  /** A model file that cannot be used, as the caller sees it (503 naming the file), recorded for health. */
  private fault(algorithm: Algorithm, err: unknown): unknown {
    if (!this.health) return err;
    const sha = algorithm.artifactSha256;
    const what = `the model file of algorithm ${algorithm.id} ("${algorithm.name}" version "${algorithm.version}")`;
    return this.health.fault(areaOf(algorithm), err, { what, where: this.artifacts.pathOf(sha) }, () => this.artifacts.check(sha));
  }

  private async closeWhenIdle(session: PooledSession): Promise<void> {
    let model: OnnxModel;
    try {
      model = await session.model;
    } catch {
      return;
    }
    await session.idle();
    await this.placement.forget(model);
    await model.close();
  }
}
