import { useMutation } from '@tanstack/react-query';
import type { ParityErrorAnswer, ParityMismatch, PlatformExportRequest, PlatformExportResult } from '../../../src-main/contract/platforms.ts';
import { api, ApiError, followDownload } from './client.ts';

export type { ParityMismatch, PlatformExportRequest, PlatformExportResult };

/** POST /registry/export/platforms: the server writes the export into its data directory. */
export function usePlatformExport() {
  return useMutation({
    mutationFn: (request: PlatformExportRequest) =>
      api<PlatformExportResult>('/registry/export/platforms', { method: 'POST', json: request })
  });
}

/** The differing answers of a 409 parity refusal, or null for any other error. */
export function parityMismatches(error: unknown): ParityMismatch[] | null {
  if (!(error instanceof ApiError) || error.status !== 409) return null;
  const body = error.body as Partial<ParityErrorAnswer> | undefined;
  return body?.field === 'parity' && Array.isArray(body.mismatches) ? body.mismatches : null;
}

/**
 * Downloads an export as a ZIP: a fresh one-time link (a link cannot send the token), which the
 * browser follows, streaming the file to disk itself.
 */
export async function downloadExport(name: string): Promise<void> {
  const { url } = await api<PlatformExportResult['download']>(`/registry/export/platforms/${encodeURIComponent(name)}/tickets`, { method: 'POST' });
  followDownload(url);
}
