import { useMutation, useQueries, useQuery } from '@tanstack/react-query';
import { api } from './client.ts';
import { useInvalidateRegistry } from './registry.ts';
import type {
  Algorithm,
  AlgorithmPatch,
  Compatibility,
  DeletedAlgorithm,
  Endpoint,
  EndpointPatch,
  MetadataChange,
  RollbackInput,
  RollbackResult
} from './types.ts';

/** Metadata edits and their history, the input contract, rollback and deletion (issue 12). */

export const metadataKeys = {
  history: (endpointId: number) => ['metadata-history', endpointId] as const,
  endpoint: (id: number) => ['endpoints', 'one', id] as const,
  compatibility: (endpointId: number, algorithmId: number) => ['compatibility', endpointId, algorithmId] as const,
  rollback: (endpointId: number) => ['rollback-plan', endpointId] as const
};

/** One endpoint with its input contract. */
export const useEndpointDetail = (id: number | undefined) =>
  useQuery({ queryKey: metadataKeys.endpoint(id ?? -1), queryFn: () => api<Endpoint>(`/endpoints/${id}`), enabled: id !== undefined });

/** Every edit of an endpoint's metadata and its algorithms', oldest first. */
export const useMetadataHistory = (endpointId: number) =>
  useQuery({ queryKey: metadataKeys.history(endpointId), queryFn: () => api<MetadataChange[]>('/metadatahistory', { query: { endpoint: endpointId } }) });

/** An algorithm against its endpoint's input contract (what promoting or testing it would do to clients). */
export const useCompatibility = (endpointId: number | undefined, algorithmId: number | undefined) =>
  useQuery({
    queryKey: metadataKeys.compatibility(endpointId ?? -1, algorithmId ?? -1),
    queryFn: () => api<Compatibility>(`/endpoints/${endpointId}/compatibility`, { query: { algorithm: algorithmId } }),
    enabled: endpointId !== undefined && algorithmId !== undefined
  });

/** Several algorithms against one endpoint's contract (the arms of an A/B test being set up). */
export const useCompatibilities = (endpointId: number | undefined, algorithmIds: number[]) =>
  useQueries({
    queries: algorithmIds.map((algorithmId) => ({
      queryKey: metadataKeys.compatibility(endpointId ?? -1, algorithmId),
      queryFn: () => api<Compatibility>(`/endpoints/${endpointId}/compatibility`, { query: { algorithm: algorithmId } }),
      enabled: endpointId !== undefined
    }))
  });

/** What rolling back would do now (the server decides; the UI only asks). */
export const useRollbackPlan = (endpointId: number) =>
  useQuery({
    queryKey: metadataKeys.rollback(endpointId),
    queryFn: () => api<RollbackResult>(`/endpoints/${endpointId}/rollback`, { method: 'POST', json: {}, query: { dry_run: true } })
  });

export function useRollback(endpointId: number) {
  const invalidate = useInvalidateRegistry();
  return useMutation({
    mutationFn: (body: RollbackInput) => api<RollbackResult>(`/endpoints/${endpointId}/rollback`, { method: 'POST', json: body }),
    onSuccess: invalidate
  });
}

export function useEditEndpoint(id: number) {
  const invalidate = useInvalidateRegistry();
  return useMutation({
    mutationFn: (body: EndpointPatch) => api<Endpoint>(`/endpoints/${id}`, { method: 'PATCH', json: body }),
    onSuccess: invalidate
  });
}

export function useEditAlgorithm(id: number) {
  const invalidate = useInvalidateRegistry();
  return useMutation({
    mutationFn: (body: AlgorithmPatch) => api<Algorithm>(`/mlalgorithms/${id}`, { method: 'PATCH', json: body }),
    onSuccess: invalidate
  });
}

export function useDeleteAlgorithm() {
  const invalidate = useInvalidateRegistry();
  return useMutation({
    mutationFn: (id: number) => api<DeletedAlgorithm>(`/mlalgorithms/${id}`, { method: 'DELETE' }),
    onSuccess: invalidate
  });
}
