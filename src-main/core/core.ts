import type Database from 'better-sqlite3';
import type { Db } from '../../db/open.ts';
import type { LogStorage } from '../contract/log-storage.ts';
import type { ServingSettingsFile } from '../contract/serving-settings.ts';
import type { AccessSettingsService } from './access/access-settings.ts';
import type { ApiKeys } from './access/api-keys.ts';
import type { AuditLog } from './access/audit-log.ts';
import type { BundleService } from './bundle/index.ts';
import type { CoreEventSource } from './events.ts';
import type { AbTestService } from './experiments/ab-test-service.ts';
import type { JobService } from './jobs/job-service.ts';
import type { Logger } from './logging/logger.ts';
import type { Metrics } from './monitoring/metrics.ts';
import type { Monitoring, MonitoringOptions } from './monitoring/monitoring.ts';
import type { ArtifactStore } from './registry/artifact-store.ts';
import type { Registry } from './registry/registry.ts';
import type { RefusalCounter } from './requests/refusals.ts';
import type { RequestLog } from './requests/request-log.ts';
import type { LogRetention } from './requests/retention.ts';
import type { SelectOptions, Selection } from './serving/algorithm-selector.ts';
import type { InferInput, InferOptions, InferResult } from './serving/infer.ts';
import type { ModelPool } from './serving/model-pool.ts';
import type { ServerHealth } from './serving/server-health.ts';
import type { ServingSettingsService } from './serving/settings-service.ts';
import type { WriteGate } from './storage/write-gate.ts';

/*
 * What the core is to its users (the HTTP server, the CLI, the desktop app): its configuration
 * and its interface. createCore (index.ts) builds it.
 */

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
  /** the built job worker (the desktop app's out/main/job-worker.js); omitted, core/jobs/job-worker.ts runs through tsx */
  jobWorkerEntry?: string;
  /** folders whose files batch jobs may read by path over the API (the desktop's dialog grants single files) */
  jobInputDirs?: string[];
  /** `serve --strict`: requests without a credential reach only health, whatever access.json says */
  strict?: boolean;
  /** serving health, quality and drift aggregates (on unless `enabled: false`) */
  monitoring?: MonitoringOptions;
  /** how long a write waits, without blocking, for another connection's lock before 503 (default 2000 ms) */
  lockWaitMs?: number;
  /** strings the log must never contain (the admin token); keys shaped like `mdk_…` are always removed */
  secrets?: string[];
}

export const defaultLockWaitMs = 2000;

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
  /** API keys: created, listed, revoked, checked on each request that presents one */
  readonly keys: ApiKeys;
  /** every change, who made it and from where (written from the event bus: access/audit-events.ts) */
  readonly audit: AuditLog;
  /** the access switches (access.json): LAN mode at the next start, strict at once */
  readonly access: AccessSettingsService;
  /** serving health and quality over time, reference profiles and drift (monitoring/monitoring.ts) */
  readonly monitoring: Monitoring;
  /** the structured log: <dataDir>/logs/modeldesk.log (JSON lines), warnings and errors also on stderr */
  readonly log: Logger;
  /** storage faults still present, and whether each model can serve (health and readiness) */
  readonly health: ServerHealth;
  /**
   * Every write transaction on the serving thread goes through here (BEGIN IMMEDIATE, a lock
   * waited for without blocking, storage faults answered 507/503): features that add tables use it too
   */
  readonly writes: WriteGate;
  /** refused predictions, counted per minute in the `refusals` table (issue 12 §6) */
  readonly refusals: RefusalCounter;
  /** loaded sessions, their batchers, and where runs go (pool.placement) */
  readonly pool: ModelPool;
  /** batch prediction jobs on files, and replays of logged requests against a candidate */
  readonly jobs: JobService;
  /** the database, for tests and maintenance tools; features go through the services above */
  readonly db: Db;
  readonly sqlite: Database.Database;
  /** The algorithm a call would get: the rules infer() applies (production, the A/B test, pins). */
  select(endpointName: string, options?: SelectOptions): Selection;
  /** The one prediction path: select once, validate, batch, run, decode, log, answer once durable. */
  infer(endpointName: string, input: InferInput, options?: InferOptions): Promise<InferResult>;
  /** Waits for calls in flight and the request log, then closes everything. */
  close(): Promise<void>;
}
