import type { RequestRow } from '../requests/request-writer.ts';
import type { RowCodec } from '../requests/row-codec.ts';
import { isTruncatedInput, loggedPredictionValues } from './columns.ts';

/**
 * What drift counts of a request-log row, wherever the row comes from: the `requests.logged`
 * event (the record and answer still in memory) or the table (input and response in their stored
 * form, JSON text or lean: requests/row-codec.ts). Both give the same values for the same row.
 */

/** The numbers an answer object holds, as loggedPredictionValues reads them from its JSON (finite only: JSON has no NaN). */
export function answerPredictionValues(label: string, answer: { probability?: unknown; prediction?: unknown }): Record<string, unknown> {
  // a one-output regressor answers [x]
  const prediction = Array.isArray(answer.prediction) ? (answer.prediction.length === 1 ? answer.prediction[0] : undefined) : answer.prediction;
  return { label, probability: finite(answer.probability), prediction: finite(prediction) };
}

const finite = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);

/**
 * A live row's record as the log kept it: null when it was logged as a `$truncated` marker (its
 * JSON over the `max_logged_record_bytes` its call was answered under), as a row read back from
 * the table would say. Only the rows drift samples pay for the size check.
 */
export function liveRecord(row: RequestRow): unknown {
  const json = JSON.stringify(row.record);
  const limit = row.maxLoggedRecordBytes;
  return json.length * 3 <= limit || Buffer.byteLength(json) <= limit ? row.record : null;
}

/** The prediction values of a live OK row; undefined when the model failed. */
export function livePredictions(row: RequestRow): Record<string, unknown> | undefined {
  return row.status === 'OK' ? answerPredictionValues(row.label, row.answer) : undefined;
}

/** A row as read from the table, with the columns the codec needs. */
export interface StoredRow {
  algorithmId: number;
  abTestId: number | null;
  status: string;
  label: string;
  input: string | Buffer;
  response: string | Buffer;
}

/** Reads stored rows through the request log's codec. */
export class StoredRows {
  constructor(private readonly codec: RowCodec) {}

  /**
   * The row's record (null when it was logged as a `$truncated` marker) and, for an OK row, its
   * prediction values: a text row's read from the start of its JSON, a lean row's from its rebuilt
   * answer. Null when the row cannot be read (it is left out, as an unparsable row always was).
   */
  values(row: StoredRow): { record: unknown; predictions: Record<string, unknown> | undefined } | null {
    try {
      const record = typeof row.input === 'string' && isTruncatedInput(row.input) ? null : this.codec.record(row.input);
      return { record, predictions: this.predictions(row) };
    } catch {
      return null;
    }
  }

  private predictions(row: StoredRow): Record<string, unknown> | undefined {
    if (row.status !== 'OK') return undefined;
    if (typeof row.response === 'string') return loggedPredictionValues(row.label, row.response);
    return answerPredictionValues(row.label, this.codec.answer({ algorithmId: row.algorithmId, abTestId: row.abTestId, status: 'OK', response: row.response }));
  }
}
