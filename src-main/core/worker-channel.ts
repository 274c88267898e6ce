import { Worker } from 'node:worker_threads';

/** What a worker posts back: the id of the call it answers, and an error message or its result. */
export interface WorkerReply {
  id: number;
  error?: string;
}

interface Waiting<R> {
  resolve: (reply: R) => void;
  reject: (err: Error) => void;
}

/**
 * Calls to a worker thread that answers each message `{ id, … }` with `{ id, error? , … }`.
 * The worker keeps the process alive only while a call is waiting. If it dies, every waiting
 * call and every later one fails with the reason (callers fall back to their own thread).
 */
export class WorkerChannel<R extends WorkerReply> {
  private readonly waiting = new Map<number, Waiting<R>>();
  private nextId = 1;
  private dead: Error | null = null;
  private closing = false;

  constructor(
    private readonly worker: Worker,
    name: string
  ) {
    worker.on('message', (reply: R) => {
      const waiting = this.waiting.get(reply.id);
      if (!waiting) return;
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) worker.unref();
      if (reply.error !== undefined) waiting.reject(new Error(reply.error));
      else waiting.resolve(reply);
    });
    const fail = (err: Error) => {
      this.dead ??= err;
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the ${name} exited (code ${code})`)));
    worker.unref();
  }

  /**
   * Starts a worker from plain CommonJS source: it needs neither tsx nor a bundler entry, so it
   * runs the same under `npm run serve` and in Electron. null when no worker can start here.
   */
  static start<R extends WorkerReply>(source: string, name: string, workerData: unknown): WorkerChannel<R> | null {
    try {
      // execArgv: [] keeps tsx (or any other --import) out of the worker
      return new WorkerChannel<R>(new Worker(source, { eval: true, execArgv: [], workerData }), name);
    } catch {
      return null;
    }
  }

  get alive(): boolean {
    return this.dead === null && !this.closing;
  }

  /** calls posted and not yet answered */
  get pending(): number {
    return this.waiting.size;
  }

  call(message: Record<string, unknown>): Promise<R> {
    if (this.dead) return Promise.reject(this.dead);
    if (this.closing) return Promise.reject(new Error('the worker is closed'));
    const id = this.nextId++;
    if (this.waiting.size === 0) this.worker.ref();
    return new Promise<R>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  /** Refuses new calls, lets the waiting ones be answered, then ends the worker. */
  async close(goodbye?: unknown): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await Promise.allSettled(
      [...this.waiting.values()].map(
        (w) =>
          new Promise<void>((done) => {
            const { resolve, reject } = w;
            w.resolve = (reply) => (resolve(reply), done());
            w.reject = (err) => (reject(err), done());
          })
      )
    );
    if (this.dead) return;
    if (goodbye === undefined) {
      await this.worker.terminate();
      return;
    }
    // the worker closes what it holds (a database connection) and exits on its own
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.ref();
    this.worker.postMessage(goodbye);
    await exited;
  }
}
