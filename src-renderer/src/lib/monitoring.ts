import type { DriftVerdictValue } from '../../../src-main/contract/monitoring.ts';

/** Words and colours of the drift verdicts, one place for the table, the badges and the summary. */
export const verdictLabels: Record<DriftVerdictValue, string> = {
  not_enough_data: 'Not enough data',
  no_drift: 'No drift',
  warning: 'Warning',
  drift: 'Drift'
};

export const verdictColors: Record<DriftVerdictValue, string> = {
  not_enough_data: 'gray',
  no_drift: 'teal',
  warning: 'yellow',
  drift: 'red'
};

export const metricLabels: Record<string, string> = {
  psi: 'PSI',
  js_distance: 'Jensen–Shannon',
  wasserstein_norm: 'Wasserstein (σ)',
  missing_rate_change: 'Missing rate Δ',
  unseen_rate: 'Unseen values'
};

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const dayClock = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const day = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** An axis tick for a bucket start: the time within a day, the date beyond. */
export function tickFormatter(bucketSeconds: number): (ms: number) => string {
  if (bucketSeconds < 3600) return (ms) => clock.format(new Date(ms));
  if (bucketSeconds < 86_400 / 4) return (ms) => dayClock.format(new Date(ms));
  return (ms) => day.format(new Date(ms));
}

export const formatBucketTime = (ms: number): string => dayClock.format(new Date(ms));

export function formatRate(perSecond: number): string {
  if (perSecond === 0) return '0';
  if (perSecond < 0.1) return `${(perSecond * 60).toFixed(1)}/min`;
  return perSecond < 10 ? String(Number(perSecond.toFixed(2))) : Math.round(perSecond).toLocaleString();
}

/** "4 s", "3 min", "2.5 h", "3 d" */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400 * 2) return `${Number((seconds / 3600).toFixed(1))} h`;
  return `${Number((seconds / 86_400).toFixed(1))} d`;
}

/** A few distinct colours for stacked series (refusal reasons). */
export const seriesColors = ['var(--mantine-color-orange-6)', 'var(--mantine-color-grape-6)', 'var(--mantine-color-cyan-6)', 'var(--mantine-color-lime-7)', 'var(--mantine-color-pink-6)'];
