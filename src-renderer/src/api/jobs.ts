import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CreatePathJob, CreateReplay, JobView } from '../../../src-main/contract/job-schemas.ts';
import { finishedJobStates } from '../../../src-main/contract/jobs.ts';
import { api, ApiError, buildUrl, followDownload, getToken } from './client.ts';

export type { JobView };

export const jobKeys = {
  all: ['jobs'] as const,
  one: (id: number) => ['jobs', 'one', id] as const
};

const isActive = (job: JobView): boolean => !finishedJobStates.includes(job.state);

/** The history, polled while a job is queued or running. */
export const useJobs = () =>
  useQuery({
    queryKey: jobKeys.all,
    queryFn: () => api<JobView[]>('/jobs'),
    refetchInterval: (query) => ((query.state.data ?? []).some(isActive) ? 1000 : false)
  });

/** One job, polled every half second while it runs (rows done, rows per second, time left). */
export const useJob = (id: number) =>
  useQuery({
    queryKey: jobKeys.one(id),
    queryFn: () => api<JobView>(`/jobs/${id}`),
    refetchInterval: (query) => (query.state.data && !isActive(query.state.data) ? false : 500)
  });

function useInvalidateJobs() {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: jobKeys.all });
}

export interface UploadJob {
  file: File;
  fields: Record<string, string>;
}

/**
 * POST /jobs with the file as a multipart upload. XMLHttpRequest, because fetch reports no upload
 * progress, and the browser streams the File from disk: it is never read into the page's memory.
 */
function upload({ file, fields }: UploadJob, onProgress?: (done: number, total: number) => void): Promise<JobView> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) if (value !== '') form.set(key, value);
    form.set('file', file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', buildUrl('/jobs'));
    const token = getToken();
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (event) => onProgress?.(event.loaded, event.total);
    xhr.onerror = () => reject(new ApiError(0, 'Cannot reach the ModelDesk server. Is it still running?'));
    xhr.onload = () => {
      let body: (JobView & { message?: string; field?: string }) | null = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300 && body) resolve(body);
      else reject(new ApiError(xhr.status, body?.message ?? `${xhr.status} ${xhr.statusText}`, body?.field));
    };
    xhr.send(form);
  });
}

export function useUploadJob(onProgress?: (done: number, total: number) => void) {
  const invalidate = useInvalidateJobs();
  return useMutation({ mutationFn: (job: UploadJob) => upload(job, onProgress), onSuccess: invalidate });
}

/** A file on this machine by path (the desktop app's open dialog granted it). */
export function usePathJob() {
  const invalidate = useInvalidateJobs();
  return useMutation({ mutationFn: (body: CreatePathJob) => api<JobView>('/jobs', { method: 'POST', json: body }), onSuccess: invalidate });
}

export function useReplay() {
  const invalidate = useInvalidateJobs();
  return useMutation({ mutationFn: (body: CreateReplay) => api<JobView>('/jobs/replay', { method: 'POST', json: body }), onSuccess: invalidate });
}

export function useCancelJob() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api<JobView>(`/jobs/${id}`, { method: 'DELETE' }),
    onSuccess: (job) => {
      client.setQueryData(jobKeys.one(job.id), job);
      return client.invalidateQueries({ queryKey: jobKeys.all });
    }
  });
}

/**
 * A finished job's result or error rows as a download the browser performs itself (streamed to
 * disk, however large): a one-time link stands in for the token, which a link cannot send.
 */
export function useDownloadJobFile() {
  return useMutation({
    mutationFn: async ({ id, file }: { id: number; file: 'result' | 'errors' }) => {
      const { url } = await api<{ url: string }>(`/jobs/${id}/tickets`, { method: 'POST', json: { file } });
      followDownload(url);
    }
  });
}
