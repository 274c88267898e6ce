import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../db/open.ts';
import { AbTestService } from './experiments/ab-test-service.ts';
import { Metrics } from './monitoring/metrics.ts';
import { ExperimentRouter } from './experiments/traffic-router.ts';
import { BundleService } from './bundle/index.ts';
import { ArtifactStore } from './registry/artifact-store.ts';
import { Registry } from './registry/registry.ts';
import { seedIfEmpty } from './registry/seed.ts';
import type { SetStatusInput } from './registry/types.ts';
import { RequestLog } from './requests/request-log.ts';
import { RequestWriter } from './requests/request-writer.ts';
import { startCheckpointer } from './requests/checkpointer.ts';
import { ModelPool } from './serving/model-pool.ts';
import { Predictor } from './serving/predictor.ts';
import { CachedRegistry } from './serving/registry-cache.ts';
import type { ServingSettingsFile } from '../contract/serving-settings.ts';
import { ServingSettingsService } from './serving/settings-service.ts';
import { noExperiments, type TrafficRouter } from './serving/traffic-router.ts';

export interface CoreConfig {
  /** holds modeldesk.db and artifacts/ */
  dataDir: string;
  /** drizzle-kit output, applied at start */
  migrationsDir: string;
  /** better-sqlite3 addon built for Electron's ABI; plain Node uses the installed one */
  sqliteNativeBinding?: string;
  /** shipped models seeded into an empty registry; omit to start empty */
  modelsDir?: string;
  /** serving settings fixed for this run (the `serve` flags), over <dataDir>/serving.json; contract/serving-settings.ts */
  serving?: ServingSettingsFile;
}

export type Core = Awaited<ReturnType<typeof createCore>>;

/** The whole application without any transport: registry, serving, request log. Pure Node. */
export async function createCore(config: CoreConfig) {
  mkdirSync(config.dataDir, { recursive: true });
  const database = openDatabase(join(config.dataDir, 'modeldesk.db'), config.migrationsDir, config.sqliteNativeBinding);
  const artifacts = new ArtifactStore(config.dataDir);
  const registry = new Registry(database.db, artifacts);
  const requests = new RequestLog(database.db);
  // WAL checkpoints (copy + fsync) run on a worker thread, not inside the serving thread's commits
  const checkpointer = startCheckpointer(database.sqlite, { ...(config.sqliteNativeBinding ? { nativeBinding: config.sqliteNativeBinding } : {}) });
  const serving = new ServingSettingsService(config.dataDir, config.serving ?? {}, (): ModelPool => pool, (id) => {
    try {
      registry.getAlgorithm(id);
      return true;
    } catch {
      return false;
    }
  });
  const initial = serving.current;
  const pool: ModelPool = new ModelPool(artifacts, initial.intraOpThreads, initial.batching, initial.workerThreads);
  const writer = new RequestWriter(database.sqlite, {
    offThread: initial.workerThreads,
    ...(config.sqliteNativeBinding ? { nativeBinding: config.sqliteNativeBinding } : {})
  });
  let router: TrafficRouter = noExperiments;
  // The predict path reads the registry through a cache validated against SQLite on every call.
  const servingRegistry = new CachedRegistry(database.db, artifacts, database.sqlite);
  const predictor = new Predictor(servingRegistry, pool, writer, () => router);

  if (config.modelsDir) await seedIfEmpty(registry, config.modelsDir);

  const endpointNames = new Map<number, string>();
  const metrics = new Metrics((id) => {
    let name = endpointNames.get(id);
    if (name === undefined) {
      name = registry.getEndpoint(id).name;
      endpointNames.set(id, name);
    }
    return name;
  });
  writer.onCommitted = (rows) => metrics.recordLogged(rows);
  requests.onFeedback = (row) => metrics.recordFeedback(row.endpointId);
  pool.onBatch = (algorithm, rows, queued) => metrics.recordBatch(algorithm.endpointId, algorithm.id, rows, queued);

  const abTests = new AbTestService(database.db, database.sqlite, registry);
  const experimentRouter = new ExperimentRouter(() => abTests.running());
  // every registry change made here reaches the predict path's cache at once (registry-cache.ts)
  registry.onChange = () => servingRegistry.invalidate();
  abTests.onChange(() => {
    servingRegistry.invalidate();
    experimentRouter.reload();
  });
  router = experimentRouter;
  // an imported running A/B test must reach the router like one started here
  const bundles = new BundleService(database.db, artifacts, config.dataDir, () => {
    servingRegistry.invalidate();
    experimentRouter.reload();
  });

  return {
    config,
    db: database.db,
    sqlite: database.sqlite,
    artifacts,
    registry,
    requests,
    predictor,
    abTests,
    bundles,
    metrics,
    pool,
    /** onnxruntime threads and batching: read, saved to serving.json, applied while serving */
    serving,
    /** A status change; an archived algorithm's session is closed to free its memory. */
    setStatus(input: SetStatusInput) {
      const status = registry.setStatus(input);
      servingRegistry.invalidate();
      if (status.status === 'archived') void pool.release(status.algorithmId);
      return status;
    },
    setTrafficRouter(next: TrafficRouter) {
      router = next;
    },
    async close() {
      await writer.close();
      await checkpointer.close();
      await pool.closeAll();
      database.close();
    }
  };
}
