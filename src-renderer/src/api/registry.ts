import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client.ts';
import type { Algorithm, AlgorithmStatus, Endpoint, Inspection, SetStatus } from './types.ts';

export const registryKeys = {
  endpoints: ['endpoints'] as const,
  algorithms: ['algorithms'] as const,
  statuses: ['statuses'] as const
};

export const useEndpoints = () =>
  useQuery({ queryKey: registryKeys.endpoints, queryFn: () => api<Endpoint[]>('/endpoints') });

export const useAlgorithms = () =>
  useQuery({ queryKey: registryKeys.algorithms, queryFn: () => api<Algorithm[]>('/mlalgorithms') });

/** The whole status history (small: a few rows per algorithm). */
export const useStatuses = () =>
  useQuery({ queryKey: registryKeys.statuses, queryFn: () => api<AlgorithmStatus[]>('/mlalgorithmstatuses') });

export function useInvalidateRegistry(): () => Promise<void> {
  const client = useQueryClient();
  return async () => {
    await Promise.all(
      // endpoints (and each one's contract), algorithms, statuses, tests, and what depends on them
      [registryKeys.endpoints, registryKeys.algorithms, registryKeys.statuses, ['abtests'], ['metadata-history'], ['compatibility'], ['rollback-plan']].map(
        (queryKey) => client.invalidateQueries({ queryKey })
      )
    );
  };
}

export function useSetStatus() {
  const invalidate = useInvalidateRegistry();
  return useMutation({
    mutationFn: (body: SetStatus) => api<AlgorithmStatus>('/mlalgorithmstatuses', { method: 'POST', json: body }),
    onSuccess: invalidate
  });
}

/**
 * The picked file's signature, read by the server before anything is saved; with `endpoint` (an
 * existing one) and the feature names, its comparison with that endpoint's input contract too.
 * `fileId` changes with each pick: the File itself cannot key a query.
 */
export function useInspection(file: File | null, fileId: number, endpoint: string | undefined, featureNames: string | undefined) {
  return useQuery({
    queryKey: ['inspect', fileId, endpoint ?? null, featureNames ?? null],
    queryFn: () => {
      const form = new FormData();
      form.set('file', file!, file!.name);
      if (endpoint) form.set('endpoint', endpoint);
      if (featureNames) form.set('feature_names', featureNames);
      return api<Inspection>('/mlalgorithms/inspect', { method: 'POST', body: form });
    },
    enabled: file !== null,
    // one file, one answer: it cannot change while the dialog is open
    staleTime: Infinity,
    retry: false,
    // a new endpoint or feature names keep the signature on screen while the contract is compared again
    placeholderData: (previous, previousQuery) => (previousQuery?.queryKey[1] === fileId ? previous : undefined)
  });
}

export interface RegisterFields {
  endpoint: string;
  name: string;
  version: string;
  description: string;
  owner: string;
  code: string;
  status: string;
  feature_names: string;
  classes: string;
  positive_class: string;
  threshold: string;
  /** '' = as suggested from the graph */
  output_kind: string;
  /** '' = as the graph says; 'true' / 'false' */
  handles_missing: string;
  created_by: string;
  /** JSON object name → number */
  metrics: string;
  /** "true" with a reason: register although existing clients would break */
  allow_breaking_change: string;
  reason: string;
}

export function useRegister() {
  const invalidate = useInvalidateRegistry();
  return useMutation({
    mutationFn: ({ file, fields }: { file: Blob & { name?: string }; fields: RegisterFields }) => {
      const form = new FormData();
      for (const [key, value] of Object.entries(fields)) if (value.trim() !== '') form.set(key, value.trim());
      form.set('file', file, file.name ?? 'model.onnx');
      return api<Algorithm>('/mlalgorithms', { method: 'POST', body: form });
    },
    onSuccess: invalidate
  });
}
