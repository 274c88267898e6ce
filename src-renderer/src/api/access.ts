import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AccessSettingsInput, AccessState, ApiKey, AuditFilter, AuditList, CreatedApiKey, CreateKey } from '../../../src-main/contract/access.ts';
import { api } from './client.ts';

/** API keys, the access switches and the audit log (issue 17), over /api/v1/keys, /access and /audit. */
const keysKey = ['keys'] as const;
const accessKey = ['access'] as const;

export const useApiKeys = (enabled = true) => useQuery({ queryKey: keysKey, queryFn: () => api<ApiKey[]>('/keys'), enabled, retry: false });

/** Creates a key: the answer carries its secret, which the caller shows once and forgets. */
export function useCreateKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateKey) => api<CreatedApiKey>('/keys', { method: 'POST', json: body }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: keysKey });
      await client.invalidateQueries({ queryKey: ['audit'] });
    }
  });
}

export function useRevokeKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api<ApiKey>(`/keys/${id}`, { method: 'DELETE' }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: keysKey });
      await client.invalidateQueries({ queryKey: ['audit'] });
    }
  });
}

export const useAccessState = () => useQuery({ queryKey: accessKey, queryFn: () => api<AccessState>('/access') });

export function useSaveAccess() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: AccessSettingsInput) => api<AccessState>('/access', { method: 'PATCH', json: body }),
    onSuccess: (state) => client.setQueryData(accessKey, state)
  });
}

export const useAudit = (query: AuditFilter) =>
  useQuery({ queryKey: ['audit', 'list', query], queryFn: ({ signal }) => api<AuditList>('/audit', { query, signal }), placeholderData: keepPreviousData });

export const useAuditFacets = () =>
  useQuery({ queryKey: ['audit', 'facets'], queryFn: () => api<{ actions: string[]; actors: string[] }>('/audit/facets') });
