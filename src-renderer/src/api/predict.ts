import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from './client.ts';
import type { BatchPrediction, Prediction } from './types.ts';

export interface PredictCall {
  endpoint: string;
  record: unknown;
  algorithmId?: number | null;
}

export interface TimedPrediction {
  /** the answer, or the first one of a batch */
  prediction: Prediction;
  /** every answer, in record order (one unless the body was an array) */
  predictions: Prediction[];
  /** records in the call (1 unless the body was an array) */
  batchSize: number;
  /** client-side round trip, milliseconds */
  roundTripMs: number;
}

/** POST /{endpoint}/predict, timing the whole round trip as the caller sees it. */
export function usePredict() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ endpoint, record, algorithmId }: PredictCall): Promise<TimedPrediction> => {
      const started = performance.now();
      const answer = await api<Prediction | BatchPrediction>(`/${encodeURIComponent(endpoint)}/predict`, {
        method: 'POST',
        json: record,
        query: { algorithm_id: algorithmId ?? undefined }
      });
      const roundTripMs = performance.now() - started;
      if ('predictions' in answer && Array.isArray(answer.predictions)) {
        const first = answer.predictions[0];
        if (!first) throw new Error('the batch was empty');
        return { prediction: first, predictions: answer.predictions, batchSize: answer.predictions.length, roundTripMs };
      }
      return { prediction: answer as Prediction, predictions: [answer as Prediction], batchSize: 1, roundTripMs };
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ['requests'] })
  });
}
