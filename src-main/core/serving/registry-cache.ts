import type Database from 'better-sqlite3';
import type { Algorithm, AlgorithmStatusValue, Endpoint, RegistryReader } from '../registry/types.ts';

/**
 * The registry as the predict hot path reads it. Choosing an algorithm costs several drizzle
 * queries and a JSON.parse of every signature, which measured as the largest cost of a
 * prediction; this view answers the three lookups the selector makes from memory.
 *
 * It only reads, from the registry it wraps. Freshness: every change made in this process
 * (registration, status change, A/B start/stop, import) is announced on the core's event bus,
 * whose subscription calls invalidate() (core/index.ts) before the change's caller is answered,
 * so a client that waits for the answer of its change and then predicts always sees it. As a safety net for changes
 * made elsewhere (another process on the same data directory, a path that forgot to call),
 * a registry version is also read from SQLite at most once a second: every registration,
 * status change or import appends an AUTOINCREMENT row to algorithm_statuses (DESIGN §2).
 * (It used to be read on every turn of the event loop: at one connection that is every request,
 * ~5–20 µs each.)
 * Algorithms are immutable except their metadata (description, owner, notes, tags, metrics, input
 * example), which the serving path never reads; `metadata.changed` empties this cache all the same.
 *
 * Returned objects are shared between callers and must not be mutated.
 */
/** how stale a change made outside this process's core may be seen, at most */
const recheckMs = 1000;

export class CachedRegistry implements RegistryReader {
  private readonly versionQuery: Database.Statement;
  private version: string | null = null;
  /** when the version was last read (performance.now()); -Infinity = read it at the next lookup */
  private checkedAt = -Infinity;
  private endpointsByName = new Map<string, Endpoint | undefined>();
  private algorithmLists = new Map<string, Algorithm[]>();
  private algorithmsById = new Map<number, Algorithm>();

  constructor(
    private readonly registry: RegistryReader,
    sqlite: Database.Database
  ) {
    this.versionQuery = sqlite
      .prepare(
        `select ifnull((select max(id) from algorithm_statuses), 0) || ':' || ifnull((select max(id) from algorithms), 0) ||
           ':' || ifnull((select max(id) from endpoints), 0) || ':' || (select count(*) from algorithm_statuses where active = 1)`
      )
      .pluck();
  }

  findEndpointByName(name: string): Endpoint | undefined {
    this.check();
    if (this.endpointsByName.has(name)) return this.endpointsByName.get(name);
    const endpoint = this.registry.findEndpointByName(name);
    this.endpointsByName.set(name, endpoint);
    return endpoint;
  }

  listAlgorithms(filter: { endpointId?: number; status?: AlgorithmStatusValue } = {}): Algorithm[] {
    this.check();
    const key = `${filter.endpointId ?? ''}|${filter.status ?? ''}`;
    let list = this.algorithmLists.get(key);
    if (!list) {
      list = this.registry.listAlgorithms(filter);
      this.algorithmLists.set(key, list);
    }
    return list;
  }

  getAlgorithm(id: number): Algorithm {
    this.check();
    let algorithm = this.algorithmsById.get(id);
    if (!algorithm) {
      algorithm = this.registry.getAlgorithm(id);
      this.algorithmsById.set(id, algorithm);
    }
    return algorithm;
  }

  /** Forgets everything now (on every registry, status or experiment event). */
  invalidate(): void {
    this.version = null;
    this.checkedAt = -Infinity;
  }

  private check(): void {
    const now = performance.now();
    if (now - this.checkedAt < recheckMs) return;
    this.checkedAt = now;
    const version = this.versionQuery.get() as string | null;
    if (version === this.version) return;
    this.version = version;
    this.endpointsByName = new Map();
    this.algorithmLists = new Map();
    this.algorithmsById = new Map();
  }
}
