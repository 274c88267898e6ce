import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { RawOutput } from './output-decoder.ts';
import type { Feed } from './record-encoder.ts';

/**
 * A worker thread that runs onnxruntime sessions, so that model runs use the second core
 * instead of the thread that serves HTTP. onnxruntime-node's `session.run` is synchronous: on
 * the Node thread every run blocks parsing, logging and answering other requests (about a
 * third of that thread's time under load; docs/BENCHMARKS.md).
 *
 * Only tensors cross the boundary: records are validated and encoded on the Node thread, and
 * outputs decoded there, so the worker is a few lines of plain CommonJS evaluated from a string.
 * It needs neither tsx nor a bundler entry and runs the same under `npm run serve` and Electron.
 * Runs are answered in the order they were posted; a worker that dies fails what it held and
 * later calls, and the caller runs on its own session instead (OnnxModel).
 */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ort);
const sessions = new Map();
parentPort.on('message', async (m) => {
  try {
    if (m.op === 'load') {
      sessions.set(m.key, await ort.InferenceSession.create(m.runnable, m.options));
      parentPort.postMessage({ id: m.id });
    } else if (m.op === 'run') {
      const session = sessions.get(m.key);
      if (!session) throw new Error('no session ' + m.key + ' in the inference worker');
      const feeds = {};
      for (const name in m.feeds) {
        const f = m.feeds[name];
        feeds[name] = new ort.Tensor(f.type, f.data, f.dims);
      }
      const results = await session.run(feeds, m.fetches);
      const outputs = {};
      const transfer = [];
      for (const name in results) {
        const t = results[name];
        outputs[name] = { type: t.type, data: t.data, dims: t.dims };
        if (ArrayBuffer.isView(t.data)) transfer.push(t.data.buffer);
      }
      parentPort.postMessage({ id: m.id, outputs }, transfer);
    } else if (m.op === 'release') {
      const session = sessions.get(m.key);
      sessions.delete(m.key);
      if (session) await session.release();
      parentPort.postMessage({ id: m.id });
    }
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: String((err && err.message) || err) });
  }
});
`;

export interface WorkerSessionOptions {
  intraOpThreads?: number;
  allowSpinning?: boolean;
}

interface Waiting {
  resolve: (value: Record<string, RawOutput> | undefined) => void;
  reject: (err: Error) => void;
}

export class SessionWorker {
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private nextKey = 1;
  private dead: Error | null = null;
  private closing = false;
  /** runs handed to the worker so far */
  runs = 0;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: { id: number; outputs?: Record<string, RawOutput>; error?: string }) => {
      const waiting = this.waiting.get(m.id);
      if (!waiting) return;
      this.waiting.delete(m.id);
      // an idle worker must not keep the process alive; one holding work must
      if (this.waiting.size === 0) worker.unref();
      if (m.error !== undefined) waiting.reject(new Error(m.error));
      else waiting.resolve(m.outputs);
    });
    const fail = (err: Error) => {
      this.dead = err;
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the inference worker exited (code ${code})`)));
    worker.unref();
  }

  /** null when no worker can be started here; callers then run on their own sessions */
  static start(): SessionWorker | null {
    try {
      const worker = new Worker(workerSource, {
        eval: true,
        // plain CommonJS: do not load tsx (or any other --import) into the worker
        execArgv: [],
        workerData: { ort: createRequire(import.meta.url).resolve('onnxruntime-node') }
      });
      return new SessionWorker(worker);
    } catch {
      return null;
    }
  }

  get alive(): boolean {
    return this.dead === null && !this.closing;
  }

  /** runs and loads posted and not yet answered */
  get pending(): number {
    return this.waiting.size;
  }

  /** Creates a session in the worker; the returned key names it in run() and release(). */
  async load(runnable: Uint8Array, options: WorkerSessionOptions): Promise<string> {
    const key = `s${this.nextKey++}`;
    // a copy: the caller's bytes may be a view into a larger buffer it keeps using
    await this.call({
      op: 'load',
      key,
      runnable: new Uint8Array(runnable),
      options: {
        logSeverityLevel: 3,
        ...(options.intraOpThreads ? { intraOpNumThreads: options.intraOpThreads } : {}),
        ...(options.allowSpinning === false ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {})
      }
    });
    return key;
  }

  async run(key: string, feeds: Record<string, Feed>, fetches: string[]): Promise<Record<string, RawOutput>> {
    this.runs++;
    return (await this.call({ op: 'run', key, feeds, fetches })) as Record<string, RawOutput>;
  }

  async release(key: string): Promise<void> {
    if (!this.alive) return;
    await this.call({ op: 'release', key }).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.worker.terminate();
  }

  private call(message: Record<string, unknown>): Promise<Record<string, RawOutput> | undefined> {
    if (this.dead) return Promise.reject(this.dead);
    if (this.closing) return Promise.reject(new Error('the inference worker is closed'));
    const id = this.nextId++;
    if (this.waiting.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id });
    });
  }
}
