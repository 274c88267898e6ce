import type Database from 'better-sqlite3';
import type { CoreEvents } from '../events.ts';
import { OnDemandWorker } from '../on-demand-worker.ts';
import type { PredictionAnswer } from '../serving/answers.ts';
import type { WriteGate } from '../storage/write-gate.ts';
import { LogWorker, type LogParams } from './log-worker.ts';
import type { RowCodec } from './row-codec.ts';

/** One answered record, as the prediction path hands it to the log (and announces it in `requests.logged`). */
export interface RequestRow {
  endpointId: number;
  algorithmId: number;
  abTestId: number | null;
  shadow: boolean;
  /** shadow rows point at the answered request they mirror */
  primaryRequestId?: number | null;
  /**
   * the record as received (parsed, whole); stored by row-codec.ts, as a marker when its JSON is
   * over maxLoggedRecordBytes (contract/logged-record.ts)
   */
  record: unknown;
  /** the answer returned for it (its request_id is the row's id); stored by row-codec.ts */
  answer: PredictionAnswer;
  /** the `max_logged_record_bytes` setting the call was answered under */
  maxLoggedRecordBytes: number;
  label: string;
  status: 'OK' | 'Error';
  latencyUs: number;
  clientKey: string | null;
  /** the API key that made the call (null: the admin token, or none on loopback) */
  apiKeyId?: number | null;
  /** the call's X-Request-Id (the client's own, or one the server made) */
  clientRequestId?: string | null;
  createdAt: string;
}

/** Where a call's rows go: the group-committed log (RequestWriter), or nothing in the bench (DiscardingWriter). */
export interface RequestSink {
  /**
   * resolves with the rows' ids once they are durable; `alone`: the only call in flight, whose
   * rows commit at once instead of waiting for the end of the turn for others to join them
   */
  append(rows: RequestRow[], alone?: boolean): Promise<number[]>;
  /** writes what is queued; nothing acknowledged is lost */
  close(): Promise<void>;
}

interface Pending {
  rows: RequestRow[];
  /** the rows as insert parameters, encoded before the transaction (row-codec.ts) */
  params: LogParams[];
  resolve: (ids: number[]) => void;
  reject: (err: Error) => void;
}

export interface RequestWriterOptions {
  /** committed rows are announced as `requests.logged` (metrics, monitoring) */
  events?: CoreEvents;
  /** commit large batches on a worker thread (log-worker.ts); default false */
  offThread?: boolean;
  /** better-sqlite3 built for Electron, for the worker's connection */
  nativeBinding?: string;
  /** a queue this long is written at once instead of at the end of the turn */
  maxBatchRows?: number;
  /**
   * commits wait for a lock without blocking, for as long as the gate allows, and storage faults
   * become 507/503 (storage/write-gate.ts); without it a commit is tried once
   */
  writes?: WriteGate;
}

/** what a failed commit is called in messages */
const what = 'the request log';

/** batches of at least this many rows commit on the log worker */
export const largeCommitRows = 256;
/** the log worker stops after this long without a large batch */
const workerIdleMs = 10_000;

const columns = `(endpoint_id, algorithm_id, ab_test_id, shadow, primary_request_id, input, response,
   label, status, latency_us, client_key, api_key_id, client_request_id, feedback, created_at)`;
const rowValues = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?)";
const insertSql = `insert into requests ${columns} values ${rowValues}`;

/**
 * Rows per insert statement, largest first: a 1,000-record prediction writes 1,000 rows, and
 * fewer calls into SQLite cost ~28% less per inserted row in isolation (~3% of the batch API's
 * serving-thread time; docs/BENCHMARKS.md).
 */
const statementRows = [16, 4, 1];

/**
 * Group commit for the request log: rows appended during one turn of the event loop are
 * inserted in a single transaction, and each caller's promise resolves with its row ids only
 * after that transaction committed. A response is therefore never sent for a row that is not
 * durable, while a busy server pays for one commit per batch instead of one per request.
 *
 * Where the transaction runs: here, on the serving thread, unless worker threads are on and the
 * batch is large (a 1,000-record prediction). Those go to the log worker (log-worker.ts), whose connection
 * commits them on the other core while this thread goes on answering; small batches stay here
 * because the hop to another thread and back costs more than their commit. Both connections
 * write the same file; this one writes only while the worker has nothing in flight (else the
 * batch follows the worker's), so neither ever waits for the other's lock.
 */
export class RequestWriter implements RequestSink {
  private queue: Pending[] = [];
  private scheduled = false;
  /** an insert statement for each of statementRows */
  private readonly inserts: Map<number, Database.Statement>;
  private readonly insertAll: (batch: Pending[]) => number[][];
  private readonly codec: RowCodec;
  /** started with the first large batch, stopped once large batches stop coming */
  private readonly logWorker: OnDemandWorker<LogWorker>;
  private readonly maxBatchRows: number;

  constructor(
    sqlite: Database.Database,
    /** how a row's record and answer are stored: also where new layouts are committed, outside the rows' transaction */
    codec: RowCodec,
    private readonly options: RequestWriterOptions = {}
  ) {
    this.codec = codec;
    this.maxBatchRows = options.maxBatchRows ?? 2000;
    const lockWaitMs = options.writes?.lockWaitMs ?? 5000;
    this.logWorker = new OnDemandWorker(() => LogWorker.start(sqlite, insertSql, lockWaitMs, options.nativeBinding), workerIdleMs);
    this.inserts = new Map(
      statementRows.map((n) => [n, sqlite.prepare(`insert into requests ${columns} values ${Array(n).fill(rowValues).join(', ')}`)])
    );
    // BEGIN IMMEDIATE: the lock is taken before the first insert (storage/write-gate.ts)
    this.insertAll = sqlite.transaction((batch: Pending[]) => this.insertRows(batch)).immediate;
  }

  append(rows: RequestRow[], alone = false): Promise<number[]> {
    let params: LogParams[];
    try {
      params = rows.map((r) => this.paramsOf(r));
    } catch (err) {
      return Promise.reject((this.options.writes?.fault(what, err) ?? err) as Error);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, params, resolve, reject });
      if (alone || this.queue.length >= this.maxBatchRows) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Writes everything queued now (here, or handed to the worker). */
  flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    const worker = this.workerFor(batch);
    if (worker) this.commitOnWorker(worker, batch);
    else this.commitHere(batch);
  }

  /** true while the log worker holds a transaction: another write on this thread would wait for its lock */
  get busyOffThread(): boolean {
    return (this.logWorker.running?.pending ?? 0) > 0;
  }

  /** Writes what is queued and waits for the worker's batches: nothing acknowledged is lost. */
  async close(): Promise<void> {
    this.flush();
    await this.logWorker.close();
  }

  /** A row as the insert statement's parameters: its record and answer stored by the codec (outside any transaction). */
  private paramsOf(r: RequestRow): LogParams {
    const stored = this.codec.encode(r, r.record, r.answer, r.maxLoggedRecordBytes);
    return [
      r.endpointId,
      r.algorithmId,
      r.abTestId,
      r.shadow ? 1 : 0,
      r.primaryRequestId ?? null,
      stored.input,
      stored.response,
      r.label,
      r.status,
      r.latencyUs,
      r.clientKey,
      r.apiKeyId ?? null,
      r.clientRequestId ?? null,
      r.createdAt
    ];
  }

  private workerFor(batch: Pending[]): LogWorker | null {
    if (!this.options.offThread) return null;
    const running = this.logWorker.running;
    // the worker holds a transaction: writing here too would wait for its lock
    if (running?.pending) return running.alive ? this.logWorker.use() : null;
    if (rowCount(batch) < largeCommitRows) return null;
    return this.logWorker.use();
  }

  /**
   * Inserts every row of the batch, in order, and returns each caller's ids. The rows of one
   * multi-row statement get consecutive ids ending at lastInsertRowid: SQLite gives a new row
   * the largest rowid plus one, and nothing else writes while this transaction holds the lock.
   */
  private insertRows(batch: Pending[]): number[][] {
    const rows: LogParams[] = [];
    for (const p of batch) for (const r of p.params) rows.push(r);
    const ids: number[] = new Array(rows.length);
    let at = 0;
    for (const n of statementRows) {
      const statement = this.inserts.get(n)!;
      for (; rows.length - at >= n; at += n) {
        const params: LogParams = [];
        for (let k = at; k < at + n; k++) params.push(...rows[k]!);
        const result = statement.run(params);
        if (result.changes !== n) throw new Error(`the request log took ${result.changes} of ${n} rows`);
        const last = Number(result.lastInsertRowid);
        for (let k = 0; k < n; k++) ids[at + k] = last - n + 1 + k;
      }
    }
    let offset = 0;
    return batch.map((p) => ids.slice(offset, (offset += p.rows.length)));
  }

  private commitHere(batch: Pending[]): void {
    const gate = this.options.writes;
    if (!gate) {
      let ids: number[][];
      try {
        ids = this.insertAll(batch);
      } catch (err) {
        for (const p of batch) p.reject(err as Error);
        return;
      }
      this.committed(batch, ids);
      return;
    }
    // the first try runs now; a locked database is tried again later without blocking
    gate.attempt(what, () => this.insertAll(batch)).then(
      (ids) => this.committed(batch, ids),
      (err: Error) => {
        for (const p of batch) p.reject(err);
      }
    );
  }

  private commitOnWorker(worker: LogWorker, batch: Pending[]): void {
    const params: LogParams[] = [];
    for (const p of batch) for (const r of p.params) params.push(r);
    worker.insert(params).then(
      (flat) => {
        let offset = 0;
        const ids = batch.map((p) => flat.slice(offset, (offset += p.rows.length)));
        this.committed(batch, ids);
      },
      (err: Error) => {
        const error = (this.options.writes?.fault(what, err) ?? err) as Error;
        for (const p of batch) p.reject(error);
      }
    );
  }

  private committed(batch: Pending[], ids: number[][]): void {
    batch.forEach((p, i) => p.resolve(ids[i] ?? []));
    const events = this.options.events;
    if (events) batch.forEach((p, i) => events.emit('requests.logged', { rows: p.rows, ids: ids[i] ?? [] }));
  }
}

function rowCount(batch: Pending[]): number {
  let n = 0;
  for (const p of batch) n += p.rows.length;
  return n;
}

