import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints off the serving thread. SQLite's automatic checkpoint runs inside whichever
 * COMMIT crosses 1,000 WAL pages: it copies pages into the database and fsyncs both files on
 * the thread that is serving predictions. Under load that was the largest single cost of the
 * request log (about 20 µs per request on a 2-core machine; docs/BENCHMARKS.md).
 *
 * Here a worker thread with its own connection runs `wal_checkpoint(PASSIVE)` a few times a
 * second when the WAL has changed; PASSIVE never blocks the writer. Commits stay exactly as
 * durable as before (WAL, synchronous=NORMAL: a commit survives kill -9). If the worker cannot
 * start or dies, the connection's automatic checkpoint is switched back on.
 *
 * The worker is plain CommonJS evaluated from a string, so it needs neither tsx nor a bundler
 * entry, and runs the same under `npm run serve` and in Electron (with its better-sqlite3 build).
 */
export interface Checkpointer {
  close(): Promise<void>;
}

const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { statSync } = require('node:fs');
const Database = require(workerData.driver);
const db = new Database(workerData.file, workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {});
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 1000');
db.pragma('cache_size = -256');
let seen = 0;
const timer = setInterval(() => {
  let stamp;
  try {
    const st = statSync(workerData.file + '-wal');
    stamp = st.mtimeMs + st.size;
  } catch {
    return;
  }
  if (stamp === seen) return;
  seen = stamp;
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export function startCheckpointer(
  sqlite: Database.Database,
  options: { nativeBinding?: string; intervalMs?: number } = {}
): Checkpointer {
  const automatic = () => {
    try {
      if (sqlite.open) sqlite.pragma('wal_autocheckpoint = 1000');
    } catch {
      // closing
    }
  };
  if (sqlite.memory || sqlite.pragma('journal_mode', { simple: true }) !== 'wal') return { close: async () => {} };
  let worker: Worker;
  try {
    worker = new Worker(workerSource, {
      eval: true,
      // plain CommonJS: do not load tsx (or any other --import) into the worker
      execArgv: [],
      // a few statements and a timer: keep its heap small
      resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        file: sqlite.name,
        nativeBinding: options.nativeBinding,
        intervalMs: options.intervalMs ?? 200
      }
    });
  } catch {
    return { close: async () => {} };
  }
  sqlite.pragma('wal_autocheckpoint = 0');
  let closing = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('error', automatic);
  worker.on('message', automatic);
  worker.once('exit', () => {
    if (!closing) automatic();
  });
  worker.unref();
  return {
    async close() {
      closing = true;
      // keep the event loop alive until the worker has closed its connection
      worker.ref();
      worker.postMessage('close');
      await exited;
      automatic();
    }
  };
}
