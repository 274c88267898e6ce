import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../db/open.ts';
import { AccessSettingsService } from './access/access-settings.ts';
import { ApiKeys } from './access/api-keys.ts';
import { auditChanges } from './access/audit-events.ts';
import { AuditLog } from './access/audit-log.ts';
import { BundleService } from './bundle/index.ts';
import { CoreEvents } from './events.ts';
import { AbTestService } from './experiments/ab-test-service.ts';
import { ExperimentRouter } from './experiments/traffic-router.ts';
import { JobService } from './jobs/job-service.ts';
import { sourceWorkerEntry } from './jobs/job-workers.ts';
import { createLogger } from './logging/logger.ts';
import { Metrics } from './monitoring/metrics.ts';
import { Monitoring } from './monitoring/monitoring.ts';
import { ArtifactStore } from './registry/artifact-store.ts';
import { Registry } from './registry/registry.ts';
import { ensureRegistryId } from './registry/identity.ts';
import { seedIfEmpty } from './registry/seed.ts';
import { startCheckpointer } from './requests/checkpointer.ts';
import { logStorage } from './requests/log-storage.ts';
import { LogRetention } from './requests/retention.ts';
import { algorithmFacts } from './requests/algorithm-facts.ts';
import { RowCodec } from './requests/row-codec.ts';
import { enableIncrementalVacuum } from './requests/vacuum.ts';
import { RefusalCounter } from './requests/refusals.ts';
import { RequestLog } from './requests/request-log.ts';
import { DiscardingWriter } from './requests/discarding-writer.ts';
import { RequestWriter, type RequestSink } from './requests/request-writer.ts';
import { Inference } from './serving/infer.ts';
import { ModelPool } from './serving/model-pool.ts';
import { CachedRegistry } from './serving/registry-cache.ts';
import { pathToFileURL } from 'node:url';
import { runtimeOf } from './serving/serving-settings.ts';
import { ServingSettingsService } from './serving/settings-service.ts';
import { ServerHealth } from './serving/server-health.ts';
import { StorageHealth } from './storage/health.ts';
import { probeDatabase } from './storage/probes.ts';
import { defaultLockWaitMs, type Core, type CoreConfig } from './core.ts';
import { WriteGate } from './storage/write-gate.ts';

export { defaultLockWaitMs, type Core, type CoreConfig } from './core.ts';
export type { CoreEventMap, CoreEventName, CoreEventSource } from './events.ts';
export type { SelectOptions, Selection } from './serving/algorithm-selector.ts';
export type { InferInput, InferOptions, InferResult } from './serving/infer.ts';
export type { Actor } from './access/actor.ts';
export type { ApiKeyRecord } from './access/api-keys.ts';
export type { AuditRecord } from './access/audit-log.ts';
export type { Refusal, RefusalCount, RefusalFilter } from './requests/refusals.ts';
export type { PredictionAnswer } from './serving/answers.ts';
export type { HealthReport, Readiness } from './serving/server-health.ts';
export type { Logger } from './logging/logger.ts';

/** Opens the data directory and builds the core. Pure Node: no HTTP, no Electron. */
export async function createCore(config: CoreConfig): Promise<Core> {
  mkdirSync(config.dataDir, { recursive: true });
  const dbFile = join(config.dataDir, 'modeldesk.db');
  const database = openDatabase(dbFile, config.migrationsDir, config.sqliteNativeBinding);
  const nativeBinding = config.sqliteNativeBinding ? { nativeBinding: config.sqliteNativeBinding } : {};
  const { logger: log, close: closeLog } = createLogger({ dataDir: config.dataDir, secrets: config.secrets ?? [] });
  const storage = new StorageHealth(log);
  const writes = new WriteGate(database.db, storage, { file: dbFile, lockWaitMs: config.lockWaitMs ?? defaultLockWaitMs }, () =>
    probeDatabase(database.sqlite, config.dataDir)
  );
  const events = new CoreEvents((err, event) => log.error({ err, event }, `a listener of "${event}" failed`));
  const artifacts = new ArtifactStore(config.dataDir, storage);
  const registry = new Registry(database.db, artifacts, events, writes);
  // The predict path reads the registry through a cache (registry-cache.ts), emptied on every change below.
  const servingRegistry = new CachedRegistry(registry, database.sqlite);
  // feedback is checked against the request's algorithm and endpoint, read through the serving cache
  // how the request log stores its rows' input and response (issue #18); every reader decodes through it
  const codec = new RowCodec(database.sqlite, algorithmFacts(registry));
  const requests = new RequestLog(database.db, events, writes, codec, (request) => {
    const algorithm = servingRegistry.getAlgorithm(request.algorithmId);
    return { algorithm, endpoint: servingRegistry.findEndpointByName(algorithm.endpointName) ?? registry.getEndpoint(request.endpointId) };
  });
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
  const pool: ModelPool = new ModelPool(artifacts, serving.current, events, storage);
  const writer: RequestSink = config.benchDiscardRequestLog
    ? new DiscardingWriter()
    : new RequestWriter(database.sqlite, codec, { events, offThread: serving.current.workerThreads, writes, ...nativeBinding });
  const retention = new LogRetention(database.sqlite, serving.current.retention, vacuum, {
    writes,
    writerBusy: () => writer instanceof RequestWriter && writer.busyOffThread
  });
  const refusals = new RefusalCounter(database.sqlite, events);
  const abTests = new AbTestService(database.db, database.sqlite, registry, events, writes, (test) => refusals.armCounts(test));
  const router = new ExperimentRouter(() => abTests.running());
  let maxLoggedRecordBytes = serving.current.maxLoggedRecordBytes;
  const inference = new Inference(servingRegistry, pool, writer, router, events, () => maxLoggedRecordBytes);
  const bundles = new BundleService(
    database.db,
    database.sqlite,
    writes,
    artifacts,
    config.dataDir,
    ensureRegistryId(database.db),
    events,
    storage,
    registry.contracts,
    codec
  );
  const health = new ServerHealth(storage, registry, () => abTests.running(), pool, database.sqlite, dbFile);
  const metrics = new Metrics({
    endpointName: endpointNames(registry),
    algorithm: (id) => registry.getAlgorithm(id),
    liveAlgorithms: () => servingRegistry.listAlgorithms().filter((a) => a.currentStatus !== 'archived'),
    loadedAlgorithmIds: () => pool.loadedModels().map((m) => m.algorithmId),
    inFlight: () => inference.inFlight.entries()
  });
  const jobs = new JobService({
    db: database.db,
    writes,
    sqlite: database.sqlite,
    loggedInputText: (stored) => codec.inputText(stored),
    registry,
    artifacts,
    events,
    dataDir: config.dataDir,
    select: (endpointName, options) => inference.select(endpointName, options),
    workerThreads: () => serving.state().effective.job_worker_threads,
    workerEntry: config.jobWorkerEntry ? { entry: pathToFileURL(config.jobWorkerEntry).href, tsx: null } : sourceWorkerEntry(),
    inputDirs: config.jobInputDirs ?? []
  });
  const keys = new ApiKeys(database.db, writes, events, (name) => registry.findEndpointByName(name) !== undefined, (err) =>
    log.warn({ err }, 'the last use of an API key was not written')
  );
  const audit = new AuditLog(database.db, writes);
  const access = new AccessSettingsService(config.dataDir, config.strict ?? false, events);
  const monitoring = new Monitoring(
    {
      db: database.db,
      sqlite: database.sqlite,
      codec,
      writes,
      registry,
      events,
      metrics,
      flushRefusals: () => {
        try {
          refusals.flush();
        } catch {
          // the database is busy: the counts stay in memory for the next flush, the series shows those stored
        }
      },
      log,
      // reference files are scored by the version's own session, outside the batcher (no serving metrics)
      lease: (algorithm) => {
        const session = pool.acquire(algorithm);
        return {
          model: session.model,
          release: () => {
            session.release();
            if (algorithm.currentStatus === 'archived') void pool.retire(algorithm.id);
          }
        };
      }
    },
    config.monitoring
  );

  // Every subscriber of the core's own, in one place (later features add theirs through core.events).
  events.on('registry.changed', (change) => {
    servingRegistry.invalidate();
    // an imported running A/B test must reach the router like one started here
    if (change.cause === 'imported') router.reload();
    if (change.cause === 'deleted') void pool.retire(change.algorithm.id);
  });
  events.on('metadata.changed', () => servingRegistry.invalidate());
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
    maxLoggedRecordBytes = settings.max_logged_record_bytes;
  });
  events.on('requests.logged', ({ rows }) => metrics.recordLogged(rows));
  events.on('feedback.recorded', ({ request }) => metrics.recordFeedback(request.endpointId));
  events.on('model.ran', ({ algorithm, rows }) => metrics.recordBatch(algorithm, rows));
  events.on('request.answered', (call) => metrics.recordAnswered(call));
  events.on('key.used', ({ key }) => metrics.recordKeyRequest(key.name));
  auditChanges(events, audit, {
    endpointName: endpointNames(registry),
    algorithmLabel: (id) => {
      const a = registry.getAlgorithm(id);
      return `${a.name} ${a.version} (#${a.id})`;
    },
    endpointOfAlgorithm: (id) => registry.getAlgorithm(id).endpointName,
    failed: (err, entry) => log.error({ err, action: entry.action }, `the audit log entry "${entry.action}" was not written: ${entry.summary}`)
  });

  const core: Core = {
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
    keys,
    audit,
    access,
    monitoring,
    log,
    health,
    writes,
    refusals,
    pool,
    jobs,
    db: database.db,
    sqlite: database.sqlite,
    select: (endpointName, options) => inference.select(endpointName, options),
    infer: (endpointName, input, options) => inference.infer(endpointName, input, options),
    async close() {
      // a running job stops at a chunk boundary and resumes at the next start
      await jobs.close();
      // calls in flight (shadow runs included) finish and log before the log closes
      await pool.closeAll();
      await retention.close();
      await writer.close();
      await keys.flush();
      await monitoring.close();
      refusals.close();
      await checkpointer.close();
      database.close();
      log.flush();
      closeLog();
    }
  };
  if (config.modelsDir) {
    try {
      await seedIfEmpty(registry, config.modelsDir);
    } catch (err) {
      log.error({ err }, `seeding the registry from ${config.modelsDir} failed; nothing was seeded`);
      await core.close();
      throw err;
    }
  }
  retention.start();
  return core;
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
