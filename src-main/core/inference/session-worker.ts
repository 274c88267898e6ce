import type { InferenceSession } from 'onnxruntime-node';
import { createRequire } from 'node:module';
import type { RawOutput } from './output-decoder.ts';
import { WorkerChannel, type WorkerReply } from '../worker-channel.ts';
import type { SessionCopy } from './onnx-model.ts';
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
 * later calls, and the caller runs on its own session instead (OnnxModel). Which runs come here
 * is decided by RunPlacement (serving/run-placement.ts), which also starts and stops it.
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

type InferenceReply = WorkerReply & { outputs?: Record<string, RawOutput> };

export class SessionWorker {
  private nextKey = 1;
  /** runs handed to the worker so far */
  runs = 0;

  private constructor(private readonly channel: WorkerChannel<InferenceReply>) {}

  /** null when no worker can be started here; callers then run on their own sessions */
  static start(): SessionWorker | null {
    const channel = WorkerChannel.start<InferenceReply>(workerSource, 'inference worker', {
      ort: createRequire(import.meta.url).resolve('onnxruntime-node')
    });
    return channel ? new SessionWorker(channel) : null;
  }

  get alive(): boolean {
    return this.channel.alive;
  }

  /** runs and loads posted and not yet answered */
  get pending(): number {
    return this.channel.pending;
  }

  /** Creates a session in the worker from a model's runnable bytes. */
  async load(runnable: Uint8Array, options: InferenceSession.SessionOptions): Promise<WorkerSession> {
    const key = `s${this.nextKey++}`;
    // a copy: the caller's bytes may be a view into a larger buffer it keeps using
    await this.channel.call({ op: 'load', key, runnable: new Uint8Array(runnable), options });
    return new WorkerSession(this, this.channel, key);
  }

  async close(): Promise<void> {
    await this.channel.close();
  }
}

/** One session loaded in the inference worker: a model's copy there (OnnxModel's SessionCopy). */
export class WorkerSession implements SessionCopy {
  constructor(
    readonly worker: SessionWorker,
    private readonly channel: WorkerChannel<InferenceReply>,
    private readonly key: string
  ) {}

  get alive(): boolean {
    return this.channel.alive;
  }

  async run(feeds: Record<string, Feed>, fetches: string[]): Promise<Record<string, RawOutput>> {
    this.worker.runs++;
    const reply = await this.channel.call({ op: 'run', key: this.key, feeds, fetches });
    return reply.outputs ?? {};
  }

  /** Frees the session in the worker (nothing to do once the worker is gone). */
  async release(): Promise<void> {
    if (!this.alive) return;
    await this.channel.call({ op: 'release', key: this.key }).catch(() => undefined);
  }
}
