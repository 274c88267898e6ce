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
    await Promise.all([
      client.invalidateQueries({ queryKey: registryKeys.endpoints }),
      client.invalidateQueries({ queryKey: registryKeys.algorithms }),
      client.invalidateQueries({ queryKey: registryKeys.statuses }),
      client.invalidateQueries({ queryKey: ['abtests'] })
    ]);
  };
}

export function useSetStatus() {
  const invalidate = useInvalidateRegistry();
  return useMutation({
    mutationFn: (body: SetStatus) => api<AlgorithmStatus>('/mlalgorithmstatuses', { method: 'POST', json: body }),
    onSuccess: invalidate
  });
}

export function useInspect() {
  return useMutation({
    mutationFn: (file: Blob & { name?: string }) => {
      const form = new FormData();
      form.set('file', file, file.name ?? 'model.onnx');
      return api<Inspection>('/mlalgorithms/inspect', { method: 'POST', body: form });
    }
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
