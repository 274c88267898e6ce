import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * A worker thread with its own connection that commits request-log batches, so that under load
 * the inserts and the commit (about a sixth of the serving thread's time; docs/BENCHMARKS.md)
 * run on the other core. RequestWriter decides which batches come here.
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
db.pragma('busy_timeout = 5000');
db.pragma('wal_autocheckpoint = ' + workerData.autocheckpoint);
const insert = db.prepare(workerData.insertSql);
const insertAll = db.transaction((rows) => rows.map((r) => Number(insert.run(r).lastInsertRowid)));
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

/** One row as the insert statement's parameters, in order. */
export type LogParams = (string | number | null)[];

interface Waiting {
  resolve: (ids: number[]) => void;
  reject: (err: Error) => void;
}

export class LogWorker {
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private dead: Error | null = null;
  private closing = false;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: { id: number; ids?: number[]; error?: string }) => {
      const waiting = this.waiting.get(m.id);
      if (!waiting) return;
      this.waiting.delete(m.id);
      if (this.waiting.size === 0) worker.unref();
      if (m.error !== undefined) waiting.reject(new Error(m.error));
      else waiting.resolve(m.ids ?? []);
    });
    const fail = (err: Error) => {
      this.dead ??= err;
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the request-log worker exited (code ${code})`)));
    worker.unref();
  }

  /** null for an in-memory database (a second connection would not see it) or when no worker can start */
  static start(sqlite: Database.Database, insertSql: string, nativeBinding?: string): LogWorker | null {
    if (sqlite.memory) return null;
    try {
      const worker = new Worker(workerSource, {
        eval: true,
        execArgv: [],
        workerData: {
          driver: createRequire(import.meta.url).resolve('better-sqlite3'),
          file: sqlite.name,
          nativeBinding,
          insertSql,
          // 0 while the checkpointer runs checkpoints off both serving threads
          autocheckpoint: Number(sqlite.pragma('wal_autocheckpoint', { simple: true }))
        }
      });
      return new LogWorker(worker);
    } catch {
      return null;
    }
  }

  get alive(): boolean {
    return this.dead === null && !this.closing;
  }

  /** batches posted and not yet committed (or failed) */
  get pending(): number {
    return this.waiting.size;
  }

  /** Inserts the rows in one transaction; resolves with their ids once committed. */
  insert(rows: LogParams[]): Promise<number[]> {
    if (!this.alive) return Promise.reject(this.dead ?? new Error('the request-log worker is closed'));
    const id = this.nextId++;
    if (this.waiting.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, rows });
    });
  }

  /** Lets posted batches commit, then closes the worker's connection. */
  async close(): Promise<void> {
    if (this.closing) return;
    await Promise.allSettled([...this.waiting.values()].map((w) => new Promise<void>((done) => {
      const { resolve, reject } = w;
      w.resolve = (ids) => (resolve(ids), done());
      w.reject = (err) => (reject(err), done());
    })));
    this.closing = true;
    if (this.dead) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.ref();
    this.worker.postMessage('close');
    await exited;
  }
}
