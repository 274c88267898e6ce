import { invalidInput } from '../errors.ts';

/** Unix minutes of an ISO timestamp (the request log's created_at). */
export const minuteOf = (iso: string): number => Math.floor(Date.parse(iso) / 60_000);

const units: Record<string, number> = { m: 60, h: 3600, d: 86_400 };

/** The longest window a series or a report covers: hourly aggregates are kept for good, this bounds the work of one page. */
export const MAX_WINDOW_SECONDS = 90 * 86_400;

/** "90m", "24h", "7d" → seconds; a 400 naming `field` otherwise. */
export function parseDuration(text: string, field: string): number {
  const match = /^\s*(\d{1,6})\s*([mhd])\s*$/i.exec(text);
  const seconds = match ? Number(match[1]) * units[match[2]!.toLowerCase()]! : NaN;
  if (!(seconds >= 60)) throw invalidInput(`${field} must be a duration such as 1h, 24h, 7d or 30d (got ${JSON.stringify(text)})`, field);
  if (seconds > MAX_WINDOW_SECONDS) throw invalidInput(`${field} may cover at most 90 days`, field);
  return seconds;
}

/** Bucket sizes a series may use, smallest first. */
export const BUCKET_SECONDS = [60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86_400] as const;

/** The most points a chart gets: the bucket is the smallest that keeps a window within it. */
export const MAX_POINTS = 200;

/** 1 h → 1 min, 24 h → 15 min, 7 d → 1 h, 30 d → 6 h. */
export function bucketFor(windowSeconds: number): number {
  return BUCKET_SECONDS.find((b) => windowSeconds / b <= MAX_POINTS) ?? 86_400;
}

export interface TimeWindow {
  /** unix seconds, inclusive; aligned to the bucket */
  from: number;
  /** unix seconds, exclusive: the end of the bucket holding `now` */
  to: number;
  bucketSeconds: number;
}

/** The window ending now, its buckets aligned to the bucket size (UTC), so a page reloaded a minute later shows the same buckets. */
export function windowEndingAt(nowMs: number, windowSeconds: number, bucketSeconds = bucketFor(windowSeconds)): TimeWindow {
  const now = Math.floor(nowMs / 1000);
  const to = (Math.floor(now / bucketSeconds) + 1) * bucketSeconds;
  const buckets = Math.ceil(windowSeconds / bucketSeconds);
  return { from: to - buckets * bucketSeconds, to, bucketSeconds };
}

export const isoOf = (unixSeconds: number): string => new Date(unixSeconds * 1000).toISOString();
