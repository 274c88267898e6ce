import { nowIso } from '../clock.ts';
import { invalidInput } from '../errors.ts';
import type { CoreEvents } from '../events.ts';
import type { Prediction } from '../inference/index.ts';
import type { Algorithm, RegistryReader } from '../registry/types.ts';
import type { RequestRow, RequestSink } from '../requests/request-writer.ts';
import { selectAlgorithm, type SelectOptions, type Selection } from './algorithm-selector.ts';
import { answerOf, errorAnswer, rowOf, type CallFacts, type PredictionAnswer } from './answers.ts';
import type { RunTiming } from './batcher.ts';
import type { ModelPool, PooledSession } from './model-pool.ts';
import { runParts } from './run-placement.ts';
import type { TrafficRouter } from './traffic-router.ts';

/** What a call brings: records as the classic API takes them, or a way to build them. */
export type InferInput =
  /** one record object (answered alone) or an array of records (answered as a list) */
  | { kind: 'body'; body: unknown }
  /**
   * Records built for the algorithm chosen for this call, from its signature (v2 tensors): the
   * call is decoded for the arm that actually runs. Always answered as a list.
   */
  | { kind: 'decode'; decode: (algorithm: Algorithm) => unknown[] };

/** How a call is chosen (SelectOptions) and what its log rows carry besides. */
/** A call's options: how its algorithm is chosen, and who makes it (the request log records the key). */
export interface InferOptions extends SelectOptions {
  /** the call's X-Request-Id, written to each of its log rows */
  clientRequestId?: string | null;
  /** the API key that made the call, recorded on each of its rows; null or absent = none */
  apiKeyId?: number | null;
  /**
   * the caller knows no other call can start before this one is answered (the HTTP server has
   * this one connection open): unless another call is in flight, it runs and commits at once
   * instead of waiting a turn of the event loop for others to share its batch and its commit
   */
  alone?: boolean;
  /** told the selection as soon as it is made, before anything can refuse the call (refusal counts name the algorithm) */
  onSelected?: (selection: Selection) => void;
}

export interface InferResult {
  /** the algorithm that answered (in a shadow test, the answering arm) */
  algorithm: Algorithm;
  /** the running A/B test that routed the call, if one did */
  abTestId: number | null;
  /** false when the call was one record object (the classic API answers it unwrapped) */
  many: boolean;
  /** one answer per record, in order, each with its request_id */
  answers: PredictionAnswer[];
  /** answers[i] as JSON text */
  answerJson(i: number): string;
}

export const maxRecordsPerRequest = 10_000;

/**
 * The one prediction path (classic predict and Open Inference v2 translate to and from it):
 * choose the algorithm once, validate every record with that algorithm's model before running
 * any (a bad record refuses the whole call and logs nothing), run through the batcher, decode,
 * log each record with group commit, and answer only once the log rows are durable.
 */
export class Inference {
  /** calls between selection and answer, by algorithm id (/metrics reads it when scraped) */
  readonly inFlight = new Map<number, number>();
  /** calls between their start and their answer, all algorithms together */
  private calls = 0;

  constructor(
    private readonly registry: RegistryReader,
    private readonly pool: ModelPool,
    private readonly writer: RequestSink,
    private readonly router: TrafficRouter,
    /** each answered call is announced as `request.answered` (metrics, monitoring) */
    private readonly events: CoreEvents | null,
    /** the `max_logged_record_bytes` setting in effect */
    private readonly maxLoggedRecordBytes: () => number
  ) {}

  /** The algorithm a call with these options would get (infer() chooses exactly so). */
  select(endpointName: string, options: SelectOptions = {}): Selection {
    return selectAlgorithm(this.registry, this.router, endpointName, options);
  }

  async infer(endpointName: string, input: InferInput, options: InferOptions = {}): Promise<InferResult> {
    const many = input.kind === 'decode' || Array.isArray(input.body);
    const given = input.kind === 'body' ? recordsOf(input.body) : null;
    const selection = this.select(endpointName, options);
    options.onSelected?.(selection);
    const { algorithm, abTestId } = selection;
    // Acquired before any await: a session retired meanwhile (archive, thread change) closes only after this call.
    const session = this.pool.acquire(algorithm);
    let shadows: PooledSession[] = selection.shadowAlgorithms.map((shadow) => this.pool.acquire(shadow));
    this.inFlight.set(algorithm.id, (this.inFlight.get(algorithm.id) ?? 0) + 1);
    this.calls++;
    // no other call can join this one: it runs (and below, commits) without waiting a turn for others
    const alone = () => options.alone === true && this.calls === 1;
    try {
      const records = input.kind === 'body' ? (given as unknown[]) : recordsOf(input.decode(algorithm));
      const model = await session.model;
      const valid = records.map((record, i) => model.validate(record, many ? i : undefined));

      // A large call runs in parts: while the model computes one part (on the inference worker,
      // run-placement.ts), this thread turns the previous part's predictions into answers and rows.
      const call: CallFacts = {
        selection,
        clientKey: options.clientKey ?? null,
        apiKeyId: options.apiKeyId ?? null,
        clientRequestId: options.clientRequestId ?? null,
        createdAt: nowIso(),
        maxLoggedRecordBytes: this.maxLoggedRecordBytes()
      };
      const answers: PredictionAnswer[] = new Array(records.length);
      const rows: RequestRow[] = new Array(records.length);
      const modelStarted = performance.now();
      let queueSeconds = 0;
      await Promise.all(
        runParts(records.length).map(async ([from, to]) => {
          const started = process.hrtime.bigint();
          const timing: RunTiming = { queuedSeconds: 0, alone: alone() };
          let predictions: Prediction[] | Error;
          try {
            predictions = await this.pool.run(model, from === 0 && to === valid.length ? valid : valid.slice(from, to), timing);
          } catch (err) {
            predictions = err as Error;
          }
          queueSeconds = Math.max(queueSeconds, timing.queuedSeconds);
          const latencyUs = Math.round(Number(process.hrtime.bigint() - started) / 1000 / (to - from));
          for (let i = from; i < to; i++) {
            const answer = answerOf(predictions, i - from, algorithm, abTestId);
            answers[i] = answer;
            rows[i] = rowOf(call, algorithm, records[i], answer, latencyUs, false);
          }
        })
      );
      const logStarted = performance.now();
      const ids = await this.writer.append(rows, alone());
      const logSeconds = (performance.now() - logStarted) / 1000;
      answers.forEach((answer, i) => (answer.request_id = ids[i] ?? null));
      this.events?.emit('request.answered', {
        algorithm,
        abTestId,
        records: records.length,
        ok: answers.every((a) => a.status === 'OK'),
        queueSeconds,
        inferenceSeconds: Math.max(0, (logStarted - modelStarted) / 1000 - queueSeconds),
        logSeconds
      });
      if (shadows.length) {
        void this.runShadows(call, shadows, records, ids);
        shadows = [];
      }
      return { algorithm, abTestId, many, answers, answerJson: (i) => JSON.stringify(answers[i]) };
    } finally {
      this.calls--;
      const left = (this.inFlight.get(algorithm.id) ?? 1) - 1;
      if (left > 0) this.inFlight.set(algorithm.id, left);
      else this.inFlight.delete(algorithm.id);
      session.release();
      for (const shadow of shadows) shadow.release();
    }
  }

  /** Shadow arms see the same input; their answers are logged for the experiment, never returned. */
  private async runShadows(call: CallFacts, sessions: PooledSession[], records: unknown[], primaryIds: number[]): Promise<void> {
    try {
      for (const session of sessions) await this.runShadow(call, session, records, primaryIds);
    } finally {
      for (const session of sessions) session.release();
    }
  }

  private async runShadow(call: CallFacts, session: PooledSession, records: unknown[], primaryIds: number[]): Promise<void> {
    const { algorithm } = session;
    const abTestId = call.selection.abTestId;
    let answers: PredictionAnswer[];
    const started = process.hrtime.bigint();
    try {
      const model = await session.model;
      // through the shadow model's batcher: under load its runs are batched like the primary's
      const predictions = await this.pool.run(model, records.map((r) => model.validate(r)));
      answers = records.map((_, i) => answerOf(predictions, i, algorithm, abTestId));
    } catch (err) {
      answers = records.map(() => errorAnswer((err as Error).message, algorithm, abTestId));
    }
    const latencyUs = Math.round(Number(process.hrtime.bigint() - started) / 1000 / records.length);
    const shadowCall = { ...call, createdAt: nowIso() };
    const rows = answers.map((a, i) => ({ ...rowOf(shadowCall, algorithm, records[i], a, latencyUs, true), primaryRequestId: primaryIds[i] ?? null }));
    // A shadow's failure to log must never affect the answered request.
    await this.writer.append(rows).catch(() => undefined);
  }
}

function recordsOf(body: unknown): unknown[] {
  if (Array.isArray(body)) {
    if (body.length === 0) throw invalidInput('the array of records is empty', 'body');
    if (body.length > maxRecordsPerRequest) {
      throw invalidInput(`at most ${maxRecordsPerRequest} records per request`, 'body');
    }
    return body;
  }
  if (body === null || typeof body !== 'object') {
    throw invalidInput('body must be a JSON object (one record) or an array of records', 'body');
  }
  return [body];
}
