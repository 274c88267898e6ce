import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { LogStorage } from '../../../src-main/contract/log-storage.ts';
import { api } from './client.ts';
import type { ServingSettings, ServingSettingsInput } from './types.ts';

const storageKey = ['request-log-storage'] as const;

/** The request log on disk and the disk's free space (polled: it grows with every prediction). */
export const useLogStorage = () =>
  useQuery({ queryKey: storageKey, queryFn: () => api<LogStorage>('/request-log/storage'), refetchInterval: 15_000 });

/** Saves only the retention settings (a merge patch: the other serving settings stay as saved). */
export function useSaveRetention() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Pick<ServingSettingsInput, 'log_retention_days' | 'log_retention_mb'>) =>
      api<ServingSettings>('/serving', { method: 'PATCH', json: body }),
    onSuccess: (saved) => {
      client.setQueryData(['serving'], saved);
      // retention prunes a moment after a save
      setTimeout(() => void client.invalidateQueries({ queryKey: storageKey }), 2500);
    }
  });
}
