import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client.ts';
import type { AbTest, AbTestTimeline, CreateAbTest, StopAbTest, StopAbTestResponse } from './types.ts';

const live = 3000;

export const abKeys = {
  all: ['abtests'] as const,
  one: (id: number) => ['abtests', 'one', id] as const,
  timeline: (id: number) => ['abtests', 'timeline', id] as const
};

export const useAbTests = () =>
  useQuery({ queryKey: abKeys.all, queryFn: () => api<AbTest[]>('/abtests'), refetchInterval: live });

/** One test with live results; polled while it runs. */
export const useAbTest = (id: number) =>
  useQuery({
    queryKey: abKeys.one(id),
    queryFn: () => api<AbTest>(`/abtests/${id}`),
    refetchInterval: (query) => (query.state.data?.state === 'running' ? live : false)
  });

export const useAbTimeline = (id: number, running: boolean) =>
  useQuery({
    queryKey: abKeys.timeline(id),
    queryFn: () => api<AbTestTimeline>(`/abtests/${id}/timeline`),
    refetchInterval: running ? live : false
  });

function useInvalidateAll() {
  const client = useQueryClient();
  return async () => {
    await Promise.all(
      [abKeys.all, ['algorithms'], ['statuses']].map((queryKey) => client.invalidateQueries({ queryKey }))
    );
  };
}

export function useCreateAbTest() {
  const invalidate = useInvalidateAll();
  return useMutation({
    mutationFn: (body: CreateAbTest) => api<AbTest>('/abtests', { method: 'POST', json: body }),
    onSuccess: invalidate
  });
}

/** What stopping with `body` would do now: the server's own plan (a dry run), never re-derived here. */
export const useStopPlan = (id: number, body: StopAbTest) =>
  useQuery({
    queryKey: ['abtests', 'stop-plan', id, body],
    queryFn: () => api<StopAbTestResponse>(`/stop_ab_test/${id}`, { method: 'POST', json: body, query: { dry_run: true } }),
    placeholderData: keepPreviousData,
    retry: false
  });

export function useStopAbTest() {
  const invalidate = useInvalidateAll();
  return useMutation({
    mutationFn: ({ id, body }: { id: number; body: StopAbTest }) =>
      api<StopAbTestResponse>(`/stop_ab_test/${id}`, { method: 'POST', json: body }),
    onSuccess: invalidate
  });
}
