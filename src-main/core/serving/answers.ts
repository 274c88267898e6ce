import type { Static } from 'typebox';
import type { PredictionResponse } from '../../contract/classic.ts';
import type { Prediction } from '../inference/index.ts';
import type { Algorithm } from '../registry/types.ts';
import type { RequestRow } from '../requests/request-writer.ts';
import type { Selection } from './algorithm-selector.ts';

/** One record's answer, in the shape the classic API declares (contract/classic.ts). */
export type PredictionAnswer = Static<typeof PredictionResponse>;

/** What a logged row needs to know of the call beyond its answer. */
export interface CallFacts {
  selection: Selection;
  clientKey: string | null;
  createdAt: string;
}

/** The algorithm an answer names. */
export type AnsweringAlgorithm = Pick<Algorithm, 'id' | 'version'>;

/** Classic key order first (probability, label, status, request_id), then ModelDesk's fields. */
export function answerOf(predictions: Prediction[] | Error, i: number, algorithm: AnsweringAlgorithm, abTestId: number | null): PredictionAnswer {
  const common = { algorithm_id: algorithm.id, version: algorithm.version, ab_test_id: abTestId };
  if (predictions instanceof Error) return errorAnswer(`the model failed: ${predictions.message}`, algorithm, abTestId);
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

/** An answer that failed (the model, or a shadow arm), in the classic key order. */
export function errorAnswer(message: string, algorithm: AnsweringAlgorithm, abTestId: number | null): PredictionAnswer {
  return { status: 'Error', message, request_id: null, algorithm_id: algorithm.id, version: algorithm.version, ab_test_id: abTestId };
}

/** What the request log keeps of an answer: its JSON without request_id (the row's own id). */
export function loggedJson(answer: PredictionAnswer): string {
  const { request_id: _omit, ...logged } = answer;
  return JSON.stringify(logged);
}

/** The request-log row of one answer (requests/row-codec.ts decides how its record and answer are stored). */
export function rowOf(call: CallFacts, algorithm: Algorithm, record: unknown, answer: PredictionAnswer, latencyUs: number, shadow: boolean): RequestRow {
  const ok = answer.status === 'OK';
  return {
    endpointId: call.selection.endpoint.id,
    algorithmId: algorithm.id,
    abTestId: call.selection.abTestId,
    shadow,
    record,
    answer,
    label: ok ? labelText(answer) : 'error',
    status: ok ? 'OK' : 'Error',
    latencyUs,
    clientKey: call.clientKey,
    createdAt: call.createdAt
  };
}

function labelText(answer: PredictionAnswer): string {
  if (answer.label !== undefined) return String(answer.label);
  if (answer.prediction !== undefined) return JSON.stringify(answer.prediction);
  return '';
}
