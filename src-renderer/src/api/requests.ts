import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client.ts';
import type { MLRequest, MLRequestList, RefusalQuery, RefusalSummary, RequestQuery } from './types.ts';

export const requestKeys = {
  all: ['requests'] as const,
  list: (query: RequestQuery) => ['requests', 'list', query] as const,
  one: (id: number) => ['requests', 'one', id] as const
};

export const useRequestLog = (query: RequestQuery) =>
  useQuery({
    queryKey: requestKeys.list(query),
    queryFn: ({ signal }) => api<MLRequestList>('/mlrequests', { query, signal }),
    placeholderData: keepPreviousData
  });

/** Refused predictions (never in the log) by reason, over the same filters' endpoint, algorithm and time. */
export const useRefusals = (query: RefusalQuery) =>
  useQuery({
    queryKey: ['refusals', query] as const,
    queryFn: ({ signal }) => api<RefusalSummary>('/refusals', { query, signal }),
    placeholderData: keepPreviousData
  });

export const useRequest = (id: number | null) =>
  useQuery({
    queryKey: requestKeys.one(id ?? 0),
    queryFn: () => api<MLRequest>(`/mlrequests/${id}`),
    enabled: id !== null
  });

/** Stores ground truth for one prediction (an empty string clears it). */
export function useFeedback() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, feedback }: { id: number; feedback: string }) =>
      api<MLRequest>(`/mlrequests/${id}`, { method: 'PUT', json: { feedback } }),
    onSuccess: async (saved) => {
      client.setQueryData(requestKeys.one(saved.id), saved);
      await client.invalidateQueries({ queryKey: requestKeys.all });
      await client.invalidateQueries({ queryKey: ['abtests'] });
    }
  });
}
