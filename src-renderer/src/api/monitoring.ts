import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  AlgorithmHealthBody,
  DriftReportBody,
  FromRequestsBody,
  HealthSeries,
  HistogramBody,
  ReferenceSummary
} from '../../../src-main/contract/monitoring.ts';
import { api } from './client.ts';

export type { AlgorithmHealthBody, DriftColumn, DriftReportBody, HealthPoint, HealthSeries, HistogramBody, QualityPoint, ReferenceSummary, VersionMarker } from '../../../src-main/contract/monitoring.ts';

export interface MonitoringQuery {
  endpoint: string;
  algorithm?: number | undefined;
  window: string;
}

/** the page refreshes its figures while it is open (the aggregates move every few seconds) */
const refetchInterval = 10_000;

export const monitoringKeys = {
  all: ['monitoring'] as const,
  series: (q: MonitoringQuery) => ['monitoring', 'series', q] as const,
  drift: (q: MonitoringQuery) => ['monitoring', 'drift', q] as const,
  histogram: (algorithm: number, column: string, window: string) => ['monitoring', 'histogram', algorithm, column, window] as const,
  status: ['monitoring', 'status'] as const
};

const params = (q: MonitoringQuery) => ({ endpoint: q.endpoint, algorithm: q.algorithm, window: q.window });

export const useSeries = (q: MonitoringQuery | null) =>
  useQuery({
    queryKey: monitoringKeys.series(q ?? { endpoint: '', window: '' }),
    queryFn: ({ signal }) => api<HealthSeries>('/monitoring/series', { query: params(q!), signal }),
    enabled: q !== null,
    refetchInterval,
    placeholderData: keepPreviousData
  });

export const useDrift = (q: MonitoringQuery | null) =>
  useQuery({
    queryKey: monitoringKeys.drift(q ?? { endpoint: '', window: '' }),
    queryFn: ({ signal }) => api<DriftReportBody>('/monitoring/drift', { query: params(q!), signal }),
    enabled: q !== null,
    refetchInterval,
    placeholderData: keepPreviousData
  });

export const useHistogram = (algorithm: number | null, column: string | null, window: string) =>
  useQuery({
    queryKey: monitoringKeys.histogram(algorithm ?? 0, column ?? '', window),
    queryFn: ({ signal }) => api<HistogramBody>('/monitoring/histogram', { query: { algorithm, column, window }, signal }),
    enabled: algorithm !== null && column !== null
  });

/** Drift and error-rate jumps per version (the Models page's badges). */
export const useMonitoringStatus = () =>
  useQuery({ queryKey: monitoringKeys.status, queryFn: () => api<AlgorithmHealthBody[]>('/monitoring/status'), refetchInterval: 30_000 });

function useInvalidateMonitoring() {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: monitoringKeys.all });
}

/** Sets a version's reference profile from a training file (CSV or JSON Lines). */
export function useUploadReference() {
  const invalidate = useInvalidateMonitoring();
  return useMutation({
    mutationFn: ({ algorithm, file, createdBy }: { algorithm: number; file: Blob & { name?: string }; createdBy: string }) => {
      const form = new FormData();
      form.set('file', file, file.name ?? 'reference.csv');
      return api<ReferenceSummary>('/monitoring/references', { method: 'POST', body: form, query: { algorithm, created_by: createdBy } });
    },
    onSuccess: invalidate
  });
}

/** Sets a version's reference profile from its own logged requests (a window ending now: re-baseline). */
export function useReferenceFromRequests() {
  const invalidate = useInvalidateMonitoring();
  return useMutation({
    mutationFn: (body: FromRequestsBody) => api<ReferenceSummary>('/monitoring/references/from-requests', { method: 'POST', json: body }),
    onSuccess: invalidate
  });
}
