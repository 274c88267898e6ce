import type { RequestRow, RequestSink } from './request-writer.ts';

/**
 * BENCH ONLY: a request log that writes nothing. `createCore({ benchDiscardRequestLog: true })`
 * builds the core with it (bench/modeldesk-nolog-server.ts), so that the benchmark can show the
 * log's share of a request beside ModelDesk as users run it. No CLI flag, API field,
 * serving.json key or environment variable selects it: ModelDesk never answers a prediction
 * it has not logged.
 *
 * Ids are counted in memory so answers keep their `request_id`; they resolve at once (no
 * transaction, no turn of the event loop), which is exactly the part of a call the log costs.
 */
export class DiscardingWriter implements RequestSink {
  private nextId = 1;

  append(rows: RequestRow[]): Promise<number[]> {
    const first = this.nextId;
    this.nextId += rows.length;
    return Promise.resolve(rows.map((_, i) => first + i));
  }

  async close(): Promise<void> {}
}
