import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client.ts';
import type { ServingSettings, ServingSettingsInput } from './types.ts';

const servingKey = ['serving'] as const;

/** The serving settings and each loaded model's batching so far (polled: the counts move under load). */
export const useServingSettings = () =>
  useQuery({ queryKey: servingKey, queryFn: () => api<ServingSettings>('/serving'), refetchInterval: 5000 });

export function useSaveServingSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: ServingSettingsInput) => api<ServingSettings>('/serving', { method: 'PUT', json: body }),
    onSuccess: (saved) => client.setQueryData(servingKey, saved)
  });
}
