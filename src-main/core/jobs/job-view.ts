import type { JobView } from '../../contract/job-schemas.ts';
import { finishedJobStates } from '../../contract/jobs.ts';
import type { ReplayReportBody } from '../../contract/replay-report.ts';
import type { Registry } from '../registry/registry.ts';
import type { LiveProgress } from './job-service.ts';
import type { JobRow } from './job-store.ts';
import type { ReplayOptions } from './replay/replay-runner.ts';

/** A job as the API shows it: its row, names, and (while it runs) its pace and time left. */
export function jobView(job: JobRow, registry: Registry, live: LiveProgress | null, downloads?: { result: string; errors: string }): JobView {
  let algorithmName = '';
  let version = '';
  let endpoint = '';
  try {
    const algorithm = registry.getAlgorithm(job.algorithmId);
    algorithmName = algorithm.name;
    version = algorithm.version;
    endpoint = algorithm.endpointName;
  } catch {
    // an algorithm is never deleted; a broken row still shows
  }
  const replay = job.kind === 'replay' ? (job.options as ReplayOptions).replay : null;
  const rowsDone = live?.rowsDone ?? job.rowsDone;
  const offset = live?.inputOffset ?? job.inputOffset;
  const finished = finishedJobStates.includes(job.state);
  return {
    id: job.id,
    kind: job.kind,
    state: job.state,
    endpoint,
    endpoint_id: job.endpointId,
    algorithm_id: job.algorithmId,
    algorithm_name: algorithmName,
    version,
    created_by: job.createdBy,
    created_at: job.createdAt,
    started_at: job.startedAt,
    finished_at: job.finishedAt,
    // saved with every chunk while it runs, so it is current to within a chunk
    duration_seconds: job.runningMs / 1000,
    input:
      job.kind === 'predict'
        ? { name: job.inputName ?? '', format: job.inputFormat ?? 'csv', bytes: job.inputBytes ?? 0, sha256: job.inputSha256 ?? '', uploaded: job.inputUploaded }
        : null,
    output_format: job.outputFormat,
    max_failed_fraction: job.maxFailedFraction,
    workers: job.workers,
    rows_done: rowsDone,
    rows_failed: live?.rowsFailed ?? job.rowsFailed,
    rows_skipped: job.rowsSkipped,
    rows_total: job.rowsTotal,
    progress: progressOf(job, rowsDone, offset),
    ...pace(job, live),
    failed_rows: job.failedRows,
    message: job.message,
    replay: replay ? { last: replay.last ?? null, from: replay.from ?? null, to: replay.to ?? null, requests: replay.requests } : null,
    report: (job.report as ReplayReportBody | null) ?? null,
    files: job.kind === 'predict' && finished && downloads && job.outputPath ? { ...downloads, partial: job.state === 'cancelled' } : null
  };
}

function progressOf(job: JobRow, rowsDone: number, offset: number): number {
  if (job.state === 'completed') return 1;
  if (job.kind === 'replay') return job.rowsTotal ? Math.min(1, rowsDone / job.rowsTotal) : 0;
  const span = (job.inputBytes ?? 0) - job.dataOffset;
  return span > 0 ? Math.min(1, Math.max(0, (offset - job.dataOffset) / span)) : 0;
}

/**
 * Rows per second over the last seconds of completed chunks (since the job last (re)started,
 * until two chunks are done), and the time left at that pace: by bytes for files.
 */
function pace(job: JobRow, live: LiveProgress | null): { rows_per_second: number | null; eta_seconds: number | null } {
  if (!live || job.state !== 'running') return { rows_per_second: null, eta_seconds: null };
  const first = live.recent.length >= 2 ? live.recent[0]! : { ms: live.startedMs, rows: live.rowsAtStart, offset: live.offsetAtStart };
  const last = live.recent.at(-1) ?? { ms: Date.now(), rows: live.rowsDone, offset: live.inputOffset };
  const seconds = (last.ms - first.ms) / 1000;
  const rows = last.rows - first.rows;
  if (seconds <= 0 || rows <= 0) return { rows_per_second: null, eta_seconds: null };
  const rate = rows / seconds;
  if (job.kind === 'replay') return { rows_per_second: rate, eta_seconds: job.rowsTotal === null ? null : Math.max(0, (job.rowsTotal - live.rowsDone) / rate) };
  const bytesRate = (last.offset - first.offset) / seconds;
  const left = (job.inputBytes ?? 0) - live.inputOffset;
  return { rows_per_second: rate, eta_seconds: bytesRate > 0 ? Math.max(0, left / bytesRate) : null };
}
