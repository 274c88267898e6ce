import { notFound } from '../errors.ts';
import type { CoreEvents } from '../events.ts';
import type { ModelPool } from './model-pool.ts';
import { batchingFor, type BatchingOptions } from './batcher.ts';
import {
  readServingFile,
  resolveServingSettings,
  writeServingFile,
  type ServingConfig,
  type ServingSettings
} from './serving-settings.ts';

/** Settings the command line can fix; a value saved from the app does not override them. */
export type CommandLineSetting = 'intraOpThreads' | 'workerThreads' | 'maxBatchSize' | 'maxWaitUs';

export interface LoadedModelBatching {
  algorithmId: number;
  /** false: a fixed batch dimension, never batched */
  batchable: boolean;
  /** the limits its batcher runs with now */
  batching: BatchingOptions;
  runs: number;
  rows: number;
  requests: number;
  largestBatch: number;
}

export interface ServingState {
  /** in effect now */
  effective: ServingSettings;
  /** what serving.json holds: what the app saved */
  saved: ServingConfig;
  commandLine: CommandLineSetting[];
  /** worker threads start with the server: a saved change waits for the next start */
  restartNeeded: boolean;
  models: LoadedModelBatching[];
}

/**
 * Serving settings while the server runs: reads them, saves them to serving.json and applies
 * them at once where that is possible (batching limits, onnxruntime threads). Worker threads
 * are started with the server, so a change to them is saved and takes effect at the next start.
 */
export class ServingSettingsService {
  private saved: ServingConfig;
  /** in effect; workerThreads stays what the server started with */
  private effective: ServingSettings;
  /** what the saved file and the flags make workerThreads at the next start */
  private workersAtNextStart: boolean;

  constructor(
    private readonly dataDir: string,
    /** what the command line (or the embedding app) set; it wins over the file */
    private readonly commandLine: ServingConfig,
    /** the pool is built from `current`, hence a function (the state lists its loaded models) */
    private readonly pool: () => ModelPool,
    private readonly algorithmExists: (id: number) => boolean,
    /** a save is announced as `settings.changed` (the pool applies it) */
    private readonly events: CoreEvents
  ) {
    this.saved = readServingFile(dataDir);
    this.effective = resolveServingSettings(this.saved, commandLine);
    this.workersAtNextStart = this.effective.workerThreads;
  }

  /** the settings in effect (ModelPool and RequestWriter are built from them at start) */
  get current(): ServingSettings {
    return this.effective;
  }

  state(): ServingState {
    const commandLine: CommandLineSetting[] = [];
    if (this.commandLine.intraOpThreads !== undefined) commandLine.push('intraOpThreads');
    if (this.commandLine.workerThreads !== undefined) commandLine.push('workerThreads');
    if (this.commandLine.batching?.maxBatchSize !== undefined) commandLine.push('maxBatchSize');
    if (this.commandLine.batching?.maxWaitUs !== undefined) commandLine.push('maxWaitUs');
    return {
      effective: this.effective,
      saved: this.saved,
      commandLine,
      restartNeeded: this.workersAtNextStart !== this.effective.workerThreads,
      models: this.pool().loadedModels().map(({ algorithmId, batchable, batcher }) => ({
        algorithmId,
        batchable,
        batching: batcher?.options ?? batchingFor(this.effective.batching, algorithmId),
        runs: batcher?.stats.runs ?? 0,
        rows: batcher?.stats.rows ?? 0,
        requests: batcher?.stats.requests ?? 0,
        largestBatch: batcher?.stats.largestBatch ?? 0
      }))
    };
  }

  /**
   * Replaces serving.json with `next` (what is not in it takes its default) and applies it.
   * Everything is checked before anything is written; a refused call changes nothing.
   */
  save(next: ServingConfig): ServingState {
    const resolved = resolveServingSettings(next, this.commandLine);
    for (const id of Object.keys(next.algorithms ?? {})) {
      // an id saved before (its algorithm since gone with a replaced database) must not block every later save
      if (!(id in (this.saved.algorithms ?? {})) && !this.algorithmExists(Number(id))) {
        throw notFound(`no algorithm has id ${id}`, `algorithms.${id}`);
      }
    }
    writeServingFile(this.dataDir, next);
    this.saved = next;
    this.workersAtNextStart = resolved.workerThreads;
    this.effective = { ...resolved, workerThreads: this.effective.workerThreads };
    this.events.emit('settings.changed', { settings: this.effective });
    return this.state();
  }
}
