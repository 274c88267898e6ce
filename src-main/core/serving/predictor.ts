import { nowIso } from '../clock.ts';
import { invalidInput } from '../errors.ts';
import type { OnnxModel, Prediction } from '../inference/index.ts';
import type { Registry } from '../registry/registry.ts';
import type { Algorithm } from '../registry/types.ts';
import type { RequestRow, RequestWriter } from '../requests/request-writer.ts';
import { selectAlgorithm, type SelectOptions, type Selection } from './algorithm-selector.ts';
import type { ModelPool } from './model-pool.ts';
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

    const started = process.hrtime.bigint();
    let predictions: Prediction[] | Error;
    try {
      predictions = await this.pool.run(model, valid);
    } catch (err) {
      predictions = err as Error;
    }
    const latencyUs = Math.round(Number(process.hrtime.bigint() - started) / 1000 / records.length);

    const answers = records.map((_, i) => answerOf(predictions, i, selection));
    const createdAt = nowIso();
    const ids = await this.writer.append(
      answers.map((answer, i) => rowOf(selection, selection.algorithm, records[i], answer, latencyUs, options, false, createdAt))
    );
    answers.forEach((answer, i) => (answer.request_id = ids[i] ?? null));
    if (selection.shadowAlgorithms.length) void this.runShadows(selection, records, ids, options);

    const response = many ? { predictions: answers, status: 'OK' as const } : (answers[0] as PredictionBody);
    return { body: response, algorithm: selection.algorithm };
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

function labelText(answer: PredictionBody): string {
  if (answer.label !== undefined) return String(answer.label);
  if (answer.prediction !== undefined) return JSON.stringify(answer.prediction);
  return '';
}
