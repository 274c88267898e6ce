import type { JobState } from '../../../src-main/contract/jobs.ts';
import type { JobView } from '../api/jobs.ts';

export const jobStateColor: Record<JobState, string> = {
  queued: 'gray',
  running: 'blue',
  completed: 'teal',
  failed: 'red',
  cancelled: 'orange'
};

export const jobStateLabel: Record<JobState, string> = {
  queued: 'Queued',
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled'
};

const count = new Intl.NumberFormat('en-US');
export const formatCount = (n: number | null | undefined): string => (n == null ? '—' : count.format(Math.round(n)));

/** "1 h 4 min", "3 min 12 s", "8 s" */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** What the job reads: its file, or the requests it replays. */
export function jobInputLabel(job: JobView): string {
  if (job.input) return job.input.name;
  if (!job.replay) return '—';
  if (job.replay.last !== null) return `last ${formatCount(job.replay.last)} requests`;
  return `${formatCount(job.replay.requests)} requests logged ${job.replay.from ?? '…'} to ${job.replay.to ?? 'now'}`;
}

export const isActive = (job: JobView): boolean => job.state === 'queued' || job.state === 'running';
