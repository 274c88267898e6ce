import type Database from 'better-sqlite3';
import type { AbTest } from '../experiments/types.ts';
import type { Algorithm, RegistryReader } from '../registry/types.ts';
import type { StorageHealth, StorageProblem } from '../storage/health.ts';
import type { ModelPool } from './model-pool.ts';

/** What /healthz reports. */
export interface HealthReport {
  /**
   * ok: nothing wrong; degraded: writes wait for another connection's lock (answers still come,
   * some writes are refused with 503 + Retry-After); failing: a storage fault refuses requests
   */
  status: 'ok' | 'degraded' | 'failing';
  endpoints: number;
  algorithms: number;
  problems: StorageProblem[];
}

/** A model, or the whole server, ready to serve or not, and why not. */
export interface Readiness {
  ready: boolean;
  /** what stops it, in the words a refused request gets */
  problems: { area: string; message: string }[];
}

/**
 * Health and readiness from what the server has met (storage faults, recorded where they
 * happen) and from cheap checks made now: each serving model's file is there and still hashes
 * to its name (re-hashed only when the file changed). Answering never waits for a lock: reads
 * of a WAL database do not, and the probes run with busy_timeout 0.
 */
export class ServerHealth {
  private readonly counts: Database.Statement;

  constructor(
    private readonly storage: StorageHealth,
    private readonly registry: RegistryReader & { listEndpoints(): { id: number; name: string }[] },
    private readonly runningTests: () => AbTest[],
    private readonly pool: ModelPool,
    sqlite: Database.Database,
    private readonly dbFile: string
  ) {
    this.counts = sqlite.prepare('select (select count(*) from endpoints) as endpoints, (select count(*) from algorithms) as algorithms');
  }

  report(): HealthReport {
    let counts = { endpoints: 0, algorithms: 0 };
    try {
      counts = this.counts.get() as typeof counts;
    } catch (err) {
      this.storage.fault('database', err, { what: 'the registry', where: this.dbFile });
    }
    const problems = this.storage.problems();
    const status = problems.length === 0 ? 'ok' : problems.every((p) => p.kind === 'busy') ? 'degraded' : 'failing';
    return { status, ...counts, problems };
  }

  /** One algorithm: its model file is usable (or its model loaded), and no storage fault stops its calls. */
  model(algorithm: Algorithm): Readiness {
    const problems = this.blocking();
    const model = this.pool.problem(algorithm);
    if (model) problems.push({ area: `model:${algorithm.id}`, message: model });
    return { ready: problems.length === 0, problems };
  }

  /** The server: no storage fault, and every algorithm that unpinned calls reach (production, running A/B arms) is ready. */
  server(): Readiness {
    const problems = this.blocking();
    const serving = new Map<number, Algorithm>();
    for (const a of this.registry.listAlgorithms({ status: 'production' })) serving.set(a.id, a);
    for (const test of this.runningTests()) for (const arm of test.arms) serving.set(arm.algorithmId, this.registry.getAlgorithm(arm.algorithmId));
    for (const algorithm of serving.values()) {
      const model = this.pool.problem(algorithm);
      if (model) problems.push({ area: `model:${algorithm.id}`, message: model });
    }
    return { ready: problems.length === 0, problems };
  }

  /** storage faults that refuse requests now (a lock held for a moment does not make the server unready) */
  private blocking(): { area: string; message: string }[] {
    return this.storage
      .problems()
      .filter((p) => p.kind !== 'busy' && !p.area.startsWith('model:'))
      .map(({ area, message }) => ({ area, message }));
  }
}
