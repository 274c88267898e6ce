import { nowIso } from '../clock.ts';
import { invalidInput } from '../errors.ts';
import type { OnnxModel, Prediction } from '../inference/index.ts';
import type { Registry } from '../registry/registry.ts';
import type { Algorithm } from '../registry/types.ts';
import type { RequestRow, RequestWriter } from '../requests/request-writer.ts';
import { selectAlgorithm, type SelectOptions, type Selection } from './algorithm-selector.ts';
import { largeRunRows, type ModelPool } from './model-pool.ts';
import type { TrafficRouter } from './traffic-router.ts';

/** One record's answer: the classic keys first, then ModelDesk's (DESIGN §4.1). */
export interface PredictionBody {
  probability?: number | null;
  label?: string | number;
  prediction?: number | number[];
  status: 'OK' | 'Error';
  message?: string;
  request_id: number | null;
  probabilities?: Record<string, number> | null;
  algorithm_id: number;
  version: string;
  ab_test_id: number | null;
  outputs?: Record<string, unknown>;
}

export interface PredictResult {
  /** what the HTTP layer returns: one record's body, or {predictions, status} for an array */
  body: PredictionBody | { predictions: PredictionBody[]; status: 'OK' };
  /** body as JSON text, built from the JSON already written to the request log */
  json(): string;
  algorithm: Algorithm;
}

export const maxRecordsPerRequest = 10_000;

/**
 * One prediction call end to end: pick the algorithm, validate every record before running
 * any (a bad record refuses the whole call and logs nothing), run, log each record with group
 * commit, and answer only once the log rows are durable.
 */
export class Predictor {
  constructor(
    private readonly registry: Registry,
    private readonly pool: ModelPool,
    private readonly writer: RequestWriter,
    private readonly router: () => TrafficRouter
  ) {}

  async predict(endpointName: string, body: unknown, options: SelectOptions): Promise<PredictResult> {
    const many = Array.isArray(body);
    const records = recordsOf(body);
    const selection = selectAlgorithm(this.registry, this.router(), endpointName, options);
    const model = await this.pool.get(selection.algorithm);
    const valid = records.map((record, i) => model.validate(record, many ? i : undefined));

    // A large call runs in parts: while the model computes one part (on the inference worker,
    // model-pool.ts), this thread turns the previous part's predictions into answers and rows.
    const answers: PredictionBody[] = new Array(records.length);
    const rows: RequestRow[] = new Array(records.length);
    const createdAt = nowIso();
    await Promise.all(
      parts(records.length).map(async ([from, to]) => {
        const started = process.hrtime.bigint();
        let predictions: Prediction[] | Error;
        try {
          predictions = await this.pool.run(model, from === 0 && to === valid.length ? valid : valid.slice(from, to));
        } catch (err) {
          predictions = err as Error;
        }
        const latencyUs = Math.round(Number(process.hrtime.bigint() - started) / 1000 / (to - from));
        for (let i = from; i < to; i++) {
          const answer = answerOf(predictions, i - from, selection);
          answers[i] = answer;
          rows[i] = rowOf(selection, selection.algorithm, records[i], answer, latencyUs, options, false, createdAt);
        }
      })
    );
    const ids = await this.writer.append(rows);
    answers.forEach((answer, i) => (answer.request_id = ids[i] ?? null));
    if (selection.shadowAlgorithms.length) void this.runShadows(selection, records, ids, options);

    const response = many ? { predictions: answers, status: 'OK' as const } : (answers[0] as PredictionBody);
    const json = () => {
      const texts = answers.map((answer, i) => answerJson(answer, rows[i]!.response));
      return many ? `{"predictions":[${texts.join(',')}],"status":"OK"}` : texts[0]!;
    };
    return { body: response, json, algorithm: selection.algorithm };
  }

  /** Shadow arms see the same input; their answers are logged for the experiment, never returned. */
  private async runShadows(
    selection: Selection,
    records: unknown[],
    primaryIds: number[],
    options: SelectOptions
  ): Promise<void> {
    for (const algorithm of selection.shadowAlgorithms) {
      let answers: PredictionBody[];
      const started = process.hrtime.bigint();
      try {
        const model: OnnxModel = await this.pool.get(algorithm);
        // through the shadow model's batcher: under load its runs are batched like the primary's
        const predictions = await this.pool.run(model, records.map((r) => model.validate(r)));
        answers = records.map((_, i) => answerOf(predictions, i, { ...selection, algorithm }));
      } catch (err) {
        answers = records.map(() => ({
          status: 'Error' as const,
          message: (err as Error).message,
          request_id: null,
          algorithm_id: algorithm.id,
          version: algorithm.version,
          ab_test_id: selection.abTestId
        }));
      }
      const latencyUs = Math.round(Number(process.hrtime.bigint() - started) / 1000 / records.length);
      const createdAt = nowIso();
      const rows = answers.map((a, i) => ({
        ...rowOf(selection, algorithm, records[i], a, latencyUs, options, true, createdAt),
        primaryRequestId: primaryIds[i] ?? null
      }));
      // A shadow's failure to log must never affect the answered request.
      await this.writer.append(rows).catch(() => undefined);
    }
  }
}

/** [from, to) ranges of at least largeRunRows records each; one range for anything smaller than two */
function parts(n: number): [number, number][] {
  const count = Math.max(1, Math.floor(n / largeRunRows));
  const ranges: [number, number][] = [];
  for (let k = 0; k < count; k++) ranges.push([Math.floor((k * n) / count), Math.floor(((k + 1) * n) / count)]);
  return ranges;
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

/** Classic key order first (probability, label, status, request_id), then ModelDesk's fields. */
function answerOf(predictions: Prediction[] | Error, i: number, selection: Selection): PredictionBody {
  const common = {
    algorithm_id: selection.algorithm.id,
    version: selection.algorithm.version,
    ab_test_id: selection.abTestId
  };
  if (predictions instanceof Error) {
    return { status: 'Error', message: `the model failed: ${predictions.message}`, request_id: null, ...common };
  }
  const p = predictions[i] as Prediction;
  if (p.label !== undefined) {
    return {
      probability: p.probability ?? null,
      label: p.label,
      status: 'OK',
      request_id: null,
      probabilities: p.probabilities ?? null,
      ...common,
      outputs: p.outputs
    };
  }
  if (p.prediction !== undefined) {
    return { prediction: p.prediction, status: 'OK', request_id: null, ...common, outputs: p.outputs };
  }
  return { status: 'OK', request_id: null, ...common, outputs: p.outputs };
}

function rowOf(
  selection: Selection,
  algorithm: Algorithm,
  record: unknown,
  answer: PredictionBody,
  latencyUs: number,
  options: SelectOptions,
  shadow: boolean,
  createdAt: string
): RequestRow {
  const { request_id: _omit, ...logged } = answer;
  const ok = answer.status === 'OK';
  return {
    endpointId: selection.endpoint.id,
    algorithmId: algorithm.id,
    abTestId: selection.abTestId,
    shadow,
    input: JSON.stringify(record),
    response: JSON.stringify(logged),
    label: ok ? labelText(answer) : 'error',
    status: ok ? 'OK' : 'Error',
    latencyUs,
    clientKey: options.clientKey ?? null,
    createdAt
  };
}

/**
 * An answer's JSON from the JSON logged for it, which is the same object without request_id:
 * serialising every answer a second time was a tenth of the serving thread's time on 1,000-record
 * calls. In every OK answer request_id directly follows "status":"OK" (answerOf's key order), and
 * nothing before it can hold that text unescaped (numbers, and strings whose quotes are escaped).
 */
export function answerJson(answer: PredictionBody, logged: string): string {
  const at = answer.status === 'OK' ? logged.indexOf(statusOk) : -1;
  if (at < 0) return JSON.stringify(answer);
  const end = at + statusOk.length;
  return `${logged.slice(0, end)},"request_id":${JSON.stringify(answer.request_id)}${logged.slice(end)}`;
}

const statusOk = '"status":"OK"';

function labelText(answer: PredictionBody): string {
  if (answer.label !== undefined) return String(answer.label);
  if (answer.prediction !== undefined) return JSON.stringify(answer.prediction);
  return '';
}
