import { createHash } from 'node:crypto';
import type { Static } from 'typebox';
import { truncatedPreviewChars, type TruncatedRecord } from '../../contract/logged-record.ts';
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
  apiKeyId: number | null;
  clientRequestId: string | null;
  createdAt: string;
  /** a record larger than this is logged as a marker (the `max_logged_record_bytes` setting) */
  maxLoggedRecordBytes: number;
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
    maxLoggedRecordBytes: call.maxLoggedRecordBytes,
    label: ok ? labelText(answer) : 'error',
    status: ok ? 'OK' : 'Error',
    latencyUs,
    clientKey: call.clientKey,
    apiKeyId: call.apiKeyId,
    clientRequestId: call.clientRequestId,
    createdAt: call.createdAt
  };
}

/**
 * The record as the request log keeps it: its JSON, or, over `limit` UTF-8 bytes, a marker with
 * its size, hash and first characters (contract/logged-record.ts). A 15 MB record used to be
 * written whole, three of them adding 46 MB to the database (issue 20, item 9).
 */
export function loggedInput(record: unknown, limit: number): string {
  const json = JSON.stringify(record);
  // UTF-8 takes 1 to 3 bytes per UTF-16 unit: only records near the limit need counting
  if (json.length * 3 <= limit || (json.length <= limit && Buffer.byteLength(json) <= limit)) return json;
  const marker: TruncatedRecord = {
    $truncated: {
      bytes: Buffer.byteLength(json),
      limit,
      sha256: createHash('sha256').update(json).digest('hex'),
      preview: json.slice(0, truncatedPreviewChars)
    }
  };
  return JSON.stringify(marker);
}

function labelText(answer: PredictionAnswer): string {
  if (answer.label !== undefined) return String(answer.label);
  if (answer.prediction !== undefined) return JSON.stringify(answer.prediction);
  return '';
}
