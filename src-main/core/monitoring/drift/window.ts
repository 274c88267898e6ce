import { binCount, binIndex, missingBin, numericBinIndex, parseNumeric } from './binning.ts';
import type { FeatureProfile, ReferenceProfile } from './profile-schema.ts';

/**
 * The current window as an aggregate over the reference's frozen bins. The request-log side keeps
 * one BinCounts per (algorithm version, profile, column, hour), adds rows as they are logged
 * (addValue) and sums hours into any window (mergeCounts), so a drift report never re-reads
 * logged rows. Every field merges by addition or min/max, so the sum of hourly aggregates is
 * exactly the aggregate of the window.
 *
 * An aggregate is only meaningful with the profile whose bins it counts: key stored aggregates by
 * the profile (re-baselining starts new counts, or re-bins the log).
 */
export interface BinCounts {
  /** one count per bin, in the profile's layout (see profile-schema.ts) */
  counts: number[];
  /** numeric features: over the non-missing values; null / 0 when none (and for categorical features) */
  min: number | null;
  max: number | null;
  sum: number;
  /** Σx², for the window's standard deviation (fine for values below ~1e7 at 1e6 rows) */
  sumSquares: number;
}

/** A window over every column of a profile, keyed by column name. */
export interface WindowCounts {
  features: Record<string, BinCounts>;
  predictions: Record<string, BinCounts>;
}

export function emptyCounts(feature: FeatureProfile): BinCounts {
  return { counts: new Array<number>(binCount(feature)).fill(0), min: null, max: null, sum: 0, sumSquares: 0 };
}

/** Counts one value into `into` (mutates it; the hot path of the aggregator). */
export function addValue(feature: FeatureProfile, into: BinCounts, value: unknown): void {
  if (feature.kind !== 'numeric') {
    const index = binIndex(feature, value);
    into.counts[index] = (into.counts[index] ?? 0) + 1;
    return;
  }
  // binIndex's numeric branch, inlined so the value is parsed once
  const x = parseNumeric(value);
  const index = x === null || x === 'invalid' ? missingBin(feature) : numericBinIndex(feature.edges, x);
  into.counts[index] = (into.counts[index] ?? 0) + 1;
  if (x === null || x === 'invalid') return;
  into.sum += x;
  into.sumSquares += x * x;
  into.min = into.min === null || x < into.min ? x : into.min;
  into.max = into.max === null || x > into.max ? x : into.max;
}

/** a + b as a new aggregate. Throws when the layouts differ: they were counted against different bins. */
export function mergeCounts(a: BinCounts, b: BinCounts): BinCounts {
  if (a.counts.length !== b.counts.length) {
    throw new RangeError(`cannot merge counts of ${a.counts.length} and ${b.counts.length} bins: they come from different profiles`);
  }
  return {
    counts: a.counts.map((n, i) => n + (b.counts[i] as number)),
    min: a.min === null ? b.min : b.min === null ? a.min : Math.min(a.min, b.min),
    max: a.max === null ? b.max : b.max === null ? a.max : Math.max(a.max, b.max),
    sum: a.sum + b.sum,
    sumSquares: a.sumSquares + b.sumSquares
  };
}

export function emptyWindow(profile: ReferenceProfile): WindowCounts {
  const empty = (list: FeatureProfile[]) => Object.fromEntries(list.map((f) => [f.name, emptyCounts(f)]));
  return { features: empty(profile.features), predictions: empty(profile.predictions) };
}

/** Counts one logged row (input record and, when profiled, its response) into `into`. */
export function addRow(
  profile: ReferenceProfile,
  into: WindowCounts,
  record: Readonly<Record<string, unknown>>,
  prediction: Readonly<Record<string, unknown>> = {}
): void {
  for (const f of profile.features) addValue(f, (into.features[f.name] ??= emptyCounts(f)), record[f.name]);
  for (const f of profile.predictions) addValue(f, (into.predictions[f.name] ??= emptyCounts(f)), prediction[f.name]);
}

/** Sum of windows (hours into a day, days into a month). A column absent from one side is taken as is. */
export function mergeWindows(...windows: WindowCounts[]): WindowCounts {
  const merge = (side: 'features' | 'predictions') => {
    const out: Record<string, BinCounts> = {};
    for (const w of windows) {
      for (const [name, c] of Object.entries(w[side])) out[name] = out[name] ? mergeCounts(out[name], c) : copyCounts(c);
    }
    return out;
  };
  return { features: merge('features'), predictions: merge('predictions') };
}

function copyCounts(c: BinCounts): BinCounts {
  return { ...c, counts: [...c.counts] };
}

/** Aggregates a whole list of rows at once (tests, files, re-binning a log range). */
export function countWindow(
  profile: ReferenceProfile,
  records: Iterable<Readonly<Record<string, unknown>>>,
  predictions?: Iterable<Readonly<Record<string, unknown>>>
): WindowCounts {
  const window = emptyWindow(profile);
  const outputs = predictions?.[Symbol.iterator]();
  for (const record of records) addRow(profile, window, record, outputs?.next().value ?? {});
  return window;
}

/** Rows in an aggregate (missing values included). */
export function totalCount(c: Pick<BinCounts, 'counts'>): number {
  let n = 0;
  for (const x of c.counts) n += x;
  return n;
}
