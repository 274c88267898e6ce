import { useMutation } from '@tanstack/react-query';
import type { ImportResult, OnConflict } from '../../../src-main/contract/bundles.ts';
import { api, apiResponse } from './client.ts';
import { useInvalidateRegistry } from './registry.ts';

export type { ImportResult, OnConflict };

export interface ExportOptions {
  /** empty = the whole registry */
  endpoints: string[];
  includeRequests: boolean;
}

/**
 * GET /registry/export as a download. The token must travel in a header, so the bundle is
 * fetched and handed to the browser as a blob; in the desktop app Electron shows its save dialog.
 */
export function useExportRegistry() {
  return useMutation({
    mutationFn: async ({ endpoints, includeRequests }: ExportOptions): Promise<{ filename: string; bytes: number }> => {
      const query = new URLSearchParams(endpoints.map((e) => ['endpoint', e]));
      if (includeRequests) query.set('include_requests', 'true');
      const response = await apiResponse(`/registry/export${query.size ? `?${query}` : ''}`);
      const disposition = response.headers.get('content-disposition') ?? '';
      const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'registry.modeldesk';
      const blob = await response.blob();
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

/** POST /registry/import: a dry run returns the plan; the real run applies it in one transaction. */
export function useImportRegistry() {
  const invalidate = useInvalidateRegistry();
  return useMutation({
    mutationFn: ({ file, dryRun, onConflict }: { file: Blob; dryRun: boolean; onConflict: OnConflict }) =>
      api<ImportResult>('/registry/import', {
        method: 'POST',
        body: file,
        contentType: 'application/zip',
        query: { dry_run: dryRun, on_conflict: onConflict }
      }),
    onSuccess: async (result) => {
      if (result.applied) await invalidate();
    }
  });
}
