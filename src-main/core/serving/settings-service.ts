import {
  perAlgorithmSettingNames,
  servingSettingNames,
  servingSettings,
  type AlgorithmOverrides,
  type ServingSettingName,
  type ServingSettingsFile
} from '../../contract/serving-settings.ts';
import { notFound } from '../errors.ts';
import type { CoreEvents } from '../events.ts';
import type { ModelPool } from './model-pool.ts';
import { readServingFile, writeServingFile } from './serving-file.ts';
import {
  overridesOf,
  pick,
  resolveServingSettings,
  runtimeOf,
  type EffectiveServingSettings,
  type ServingRuntime
} from './serving-settings.ts';

export interface LoadedModelBatching {
  algorithmId: number;
  /** false: a fixed batch dimension, never batched */
  batchable: boolean;
  /** the limits its batcher runs with now */
  batching: Required<AlgorithmOverrides>;
  runs: number;
  rows: number;
  requests: number;
  largestBatch: number;
}

export interface ServingState {
  /** in effect now */
  effective: EffectiveServingSettings;
  /** what serving.json holds: what the app saved */
  saved: ServingSettingsFile;
  /** settings the command line fixed (a value saved from the app does not override them) */
  commandLine: ServingSettingName[];
  /** a saved change to a setting that applies at the next start */
  restartNeeded: boolean;
  models: LoadedModelBatching[];
}

/** settings a running server cannot change (worker threads decide how the request writer is built) */
const atRestart = servingSettingNames.filter((name) => servingSettings[name].appliesAt === 'restart');

/**
 * Serving settings while the server runs: reads them, saves them to serving.json and applies
 * them at once where the table says they apply live (batching limits, onnxruntime threads);
 * the others are saved and take effect at the next start.
 */
export class ServingSettingsService {
  private saved: ServingSettingsFile;
  /** in effect; the settings that apply at restart stay what the server started with */
  private effective: EffectiveServingSettings;
  /** what the saved file and the flags make the settings at the next start */
  private atNextStart: EffectiveServingSettings;

  constructor(
    private readonly dataDir: string,
    /** what the command line (or the embedding app) set; it wins over the file */
    private readonly commandLine: ServingSettingsFile,
    /** the pool is built from `current`, hence a function (the state lists its loaded models) */
    private readonly pool: () => ModelPool,
    private readonly algorithmExists: (id: number) => boolean,
    /** a save is announced as `settings.changed` (the pool applies it) */
    private readonly events: CoreEvents
  ) {
    this.saved = readServingFile(dataDir);
    this.effective = resolveServingSettings(this.saved, commandLine);
    this.atNextStart = this.effective;
  }

  /** the settings in effect, as ModelPool and RequestWriter take them (they are built from them at start) */
  get current(): ServingRuntime {
    return runtimeOf(this.effective);
  }

  state(): ServingState {
    const batchingOf = (algorithmId: number): Required<AlgorithmOverrides> => ({
      ...(pick(this.effective, perAlgorithmSettingNames) as Required<AlgorithmOverrides>),
      ...this.effective.algorithms[String(algorithmId)]
    });
    return {
      effective: this.effective,
      saved: this.saved,
      commandLine: servingSettingNames.filter((name) => this.commandLine[name] !== undefined),
      restartNeeded: atRestart.some((name) => this.atNextStart[name] !== this.effective[name]),
      models: this.pool().loadedModels().map(({ algorithmId, batchable, batcher }) => ({
        algorithmId,
        batchable,
        batching: batcher ? overridesOf(batcher.options) : batchingOf(algorithmId),
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
  save(next: ServingSettingsFile): ServingState {
    const resolved = resolveServingSettings(next, this.commandLine);
    for (const id of Object.keys(next.algorithms ?? {})) {
      // an id saved before (its algorithm since gone with a replaced database) must not block every later save
      if (!(id in (this.saved.algorithms ?? {})) && !this.algorithmExists(Number(id))) {
        throw notFound(`no algorithm has id ${id}`, `algorithms.${id}`);
      }
    }
    writeServingFile(this.dataDir, next);
    this.saved = next;
    this.atNextStart = resolved;
    this.effective = { ...resolved, ...pick(this.effective, atRestart) };
    this.events.emit('settings.changed', { settings: this.effective });
    return this.state();
  }
}
