import { useMutation } from '@tanstack/react-query';
import type { ExportTicket, ImportResult, OnConflict } from '../../../src-main/contract/bundles.ts';
import { api, ApiError, buildUrl, followDownload, getToken } from './client.ts';
import { useInvalidateRegistry } from './registry.ts';

export type { ImportResult, OnConflict };

export interface ExportOptions {
  /** empty = the whole registry */
  endpoints: string[];
  includeRequests: boolean;
}

/** bytes moved so far, and the expected total when known */
export type OnProgress = (done: number, total: number | null) => void;

/**
 * GET /registry/export as a download the browser performs itself: it streams the bundle to disk
 * and shows its progress (in the desktop app, Electron asks where to save it). A link cannot send
 * the admin token, so the server first checks the options and issues a one-time link for them
 * (POST /registry/export/tickets): a wrong endpoint is an error shown here, not a failed
 * download. Fetching the bundle here would hold all of it, model files included, in memory.
 */
export function useExportRegistry() {
  return useMutation({
    mutationFn: async ({ endpoints, includeRequests }: ExportOptions): Promise<void> => {
      const { url } = await api<ExportTicket>('/registry/export/tickets', {
        method: 'POST',
        json: { endpoint: endpoints, include_requests: includeRequests }
      });
      followDownload(url);
    }
  });
}

/**
 * Uploads with XMLHttpRequest because fetch reports no upload progress; errors become the
 * same ApiError as every other call.
 */
function uploadBundle(file: Blob, query: Record<string, string | boolean>, onProgress?: OnProgress): Promise<ImportResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', buildUrl('/registry/import', query));
    const token = getToken();
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.setRequestHeader('content-type', 'application/zip');
    xhr.upload.onprogress = (event) => onProgress?.(event.loaded, event.lengthComputable ? event.total : null);
    xhr.onerror = () => reject(new ApiError(0, 'Cannot reach the ModelDesk server. Is it still running?'));
    xhr.onload = () => {
      type Answer = { message?: string; field?: string } | null;
      let body: Answer;
      try {
        body = xhr.responseText ? (JSON.parse(xhr.responseText) as Answer) : null;
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as unknown as ImportResult);
      else reject(new ApiError(xhr.status, body?.message ?? `${xhr.status} ${xhr.statusText}`, body?.field));
    };
    xhr.send(file);
  });
}

/** POST /registry/import: a dry run returns the plan; the real run applies it in one transaction. */
export function useImportRegistry(onProgress?: OnProgress) {
  const invalidate = useInvalidateRegistry();
  return useMutation({
    mutationFn: ({ file, dryRun, onConflict }: { file: Blob; dryRun: boolean; onConflict: OnConflict }) =>
      uploadBundle(file, { dry_run: dryRun, on_conflict: onConflict }, onProgress),
    onSuccess: async (result) => {
      if (result.applied) await invalidate();
    }
  });
}
