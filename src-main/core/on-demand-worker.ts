/** What OnDemandWorker needs of a worker thread's handle (SessionWorker, LogWorker). */
export interface ThreadWorker {
  readonly alive: boolean;
  /** calls posted and not yet answered */
  readonly pending: number;
  /** lets what is pending finish, then ends the thread */
  close(): Promise<void>;
}

/**
 * One worker thread's life: started on first use, kept while it is used, stopped once it has
 * not been used for `idleMs` and holds nothing, so its heap (and the models or the database
 * connection it loaded) is given back between bursts of large work; the next use starts a new
 * one. The inference worker (serving/run-placement.ts) and the log worker
 * (requests/request-writer.ts) both live this way.
 */
export class OnDemandWorker<W extends ThreadWorker> {
  private worker: W | null = null;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    /** a new worker, or null when none can start here (callers then work on their own thread) */
    private readonly start: () => W | null,
    private readonly idleMs: number,
    /** told when a worker is let go (idle, dead or closed), before it closes: forget what it held */
    private readonly onStop: (worker: W) => void = () => undefined
  ) {}

  /** The worker if one was started and not yet let go (possibly dead); starts nothing, is not a use. */
  get running(): W | null {
    return this.worker;
  }

  /**
   * The worker, started now if there is none (a dead one is replaced), kept for another
   * `idleMs`. null when no worker can start here.
   */
  use(): W | null {
    this.keepAlive();
    if (this.worker && !this.worker.alive && this.worker.pending === 0) void this.letGo();
    this.worker ??= this.start();
    return this.worker?.alive ? this.worker : null;
  }

  /** Stops the worker now, once what it holds is done. */
  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    await this.letGo();
  }

  private keepAlive(): void {
    if (this.idleTimer) {
      this.idleTimer.refresh();
      return;
    }
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      // still working (a long run, a large commit): look again later
      if (this.worker && this.worker.pending > 0) this.keepAlive();
      else void this.letGo();
    }, this.idleMs);
    this.idleTimer.unref();
  }

  private async letGo(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    this.onStop(worker);
    await worker.close();
  }
}
