import { useMutation } from '@tanstack/react-query';
import type { ImportResult, OnConflict } from '../../../src-main/contract/bundles.ts';
import { ApiError, apiResponse, buildUrl, getToken } from './client.ts';
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
 * GET /registry/export as a download. The token must travel in a header, so the bundle is
 * fetched and handed to the browser as a blob; in the desktop app Electron shows its save dialog.
 */
export function useExportRegistry(onProgress?: OnProgress) {
  return useMutation({
    mutationFn: async ({ endpoints, includeRequests }: ExportOptions): Promise<{ filename: string; bytes: number }> => {
      const query = new URLSearchParams(endpoints.map((e) => ['endpoint', e]));
      if (includeRequests) query.set('include_requests', 'true');
      const response = await apiResponse(`/registry/export${query.size ? `?${query}` : ''}`);
      const disposition = response.headers.get('content-disposition') ?? '';
      const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'registry.modeldesk';
      // Streamed without a length: the model bytes it carries are the honest estimate.
      const expected = Number(response.headers.get('x-modeldesk-artifact-bytes')) || null;
      const chunks: Uint8Array[] = [];
      let received = 0;
      const reader = response.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        received += value.byteLength;
        onProgress?.(received, expected);
      }
      const blob = new Blob(chunks as BlobPart[], { type: 'application/zip' });
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = filename;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      return { filename, bytes: blob.size };
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
