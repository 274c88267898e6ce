import { and, asc, count, desc, eq, gte, inArray, isNotNull, lte, ne, or, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/open.ts';
import { requests } from '../../../db/schema.ts';
import type { RequestStatus } from '../../contract/enums.ts';
import { nowIso } from '../clock.ts';
import { invalidInput, notFound } from '../errors.ts';
import type { CoreEvents } from '../events.ts';
import { checkPage } from '../paging.ts';
import type { WriteGate } from '../storage/write-gate.ts';
import { checkFeedback, type FeedbackContext } from './feedback-rule.ts';
import type { RowCodec } from './row-codec.ts';

/** A row as the table holds it: input and response in their stored form (row-codec.ts). */
type StoredRequest = typeof requests.$inferSelect;

/** A logged request as it was received and answered: input and response are the JSON texts. */
export type LoggedRequest = Omit<StoredRequest, 'input' | 'response'> & { input: string; response: string };

export interface RequestFilter {
  endpointId?: number;
  algorithmId?: number;
  abTestId?: number;
  status?: RequestStatus;
  /** only the calls made with this API key (no index: it scans what the other filters leave) */
  apiKeyId?: number;
  /** true: only requests with feedback; false: only those without */
  hasFeedback?: boolean;
  /** the X-Request-Id the call was made with (the client's, or the one the server answered with) */
  clientRequestId?: string;
  /** ISO timestamps, inclusive */
  from?: string;
  to?: string;
  order?: 'asc' | 'desc';
}

export interface Page<T> {
  count: number;
  results: T[];
}

export const maxPageSize = 1000;

/** Reading the request log and attaching ground truth to it. Rows are written by RequestWriter. */
export class RequestLog {
  constructor(
    private readonly db: Db,
    /** stored feedback is announced as `feedback.recorded` */
    private readonly events: CoreEvents,
    private readonly writes: WriteGate,
    /** how input and response are stored */
    private readonly codec: RowCodec,
    /** the algorithm and endpoint a logged request belongs to, for the feedback rule */
    private readonly contextOf: (request: LoggedRequest) => FeedbackContext
  ) {}

  list(filter: RequestFilter, page: number, pageSize: number): Page<LoggedRequest> {
    checkPage(page, pageSize, maxPageSize);
    const where = whereOf(filter);
    const total = this.db.select({ n: count() }).from(requests).where(where).get()?.n ?? 0;
    const results = this.db
      .select()
      .from(requests)
      .where(where)
      .orderBy(filter.order === 'desc' ? desc(requests.id) : asc(requests.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .all();
    return { count: total, results: results.map((r) => this.decoded(r)) };
  }

  get(id: number): LoggedRequest {
    const row = this.db.select().from(requests).where(eq(requests.id, id)).get();
    if (!row) throw notFound(`request ${id} not found`);
    return this.decoded(row);
  }

  /**
   * Stores (or overwrites) the ground truth; null clears it. A classifier's feedback must be one
   * of its classes unless the endpoint allows free-text labels (feedback-rule.ts).
   */
  async setFeedback(id: number, value: string | null): Promise<LoggedRequest> {
    if (value !== null && value.length > 10000) {
      throw invalidInput('feedback must be at most 10000 characters', 'feedback');
    }
    const feedback = value === null ? null : checkFeedback(value, this.contextOf(this.get(id)));
    const updated = await this.writes.transaction(`the feedback of request ${id}`, (tx) =>
      tx
        .update(requests)
        .set({ feedback, feedbackAt: feedback === null || feedback === '' ? null : nowIso() })
        .where(eq(requests.id, id))
        .returning()
        .get()
    );
    if (!updated) throw notFound(`request ${id} not found`);
    const request = this.decoded(updated);
    if (feedback) this.events.emit('feedback.recorded', { request });
    else this.events.emit('feedback.cleared', { request });
    return request;
  }

  private decoded(row: StoredRequest): LoggedRequest {
    return { ...row, ...this.codec.decode(row) };
  }
}

function whereOf(f: RequestFilter): SQL | undefined {
  const c: (SQL | undefined)[] = [];
  // The log's one index is (algorithm_id, ab_test_id): endpoint and A/B filters name their
  // algorithms so that SQLite reads the index instead of every row (schema.ts).
  if (f.endpointId !== undefined) {
    c.push(inArray(requests.algorithmId, sql`(select id from algorithms where endpoint_id = ${f.endpointId})`));
    c.push(eq(requests.endpointId, f.endpointId));
  }
  if (f.algorithmId !== undefined) c.push(eq(requests.algorithmId, f.algorithmId));
  if (f.abTestId !== undefined) {
    c.push(inArray(requests.algorithmId, sql`(select algorithm_id from ab_test_arms where ab_test_id = ${f.abTestId})`));
    c.push(eq(requests.abTestId, f.abTestId));
  }
  if (f.status !== undefined) c.push(eq(requests.status, f.status));
  if (f.apiKeyId !== undefined) c.push(eq(requests.apiKeyId, f.apiKeyId));
  if (f.clientRequestId !== undefined) c.push(eq(requests.clientRequestId, f.clientRequestId));
  if (f.hasFeedback === true) c.push(and(isNotNull(requests.feedback), ne(requests.feedback, '')));
  if (f.hasFeedback === false) c.push(or(isNull(requests.feedback), eq(requests.feedback, '')));
  if (f.from !== undefined) c.push(gte(requests.createdAt, f.from));
  if (f.to !== undefined) c.push(lte(requests.createdAt, f.to));
  return c.length ? and(...c) : undefined;
}
