import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../../../db/open.ts';
import { faultKindOf } from './faults.ts';
import type { Probe, StorageHealth } from './health.ts';

export interface WriteGateOptions {
  /** the database file, named in messages */
  file: string;
  /** how long a write may wait for another connection's lock before it is refused (503 + Retry-After) */
  lockWaitMs: number;
}

/** the longest pause between two tries for a locked database */
const maxPauseMs = 25;

/**
 * Every write to the database on the serving thread goes through here (issue 20, items 5–7).
 *
 * - Write transactions start with BEGIN IMMEDIATE: the write lock is taken before the first
 *   read, so a transaction never has to upgrade a read snapshot that another connection (the
 *   request-log worker, another process) has made stale, which SQLite refuses at once with
 *   SQLITE_BUSY whatever the busy timeout.
 * - The connection's busy timeout is 0 (db/open.ts): a locked database never blocks the event
 *   loop. When the lock is taken, the write is tried again after a short pause, without
 *   blocking, until `lockWaitMs`; then it is refused with 503 and Retry-After.
 * - A storage fault (full disk, read-only database, I/O error) is recorded in the storage
 *   health and answered 507/503 with what and where; the next success clears it.
 *
 * The first try runs synchronously, before the returned promise is awaited: with no contention a
 * change is committed, and announced, in the caller's own turn of the event loop.
 */
export class WriteGate {
  constructor(
    private readonly db: Db,
    private readonly health: StorageHealth,
    private readonly options: WriteGateOptions,
    /** checks that a write can commit again (StorageHealth's probe for `database`) */
    private readonly probe: Probe
  ) {}

  /** Runs `fn` in one BEGIN IMMEDIATE transaction; `what` names the change in error messages. */
  transaction<T>(what: string, fn: (tx: Db) => T): Promise<T> {
    return this.attempt(what, () => this.db.transaction(fn, { behavior: 'immediate' }));
  }

  /**
   * Runs a synchronous write (its own BEGIN IMMEDIATE transaction) until it gets the lock or the
   * wait is over. A try that failed for the lock wrote nothing, so trying again is safe.
   */
  async attempt<T>(what: string, write: () => T): Promise<T> {
    const started = performance.now();
    for (let pause = 1; ; pause = Math.min(pause * 2, maxPauseMs)) {
      try {
        const result = write();
        this.health.ok('database');
        return result;
      } catch (err) {
        const kind = faultKindOf(err);
        if (kind === 'busy' && performance.now() - started + pause < this.options.lockWaitMs) {
          await sleep(pause);
          continue;
        }
        throw this.fault(what, err);
      }
    }
  }

  /** A failed write as the user sees it (a fault is recorded in the storage health). */
  fault(what: string, err: unknown): unknown {
    return this.health.fault('database', err, { what, where: this.options.file }, this.probe);
  }

  get lockWaitMs(): number {
    return this.options.lockWaitMs;
  }
}
