import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { WorkerChannel, type WorkerReply } from '../worker-channel.ts';

/**
 * A worker thread with its own connection that commits large request-log batches (with
 * --worker-threads), so that their inserts and commit run on the other core while the serving
 * thread answers. RequestWriter decides which batches come here.
 *
 * A batch is one transaction: the worker answers with the new row ids only after COMMIT
 * returned, so a row acknowledged to a client is as durable as one committed on the serving
 * thread (WAL, synchronous=NORMAL). Plain CommonJS evaluated from a string, like the
 * checkpointer, so it runs the same under tsx and in Electron (with its better-sqlite3 build).
 */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {});
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');
// this thread may wait for the lock (the serving thread never does), as long as a serving-thread write would
db.pragma('busy_timeout = ' + workerData.lockWaitMs);
db.pragma('wal_autocheckpoint = ' + workerData.autocheckpoint);
const insert = db.prepare(workerData.insertSql);
const insertAll = db.transaction((rows) => rows.map((r) => Number(insert.run(r).lastInsertRowid))).immediate;
parentPort.on('message', (m) => {
  if (m === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    parentPort.postMessage({ id: m.id, ids: insertAll(m.rows) });
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: String((err && err.message) || err) });
  }
});
`;

/** One row as the insert statement's parameters, in order (input and response may be BLOBs: row-codec.ts). */
export type LogParams = (string | number | null | Uint8Array)[];

export class LogWorker {
  private constructor(private readonly channel: WorkerChannel<WorkerReply & { ids?: number[] }>) {}

  /** null for an in-memory database (a second connection would not see it) or when no worker can start */
  static start(sqlite: Database.Database, insertSql: string, lockWaitMs: number, nativeBinding?: string): LogWorker | null {
    if (sqlite.memory) return null;
    const channel = WorkerChannel.start<WorkerReply & { ids?: number[] }>(workerSource, 'request-log worker', {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      file: sqlite.name,
      nativeBinding,
      insertSql,
      lockWaitMs,
      // 0 while the checkpointer runs checkpoints off both serving threads
      autocheckpoint: Number(sqlite.pragma('wal_autocheckpoint', { simple: true }))
    });
    return channel ? new LogWorker(channel) : null;
  }

  get alive(): boolean {
    return this.channel.alive;
  }

  /** batches posted and not yet committed (or failed) */
  get pending(): number {
    return this.channel.pending;
  }

  /** Inserts the rows in one transaction; resolves with their ids once committed. */
  async insert(rows: LogParams[]): Promise<number[]> {
    return (await this.channel.call({ rows })).ids ?? [];
  }

  /** Lets posted batches commit, then closes the worker's connection. */
  async close(): Promise<void> {
    await this.channel.close('close');
  }
}
