import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as schema from './schema.ts';

export type Db = BetterSQLite3Database<typeof schema>;

export interface OpenedDatabase {
  sqlite: Database.Database;
  db: Db;
  close(): void;
}

export class DatabaseMigrationError extends Error {
  override name = 'DatabaseMigrationError';
}

interface Journal {
  entries: { idx: number; when: number; tag: string }[];
}

/**
 * Opens (or creates) the SQLite file, sets the pragmas the request log relies on and applies
 * pending drizzle-kit migrations. A database written by a newer ModelDesk is refused rather
 * than half-understood.
 */
export function openDatabase(file: string, migrationsDir: string, nativeBinding?: string): OpenedDatabase {
  // Electron passes its own build of the addon (scripts/build-electron-native.mjs).
  const sqlite = new Database(file, nativeBinding ? { nativeBinding } : {});
  try {
    sqlite.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a commit survives a process crash (kill -9); only power loss may drop
    // the last transactions, which is the trade every local serving tool makes for throughput.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    // Opening may wait for another process (nothing is served yet)...
    sqlite.pragma('busy_timeout = 5000');
    const db = drizzle(sqlite, { schema });
    refuseNewerDatabase(sqlite, migrationsDir);
    migrate(db, { migrationsFolder: migrationsDir });
    // ...serving never does: a lock wait would block the event loop, and with it every request
    // and health check. A locked write fails at once with SQLITE_BUSY and is retried without
    // blocking (core/storage/write-gate.ts); WAL readers never wait for the writer.
    sqlite.pragma('busy_timeout = 0');
    return { sqlite, db, close: () => sqlite.close() };
  } catch (err) {
    sqlite.close();
    if (err instanceof DatabaseMigrationError) throw err;
    throw new DatabaseMigrationError(`cannot open database ${file}: ${(err as Error).message}`);
  }
}

function refuseNewerDatabase(sqlite: Database.Database, migrationsDir: string): void {
  const table = sqlite
    .prepare("select name from sqlite_master where type = 'table' and name = '__drizzle_migrations'")
    .get();
  if (!table) return;
  const journal = JSON.parse(readFileSync(join(migrationsDir, 'meta', '_journal.json'), 'utf8')) as Journal;
  const newestKnown = Math.max(0, ...journal.entries.map((e) => e.when));
  const row = sqlite.prepare('select max(created_at) as newest from __drizzle_migrations').get() as {
    newest: number | null;
  };
  if (row.newest !== null && Number(row.newest) > newestKnown) {
    throw new DatabaseMigrationError(
      'this database was written by a newer version of ModelDesk; upgrade ModelDesk to open it'
    );
  }
}
