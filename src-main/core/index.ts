import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../db/open.ts';
import { AbTestService } from './experiments/ab-test-service.ts';
import { ExperimentRouter } from './experiments/traffic-router.ts';
import { ArtifactStore } from './registry/artifact-store.ts';
import { Registry } from './registry/registry.ts';
import { seedIfEmpty } from './registry/seed.ts';
import type { SetStatusInput } from './registry/types.ts';
import { RequestLog } from './requests/request-log.ts';
import { RequestWriter } from './requests/request-writer.ts';
import { ModelPool } from './serving/model-pool.ts';
import { Predictor } from './serving/predictor.ts';
import { noExperiments, type TrafficRouter } from './serving/traffic-router.ts';

export interface CoreConfig {
  /** holds modeldesk.db and artifacts/ */
  dataDir: string;
  /** drizzle-kit output, applied at start */
  migrationsDir: string;
  /** shipped models seeded into an empty registry; omit to start empty */
  modelsDir?: string;
  /** onnxruntime intra-op threads per session (default: onnxruntime's choice) */
  intraOpThreads?: number;
}

export type Core = Awaited<ReturnType<typeof createCore>>;

/** The whole application without any transport: registry, serving, request log. Pure Node. */
export async function createCore(config: CoreConfig) {
  mkdirSync(config.dataDir, { recursive: true });
  const database = openDatabase(join(config.dataDir, 'modeldesk.db'), config.migrationsDir);
  const artifacts = new ArtifactStore(config.dataDir);
  const registry = new Registry(database.db, artifacts);
  const requests = new RequestLog(database.db);
  const writer = new RequestWriter(database.sqlite);
  const pool = new ModelPool(artifacts, config.intraOpThreads);
  let router: TrafficRouter = noExperiments;
  const predictor = new Predictor(registry, pool, writer, () => router);

  if (config.modelsDir) await seedIfEmpty(registry, config.modelsDir);

  const abTests = new AbTestService(database.db, database.sqlite, registry);
  const experimentRouter = new ExperimentRouter(() => abTests.running());
  abTests.onChange(() => experimentRouter.reload());
  router = experimentRouter;

  return {
    config,
    db: database.db,
    sqlite: database.sqlite,
    artifacts,
    registry,
    requests,
    predictor,
    abTests,
    pool,
    /** A status change; an archived algorithm's session is closed to free its memory. */
    setStatus(input: SetStatusInput) {
      const status = registry.setStatus(input);
      if (status.status === 'archived') void pool.release(status.algorithmId);
      return status;
    },
    setTrafficRouter(next: TrafficRouter) {
      router = next;
    },
    async close() {
      writer.flush();
      await pool.closeAll();
      database.close();
    }
  };
}
