import type Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../db/open.ts';
import { BundleService } from './bundle/index.ts';
import { CoreEvents, type CoreEventSource } from './events.ts';
import { AbTestService } from './experiments/ab-test-service.ts';
import { ExperimentRouter } from './experiments/traffic-router.ts';
import { Metrics } from './monitoring/metrics.ts';
import { ArtifactStore } from './registry/artifact-store.ts';
import { Registry } from './registry/registry.ts';
import { seedIfEmpty } from './registry/seed.ts';
import { startCheckpointer } from './requests/checkpointer.ts';
import { logStorage } from './requests/log-storage.ts';
import { LogRetention } from './requests/retention.ts';
import { algorithmFacts } from './requests/algorithm-facts.ts';
import { RowCodec } from './requests/row-codec.ts';
import { enableIncrementalVacuum } from './requests/vacuum.ts';
import type { LogStorage } from '../contract/log-storage.ts';
import { RequestLog } from './requests/request-log.ts';
import { DiscardingWriter } from './requests/discarding-writer.ts';
import { RequestWriter, type RequestSink } from './requests/request-writer.ts';
import type { SelectOptions, Selection } from './serving/algorithm-selector.ts';
import { Inference, type InferInput, type InferResult } from './serving/infer.ts';
import { ModelPool } from './serving/model-pool.ts';
import { CachedRegistry } from './serving/registry-cache.ts';
import type { ServingSettingsFile } from '../contract/serving-settings.ts';
import { runtimeOf } from './serving/serving-settings.ts';
import { ServingSettingsService } from './serving/settings-service.ts';

export type { CoreEventMap, CoreEventName, CoreEventSource } from './events.ts';
export type { SelectOptions, Selection } from './serving/algorithm-selector.ts';
export type { InferInput, InferResult } from './serving/infer.ts';
export type { PredictionAnswer } from './serving/answers.ts';

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
  /**
   * BENCH ONLY (bench/modeldesk-nolog-server.ts): predictions are answered without writing the
   * request log, to measure the log's share of a request. Never offered to users: no CLI flag,
   * API field, serving.json key or environment variable sets it (requests/discarding-writer.ts).
   */
  benchDiscardRequestLog?: boolean;
}

/** The whole application without any transport: what the HTTP server, the CLI and the desktop app use. */
export interface Core {
  readonly config: CoreConfig;
  /** what changed, announced once durable, to any number of subscribers (events.ts) */
  readonly events: CoreEventSource;
  /** endpoints, algorithms, statuses: reads, registration, status changes */
  readonly registry: Registry;
  /** the request log: reading it, and feedback */
  readonly requests: RequestLog;
  /** deletes request-log rows past the retention settings, off the prediction path */
  readonly retention: LogRetention;
  /** what the request log takes on disk, retention's last pass, the disk's free space */
  logStorage(): LogStorage;
  /** model files by SHA-256 (content-addressed, never modified) */
  readonly artifacts: ArtifactStore;
  readonly abTests: AbTestService;
  /** registry export and import */
  readonly bundles: BundleService;
  /** onnxruntime threads and batching: read, saved to serving.json, applied while serving */
  readonly serving: ServingSettingsService;
  readonly metrics: Metrics;
  /** loaded sessions, their batchers, and where runs go (pool.placement) */
  readonly pool: ModelPool;
  /** the database, for tests and maintenance tools; features go through the services above */
  readonly db: Db;
  readonly sqlite: Database.Database;
  /** The algorithm a call would get: the rules infer() applies (production, the A/B test, pins). */
  select(endpointName: string, options?: SelectOptions): Selection;
  /** The one prediction path: select once, validate, batch, run, decode, log, answer once durable. */
  infer(endpointName: string, input: InferInput, options?: SelectOptions): Promise<InferResult>;
  /** Waits for calls in flight and the request log, then closes everything. */
  close(): Promise<void>;
}

/** Opens the data directory and builds the core. Pure Node: no HTTP, no Electron. */
export async function createCore(config: CoreConfig): Promise<Core> {
  mkdirSync(config.dataDir, { recursive: true });
  const database = openDatabase(join(config.dataDir, 'modeldesk.db'), config.migrationsDir, config.sqliteNativeBinding);
  const nativeBinding = config.sqliteNativeBinding ? { nativeBinding: config.sqliteNativeBinding } : {};
  const events = new CoreEvents();
  const artifacts = new ArtifactStore(config.dataDir);
  const registry = new Registry(database.db, artifacts, events);
  // how the request log stores its rows' input and response (issue #18); every reader decodes through it
  const codec = new RowCodec(database.sqlite, algorithmFacts(registry));
  const requests = new RequestLog(database.db, events, codec);
  // before any other connection opens: a small database is switched to incremental vacuum now (vacuum.ts)
  const vacuum = enableIncrementalVacuum(database.sqlite);
  // WAL checkpoints (copy + fsync) run on a worker thread, not inside the serving thread's commits
  const checkpointer = startCheckpointer(database.sqlite, nativeBinding);
  const algorithmExists = (id: number) => {
    try {
      registry.getAlgorithm(id);
      return true;
    } catch {
      return false;
    }
  };
  const serving = new ServingSettingsService(config.dataDir, config.serving ?? {}, (): ModelPool => pool, algorithmExists, events);
  const pool: ModelPool = new ModelPool(artifacts, serving.current, events);
  const writer: RequestSink = config.benchDiscardRequestLog
    ? new DiscardingWriter()
    : new RequestWriter(database.sqlite, codec, { events, offThread: serving.current.workerThreads, ...nativeBinding });
  const retention = new LogRetention(database.sqlite, serving.current.retention, vacuum, {
    writerBusy: () => writer instanceof RequestWriter && writer.busyOffThread
  });
  const abTests = new AbTestService(database.db, database.sqlite, registry, events);
  const router = new ExperimentRouter(() => abTests.running());
  // The predict path reads the registry through a cache (registry-cache.ts), emptied on every change below.
  const servingRegistry = new CachedRegistry(registry, database.sqlite);
  const inference = new Inference(servingRegistry, pool, writer, router);
  const bundles = new BundleService(database.db, artifacts, config.dataDir, events, codec);
  const metrics = new Metrics(endpointNames(registry));

  // Every subscriber of the core's own, in one place (later features add theirs through core.events).
  events.on('registry.changed', (change) => {
    servingRegistry.invalidate();
    // an imported running A/B test must reach the router like one started here
    if (change.cause === 'imported') router.reload();
  });
  events.on('status.changed', ({ transitions }) => {
    servingRegistry.invalidate();
    // an archived algorithm's session is closed, after the calls already using it
    for (const t of transitions) if (t.to === 'archived') void pool.retire(t.algorithmId);
  });
  events.on('experiment.started', () => router.reload());
  events.on('experiment.stopped', () => router.reload());
  events.on('settings.changed', ({ settings }) => {
    const runtime = runtimeOf(settings);
    pool.configure(runtime);
    retention.configure(runtime.retention);
  });
  events.on('requests.logged', ({ rows }) => metrics.recordLogged(rows));
  events.on('feedback.recorded', ({ request }) => metrics.recordFeedback(request.endpointId));
  events.on('model.ran', ({ algorithm, rows, queuedSeconds }) => metrics.recordBatch(algorithm.endpointId, algorithm.id, rows, queuedSeconds));

  if (config.modelsDir) await seedIfEmpty(registry, config.modelsDir);
  retention.start();

  return {
    config,
    events,
    registry,
    requests,
    retention,
    logStorage: () => logStorage(database.sqlite, config.dataDir, retention),
    artifacts,
    abTests,
    bundles,
    serving,
    metrics,
    pool,
    db: database.db,
    sqlite: database.sqlite,
    select: (endpointName, options) => inference.select(endpointName, options),
    infer: (endpointName, input, options) => inference.infer(endpointName, input, options),
    async close() {
      // calls in flight (shadow runs included) finish and log before the log closes
      await pool.closeAll();
      await retention.close();
      await writer.close();
      await checkpointer.close();
      database.close();
    }
  };
}

/** Endpoint names by id for metric labels (an endpoint is never renamed). */
function endpointNames(registry: Registry): (id: number) => string {
  const names = new Map<number, string>();
  return (id) => {
    let name = names.get(id);
    if (name === undefined) {
      name = registry.getEndpoint(id).name;
      names.set(id, name);
    }
    return name;
  };
}
