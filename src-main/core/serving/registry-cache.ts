import type Database from 'better-sqlite3';
import type { Db } from '../../../db/open.ts';
import type { ArtifactStore } from '../registry/artifact-store.ts';
import { Registry } from '../registry/registry.ts';
import type { Algorithm, AlgorithmStatusValue, Endpoint } from '../registry/types.ts';

/**
 * The registry as the predict hot path reads it. Choosing an algorithm costs several drizzle
 * queries and a JSON.parse of every signature, which measured as the largest cost of a
 * prediction; this view answers the three lookups the selector makes from memory.
 *
 * Freshness does not depend on anyone remembering to invalidate it: it reads a registry
 * version from SQLite (one prepared statement over primary keys, a few microseconds) at most
 * once per turn of the event loop. Every registration, status change or import appends an
 * AUTOINCREMENT row to algorithm_statuses (DESIGN §2: the history is append-only), so a change
 * made through any code path, even by another process, empties the cache. A client that waits
 * for the answer of its status change and then predicts always sees the change: its predict
 * arrives in a later turn. Algorithms are immutable except their description, which the
 * serving path never reads.
 *
 * Returned objects are shared between callers and must not be mutated.
 */
export class CachedRegistry extends Registry {
  private readonly versionQuery: Database.Statement;
  private version: string | null = null;
  /** the version was read in this turn of the event loop */
  private fresh = false;
  private readonly expire = () => {
    this.fresh = false;
  };
  private endpointsByName = new Map<string, Endpoint | undefined>();
  private algorithmLists = new Map<string, Algorithm[]>();
  private algorithmsById = new Map<number, Algorithm>();

  constructor(db: Db, artifacts: ArtifactStore, sqlite: Database.Database) {
    super(db, artifacts);
    this.versionQuery = sqlite
      .prepare(
        `select ifnull((select max(id) from algorithm_statuses), 0) || ':' || ifnull((select max(id) from algorithms), 0) ||
           ':' || ifnull((select max(id) from endpoints), 0) || ':' || (select count(*) from algorithm_statuses where active = 1)`
      )
      .pluck();
  }

  override findEndpointByName(name: string): Endpoint | undefined {
    this.check();
    if (this.endpointsByName.has(name)) return this.endpointsByName.get(name);
    const endpoint = super.findEndpointByName(name);
    this.endpointsByName.set(name, endpoint);
    return endpoint;
  }

  override listAlgorithms(filter: { endpointId?: number; status?: AlgorithmStatusValue } = {}): Algorithm[] {
    this.check();
    const key = `${filter.endpointId ?? ''}|${filter.status ?? ''}`;
    let list = this.algorithmLists.get(key);
    if (!list) {
      list = super.listAlgorithms(filter);
      this.algorithmLists.set(key, list);
    }
    return list;
  }

  override getAlgorithm(id: number): Algorithm {
    this.check();
    let algorithm = this.algorithmsById.get(id);
    if (!algorithm) {
      algorithm = super.getAlgorithm(id);
      this.algorithmsById.set(id, algorithm);
    }
    return algorithm;
  }

  /** Forgets everything now (the core calls it after its own status changes). */
  invalidate(): void {
    this.version = null;
    this.fresh = false;
  }

  private check(): void {
    if (this.fresh) return;
    this.fresh = true;
    setImmediate(this.expire);
    const version = this.versionQuery.get() as string | null;
    if (version === this.version) return;
    this.version = version;
    this.endpointsByName = new Map();
    this.algorithmLists = new Map();
    this.algorithmsById = new Map();
  }
}
