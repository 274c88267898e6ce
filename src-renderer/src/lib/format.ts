const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export const formatDateTime = (iso: string): string => dateTime.format(new Date(iso));

const logTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
/** "Nov 23, 06:53:12": compact, with seconds, for logs */
export const formatLogTime = (iso: string): string => logTime.format(new Date(iso));

/** Long numbers from a response, shortened for a table cell */
export const shortValue = (text: string): string => (/^-?\d+\.\d{5,}$/.test(text) ? Number(text).toPrecision(6) : text);
export const formatTime = (iso: string): string => timeOnly.format(new Date(iso));

export function formatRelative(iso: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 60) return relative.format(seconds, 'second');
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return relative.format(Math.round(seconds / 3600), 'hour');
  return relative.format(Math.round(seconds / 86400), 'day');
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export const formatMs = (ms: number): string => (ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`);
export const formatUs = (us: number | null | undefined): string => (us == null ? '—' : formatMs(us / 1000));

export const formatPercent = (p: number | null | undefined, digits = 1): string =>
  p == null ? '—' : `${(p * 100).toFixed(digits)}%`;

export function formatNumber(value: number | null | undefined, digits = 3): string {
  if (value == null) return '—';
  return Number.isInteger(value) ? String(value) : value.toFixed(digits);
}

/** "float32 [?, 4]" */
export function formatShape(shape: (number | string | null)[] | null): string {
  if (shape === null) return '—';
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

export const prettyJson = (text: string): string => {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
};

export const algorithmLabel = (a: { name: string; version: string }): string => `${a.name} v${a.version}`;
