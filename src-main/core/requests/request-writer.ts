import type Database from 'better-sqlite3';

export interface RequestRow {
  endpointId: number;
  algorithmId: number;
  abTestId: number | null;
  shadow: boolean;
  /** shadow rows point at the answered request they mirror */
  primaryRequestId?: number | null;
  input: string;
  response: string;
  label: string;
  status: 'OK' | 'Error';
  latencyUs: number;
  clientKey: string | null;
  createdAt: string;
}

interface Pending {
  rows: RequestRow[];
  resolve: (ids: number[]) => void;
  reject: (err: Error) => void;
}

/**
 * Group commit for the request log: rows appended during one turn of the event loop are
 * inserted in a single transaction, and each caller's promise resolves with its row ids only
 * after that transaction committed. A response is therefore never sent for a row that is not
 * durable, while a busy server pays for one commit per batch instead of one per request.
 */
export class RequestWriter {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly insert: Database.Statement;
  private readonly insertAll: (batch: Pending[]) => number[][];

  /** told about every row once it is committed (metrics) */
  onCommitted: ((rows: RequestRow[]) => void) | null = null;

  constructor(sqlite: Database.Database, private readonly maxBatchRows = 2000) {
    this.insert = sqlite.prepare(
      `insert into requests (endpoint_id, algorithm_id, ab_test_id, shadow, primary_request_id, input, response,
         label, status, latency_us, client_key, feedback, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?)`
    );
    this.insertAll = sqlite.transaction((batch: Pending[]) =>
      batch.map((p) => p.rows.map((r) => this.insertRow(r)))
    );
  }

  append(rows: RequestRow[]): Promise<number[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      if (this.queue.length >= this.maxBatchRows) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Writes everything queued now; also called on shutdown so nothing acknowledged is lost. */
  flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    let ids: number[][];
    try {
      ids = this.insertAll(batch);
    } catch (err) {
      for (const p of batch) p.reject(err as Error);
      return;
    }
    batch.forEach((p, i) => p.resolve(ids[i] ?? []));
    if (this.onCommitted) for (const p of batch) this.onCommitted(p.rows);
  }

  private insertRow(r: RequestRow): number {
    const info = this.insert.run(
      r.endpointId,
      r.algorithmId,
      r.abTestId,
      r.shadow ? 1 : 0,
      r.primaryRequestId ?? null,
      r.input,
      r.response,
      r.label,
      r.status,
      r.latencyUs,
      r.clientKey,
      r.createdAt
    );
    return Number(info.lastInsertRowid);
  }
}
