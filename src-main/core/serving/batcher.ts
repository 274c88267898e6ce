/**
 * Dynamic batching per session (DESIGN §3, as in Triton's dynamic batcher): single-record
 * requests for one algorithm that arrive together are coalesced into one `run`, because a
 * session.run has a large fixed cost (~130 µs for the income forest) and a small cost per row.
 *
 * Records are validated by the caller BEFORE they get here, so a bad record is refused on its
 * own and never enters a batch. If a batch still fails as a whole, each request is retried
 * alone, so one poisoned record cannot fail its neighbours. A model whose batch dimension is
 * fixed is never batched. Records of different shapes (a model with a dynamic dimension besides
 * the batch, e.g. sequences of different lengths) never share a run: each shape is its own batch.
 */
import { servingDefaults } from '../../contract/serving-settings.ts';
import type { Prediction, ValidRecord } from '../inference/index.ts';

export interface BatchingOptions {
  /** most rows in one run; 1 turns batching off */
  maxBatchSize: number;
  /**
   * 0 = adaptive: an idle session runs what arrived in the same turn of the event
   * loop at once, and rows queue only while a run is in flight; no timer, so a lone request
   * pays no wait. > 0 = fixed window: a batch runs when maxBatchSize rows are queued or its
   * first row has waited this many microseconds (Node timers resolve to about 1 ms).
   */
  maxWaitUs: number;
}

/** the table's defaults (contract/serving-settings.ts) */
export const defaultBatching: BatchingOptions = { maxBatchSize: servingDefaults.max_batch_size, maxWaitUs: servingDefaults.max_wait_us };

/** Per-algorithm overrides (keyed by algorithm id) on top of the defaults. */
export interface BatchingSettings {
  defaults: BatchingOptions;
  algorithms: Record<string, Partial<BatchingOptions>>;
}

export function batchingFor(settings: BatchingSettings, algorithmId: number): BatchingOptions {
  return { ...settings.defaults, ...settings.algorithms[String(algorithmId)] };
}

/**
 * What the batcher drives: a model whose runs are placed by RunPlacement (model-pool.ts), an
 * OnnxModel itself, or anything shaped like one (tests).
 */
export interface BatchTarget {
  readonly batchable: boolean;
  /**
   * Equal for records that may share a run; null when a request's own records differ (it runs
   * alone). Absent: every record has one shape.
   */
  shapeOf?(records: ValidRecord[]): string | null;
  run(records: ValidRecord[]): Promise<Prediction[]>;
}

export interface BatcherStats {
  /** session runs started by this batcher (retries included) */
  runs: number;
  rows: number;
  requests: number;
  /** largest batch so far */
  largestBatch: number;
  /** batches that failed whole and were retried request by request */
  retriedBatches: number;
}

/** Filled in by the batcher for one request: how long it waited for its run to start. */
export interface RunTiming {
  queuedSeconds: number;
  /**
   * the only call in flight: with adaptive batching it runs at once instead of waiting a turn of
   * the event loop for requests that are not there (one caller's latency)
   */
  alone?: boolean;
}

interface Pending {
  records: ValidRecord[];
  /** requests of one shape may share a run; null: never */
  shape: string | null;
  enqueuedAt: number;
  timing: RunTiming | undefined;
  resolve: (predictions: Prediction[]) => void;
  reject: (err: unknown) => void;
}

export class Batcher {
  private batching: BatchingOptions;
  private batchable: boolean;
  readonly stats: BatcherStats = { runs: 0, rows: 0, requests: 0, largestBatch: 0, retriedBatches: 0 };
  private queue: Pending[] = [];
  private queuedRows = 0;
  private running = false;
  private scheduled = false;
  private timer: NodeJS.Timeout | null = null;
  /** told about each run as it starts: rows, and how long each request waited for it (metrics) */
  onRun: ((rows: number, queuedSeconds: number[]) => void) | null = null;

  constructor(
    private readonly model: BatchTarget,
    options: BatchingOptions = defaultBatching
  ) {
    this.batching = options;
    this.batchable = model.batchable;
  }

  get options(): BatchingOptions {
    return this.batching;
  }

  get enabled(): boolean {
    return this.batchable && this.batching.maxBatchSize > 1;
  }

  /**
   * New limits, in effect from the next run (settings saved while serving). Rows already
   * queued run under them: a smaller maximum splits the queue, a shorter wait flushes sooner.
   */
  configure(options: BatchingOptions): void {
    this.batching = options;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.kick();
  }

  /** One request's records (usually one) → their predictions, possibly run with other requests' rows. */
  run(records: ValidRecord[], timing?: RunTiming): Promise<Prediction[]> {
    this.stats.requests++;
    if (!this.enabled || records.length >= this.batching.maxBatchSize) {
      this.onRun?.(records.length, [0]);
      if (timing) timing.queuedSeconds = 0;
      return this.runModel(records);
    }
    return new Promise<Prediction[]>((resolve, reject) => {
      const shape = this.model.shapeOf ? this.model.shapeOf(records) : '';
      this.queue.push({ records, shape, enqueuedAt: performance.now(), timing, resolve, reject });
      this.queuedRows += records.length;
      if (timing?.alone && this.batching.maxWaitUs === 0) this.flush();
      else this.kick();
    });
  }

  /** requests waiting for a run */
  get pending(): number {
    return this.queue.length;
  }

  /** Decides when the queue runs: never while a run is in flight (one session, one run at a time). */
  private kick(): void {
    if (this.running || this.queue.length === 0) return;
    if (this.queuedRows >= this.batching.maxBatchSize) {
      this.flush();
    } else if (this.batching.maxWaitUs === 0) {
      // Adaptive: wait only for the requests parsed in this same turn of the event loop.
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.flush();
        });
      }
    } else if (!this.timer) {
      const waited = (performance.now() - this.queue[0]!.enqueuedAt) * 1000;
      const remaining = this.batching.maxWaitUs - waited;
      if (remaining <= 0) this.flush();
      else {
        this.timer = setTimeout(() => {
          this.timer = null;
          this.flush();
        }, remaining / 1000);
      }
    }
  }

  private flush(): void {
    if (this.running || this.queue.length === 0) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    // Whole requests only, up to maxBatchSize rows (a request is never split across runs), and
    // only requests of the first one's shape: the others keep their place for a later run.
    const max = this.batching.maxBatchSize;
    const shape = this.queue[0]!.shape;
    let rows = 0;
    const batch: Pending[] = [];
    let rest: Pending[] = [];
    for (let k = 0; k < this.queue.length; k++) {
      const p = this.queue[k]!;
      const sameShape = k === 0 || (shape !== null && p.shape === shape);
      if (sameShape && k > 0 && rows + p.records.length > max) {
        // the run is full: this request and every later one keep their place
        rest = rest.concat(this.queue.slice(k));
        break;
      }
      if (sameShape) {
        batch.push(p);
        rows += p.records.length;
      } else rest.push(p);
    }
    this.queue = rest;
    this.queuedRows -= rows;
    const now = performance.now();
    for (const p of batch) if (p.timing) p.timing.queuedSeconds = (now - p.enqueuedAt) / 1000;
    this.onRun?.(rows, batch.map((p) => (now - p.enqueuedAt) / 1000));
    this.running = true;
    void this.runBatch(batch, rows).finally(() => {
      this.running = false;
      this.kick();
    });
  }

  private async runBatch(batch: Pending[], rows: number): Promise<void> {
    if (batch.length === 1) {
      const only = batch[0]!;
      await this.runModel(only.records).then(only.resolve, only.reject);
      return;
    }
    const records: ValidRecord[] = new Array(rows);
    let k = 0;
    for (const p of batch) for (const r of p.records) records[k++] = r;
    let predictions: Prediction[];
    try {
      predictions = await this.runModel(records);
      if (predictions.length !== rows) throw new Error(`the model returned ${predictions.length} predictions for ${rows} records`);
    } catch {
      // One request's rows may have poisoned the run: give each request its own run and answer.
      this.stats.retriedBatches++;
      for (const p of batch) await this.runModel(p.records).then(p.resolve, p.reject);
      return;
    }
    let offset = 0;
    for (const p of batch) {
      const n = p.records.length;
      p.resolve(n === 1 ? [predictions[offset]!] : predictions.slice(offset, offset + n));
      offset += n;
    }
  }

  private runModel(records: ValidRecord[]): Promise<Prediction[]> {
    this.stats.runs++;
    this.stats.rows += records.length;
    if (records.length > this.stats.largestBatch) this.stats.largestBatch = records.length;
    try {
      return this.model.run(records);
    } catch (err) {
      return Promise.reject(err);
    }
  }
}
