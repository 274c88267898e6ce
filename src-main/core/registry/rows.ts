import type { algorithmMetadata, algorithms, endpointMetadata, endpoints } from '../../../db/schema.ts';
import type { ModelSignature } from '../inference/index.ts';
import type { Algorithm, AlgorithmStatusValue, Endpoint } from './types.ts';

/** The registry's rows, joined with their metadata (db/schema/metadata.ts), as the core reads them. */

export function toEndpoint(row: { endpoint: typeof endpoints.$inferSelect; meta: typeof endpointMetadata.$inferSelect | null }): Endpoint {
  return {
    ...row.endpoint,
    notes: row.meta?.notes ?? '',
    tags: row.meta?.tags ?? [],
    freeTextFeedback: row.meta?.freeTextFeedback ?? false
  };
}

export function toAlgorithm(row: {
  algorithm: typeof algorithms.$inferSelect;
  endpointName: string;
  status: AlgorithmStatusValue | null;
  meta: typeof algorithmMetadata.$inferSelect | null;
}): Algorithm {
  const a = row.algorithm;
  return {
    ...a,
    endpointName: row.endpointName,
    signature: a.signature as ModelSignature,
    currentStatus: row.status,
    notes: row.meta?.notes ?? '',
    tags: row.meta?.tags ?? [],
    metrics: row.meta?.metrics ?? {},
    inputExample: row.meta?.inputExample ?? null
  };
}
