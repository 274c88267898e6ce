import type Database from 'better-sqlite3';

/**
 * Giving the request log's deleted rows back to the disk. SQLite keeps the pages of deleted rows
 * inside the file and reuses them for new rows; the file shrinks only with `auto_vacuum`, and
 * switching an existing database to it takes a VACUUM, which rewrites the whole content.
 *
 * When: at start, before the server listens, and only when the content is small enough to copy
 * in a few seconds (VACUUM took 2.7 s for 137 MB on the 2-core machine of docs/BENCHMARKS.md).
 * Never while serving: VACUUM holds the write lock throughout, so every commit (every answer)
 * would wait for it. A new database is switched at its first start, when it holds only the
 * schema; a large database written by an older ModelDesk keeps reusing its free pages (the file
 * stops growing once retention deletes rows) and is switched at a later start, once retention
 * has brought its content under the limit.
 */
export const switchAtStartMaxBytes = 256 * 2 ** 20;

export interface VacuumState {
  /** freed pages go back to the disk (incremental vacuum after each prune) */
  shrinks: boolean;
  /** why the file does not shrink, for the Server page */
  note: string | null;
}

const incremental = 2;

function pragmaNumber(sqlite: Database.Database, name: string): number {
  return Number(sqlite.pragma(name, { simple: true }));
}

/** Content bytes: pages in use (the free ones are what vacuum would give back). */
export function usedBytes(sqlite: Database.Database): number {
  return (pragmaNumber(sqlite, 'page_count') - pragmaNumber(sqlite, 'freelist_count')) * pragmaNumber(sqlite, 'page_size');
}

/** Switches the database to incremental auto-vacuum when it is not yet and its content is small enough to copy now. */
export function enableIncrementalVacuum(sqlite: Database.Database, maxBytes = switchAtStartMaxBytes): VacuumState {
  if (sqlite.memory) return { shrinks: false, note: 'in-memory database' };
  const mode = pragmaNumber(sqlite, 'auto_vacuum');
  // FULL (1) gives pages back at every commit; INCREMENTAL (2) when asked, after a prune
  if (mode !== 0) return { shrinks: true, note: null };
  const used = usedBytes(sqlite);
  if (used > maxBytes) {
    const mb = (n: number) => `${Math.round(n / 2 ** 20)} MB`;
    return {
      shrinks: false,
      note:
        `this database was created by an earlier ModelDesk and holds ${mb(used)}, more than the ${mb(maxBytes)} a start converts: ` +
        'space freed by retention is reused for new requests (the file stops growing) and is given back to the disk after a ' +
        `start once the database holds less than ${mb(maxBytes)}`
    };
  }
  try {
    sqlite.pragma('auto_vacuum = INCREMENTAL');
    sqlite.exec('VACUUM');
  } catch (err) {
    // another process holds the database (busy timeout 0: db/open.ts), or the disk is full: tried again at the next start
    return { shrinks: false, note: `the switch to incremental vacuum failed at this start (${(err as Error).message}); it is tried again at the next` };
  }
  return pragmaNumber(sqlite, 'auto_vacuum') === incremental
    ? { shrinks: true, note: null }
    : { shrinks: false, note: 'SQLite did not switch this database to incremental vacuum' };
}

/** Gives up to `pages` free pages back to the disk; returns how many free pages remain. */
export function giveBackPages(sqlite: Database.Database, pages: number): number {
  if (pragmaNumber(sqlite, 'auto_vacuum') !== incremental) return 0;
  sqlite.pragma(`incremental_vacuum(${Math.max(1, Math.floor(pages))})`);
  return pragmaNumber(sqlite, 'freelist_count');
}
