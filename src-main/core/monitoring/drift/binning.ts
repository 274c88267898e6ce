import type { CategoricalFeatureProfile, FeatureProfile, NumericFeatureProfile } from './profile-schema.ts';

/**
 * Bin edges from the reference and the one function that puts a value in a bin (the reference
 * builder and the request-log aggregates both call binIndex, so they can never disagree).
 */

/** null = a missing value; 'invalid' = present but not a value of this kind. */
export type Parsed<T> = T | null | 'invalid';

/** Missing: null, undefined, NaN, or a string of only blanks (CSV's empty field). */
export function isMissing(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    (typeof value === 'number' && Number.isNaN(value)) ||
    (typeof value === 'string' && value.trim() === '')
  );
}

/** A finite number, or a string holding one ("37", as the predict API accepts). */
export function parseNumeric(value: unknown): Parsed<number> {
  if (isMissing(value)) return null;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
  return Number.isFinite(n) ? n : 'invalid';
}

/** Categories are strings; numbers and booleans become their text, so 1 and "1" are one category. */
export function parseCategory(value: unknown): Parsed<string> {
  if (isMissing(value)) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return 'invalid';
}

export interface NumericBins {
  /** see profile-schema.ts: lower bound of each inner bin, then the maximum */
  edges: number[];
  /** mean of the values in each inner bin (exactly the lower edge for a single-value bin) */
  means: number[];
}

/**
 * Equal-frequency bins over sorted values, aware of ties (the probatus#112 failure: quantile
 * edges that coincide on discrete data silently merge bins, or split one value across two).
 * - At most `bins` distinct values: one bin per value (exact, like a categorical histogram).
 * - Otherwise greedy: each bin takes its share of the values still to place; a bin never splits
 *   a run of equal values, and a run at least one share long gets a bin of its own instead of
 *   being glued to its neighbours (capital-gain's 92% zeros; hours-per-week's 47% at 40).
 *   Ties can leave fewer than `bins` bins; never more.
 */
export function equalFrequencyBins(sorted: ArrayLike<number>, bins: number): NumericBins {
  const n = sorted.length;
  if (n === 0) return { edges: [], means: [] };
  const at = (i: number): number => sorted[i] as number;
  const lowers: number[] = [];
  const means: number[] = [];
  const distinct = countDistinct(sorted);
  let i = 0;
  let remaining = bins;
  while (i < n) {
    let j: number;
    if (distinct <= bins) j = lastOfRun(sorted, i);
    else if (remaining <= 1) j = n - 1;
    else {
      const share = (n - i) / remaining;
      j = Math.min(n - 1, i + Math.max(1, Math.round(share)) - 1);
      if (j + 1 < n && at(j + 1) === at(j)) {
        const runStart = firstOfRun(sorted, j);
        const runEnd = lastOfRun(sorted, j);
        // A heavy run starting inside this bin: close the bin before it so the run stands alone.
        j = runStart > i && runEnd - runStart + 1 >= share ? runStart - 1 : runEnd;
      }
    }
    lowers.push(at(i));
    means.push(binMean(sorted, i, j));
    i = j + 1;
    remaining -= 1;
  }
  return { edges: [...lowers, at(n - 1)], means };
}

/** Mean of sorted[i..j], exactly sorted[i] when they are all equal, never outside [sorted[i], sorted[j]]. */
function binMean(sorted: ArrayLike<number>, i: number, j: number): number {
  const lo = sorted[i] as number;
  const hi = sorted[j] as number;
  if (lo === hi) return lo;
  let total = 0;
  for (let k = i; k <= j; k++) total += (sorted[k] as number) - lo;
  return Math.min(hi, lo + total / (j - i + 1));
}

/** A bin whose reference values were all one number. */
export function isSingleValueBin(feature: Pick<NumericFeatureProfile, 'edges' | 'bin_means'>, j: number): boolean {
  return feature.bin_means[j] === feature.edges[j];
}

function countDistinct(sorted: ArrayLike<number>): number {
  let distinct = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct += 1;
  return distinct;
}

function firstOfRun(sorted: ArrayLike<number>, i: number): number {
  while (i > 0 && sorted[i - 1] === sorted[i]) i -= 1;
  return i;
}

function lastOfRun(sorted: ArrayLike<number>, i: number): number {
  while (i + 1 < sorted.length && sorted[i + 1] === sorted[i]) i += 1;
  return i;
}

/** Inner bins of a numeric profile (0 when the reference had no values). */
export function innerBinCount(feature: Pick<NumericFeatureProfile, 'edges'>): number {
  return Math.max(0, feature.edges.length - 1);
}

/** Length of `counts` for this feature (see the layouts in profile-schema.ts). */
export function binCount(feature: FeatureProfile): number {
  return feature.kind === 'numeric' ? innerBinCount(feature) + 3 : feature.categories.length + 3;
}

/** Index of the missing bin: always the last. */
export function missingBin(feature: FeatureProfile): number {
  return binCount(feature) - 1;
}

/** Index of the unseen-category bin (categorical only). */
export function unseenBin(feature: CategoricalFeatureProfile): number {
  return feature.categories.length + 1;
}

const categoryIndexes = new WeakMap<CategoricalFeatureProfile, { top: Map<string, number>; other: Set<string> | null }>();

function lookup(feature: CategoricalFeatureProfile) {
  let found = categoryIndexes.get(feature);
  if (!found) {
    found = {
      top: new Map(feature.categories.map((c, i) => [c, i])),
      other: feature.other_categories ? new Set(feature.other_categories) : null
    };
    categoryIndexes.set(feature, found);
  }
  return found;
}

/**
 * The bin a value falls in. Total: it never throws, because it runs over logged traffic where one
 * odd value must not stop the aggregation; a value of the wrong kind (a word in a numeric
 * feature, an object anywhere) counts as missing. The reference builder refuses those instead.
 * Profiles are treated as immutable: category lookups are cached per profile object.
 */
export function binIndex(feature: FeatureProfile, value: unknown): number {
  if (feature.kind === 'categorical') {
    const category = parseCategory(value);
    if (category === null || category === 'invalid') return missingBin(feature);
    const { top, other } = lookup(feature);
    const index = top.get(category);
    if (index !== undefined) return index;
    const K = feature.categories.length;
    // Without the list of other values (too many to keep), a value outside the top K is "other".
    return other === null || other.has(category) ? K : K + 1;
  }
  const x = parseNumeric(value);
  if (x === null || x === 'invalid') return missingBin(feature);
  return numericBinIndex(feature.edges, x);
}

/** [underflow, inner…, overflow] index of a finite number (no missing bin here). */
export function numericBinIndex(edges: readonly number[], x: number): number {
  const m = edges.length - 1;
  // A reference without values has no inner bins: [underflow, overflow]; every value is "over".
  if (m < 1) return 1;
  if (x < (edges[0] as number)) return 0;
  if (x > (edges[m] as number)) return m + 1;
  // Largest j in [0, m−1] with edges[j] ≤ x (binary search over the lower bounds).
  let lo = 0;
  let hi = m - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((edges[mid] as number) <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

export interface CoarseGroups {
  /** for each index of `counts`, its group: [underflow, inner groups…, overflow, missing] */
  groupOf: number[];
  /** number of groups (inner groups + 3) */
  size: number;
}

const groupCache = new WeakMap<NumericFeatureProfile, Map<number, CoarseGroups>>();

/**
 * Adjacent inner bins merged into at most `groups` groups of about equal reference mass (the
 * coarse bins PSI, JS and chi-square compare). Greedy: a group closes at the bin boundary nearest
 * its share of the mass still to place, so a heavy bin (a point mass) ends up alone and a bin is
 * never split. Under-, overflow and missing stay groups of their own. Cached per profile object.
 */
export function coarseGroups(feature: NumericFeatureProfile, groups: number): CoarseGroups {
  let byCount = groupCache.get(feature);
  const cached = byCount?.get(groups);
  if (cached) return cached;
  const m = innerBinCount(feature);
  const groupOf = new Array<number>(m + 3).fill(0);
  let remainingMass = 0;
  for (let j = 1; j <= m; j++) remainingMass += feature.counts[j] as number;
  let remainingGroups = groups;
  let group = m > 0 ? 1 : 0;
  let mass = 0;
  for (let j = 1; j <= m; j++) {
    groupOf[j] = group;
    mass += feature.counts[j] as number;
    const share = remainingMass / remainingGroups;
    const next = j < m ? (feature.counts[j + 1] as number) : 0;
    if (j < m && remainingGroups > 1 && (mass >= share || mass + next / 2 > share)) {
      remainingMass -= mass;
      remainingGroups -= 1;
      mass = 0;
      group += 1;
    }
  }
  groupOf[m + 1] = group + 1;
  groupOf[m + 2] = group + 2;
  const result = { groupOf, size: group + 3 };
  if (!byCount) groupCache.set(feature, (byCount = new Map()));
  byCount.set(groups, result);
  return result;
}

/** Sums `counts` (in the feature's fine layout) into its coarse groups. */
export function groupCounts(counts: readonly number[], groups: CoarseGroups): number[] {
  const out = new Array<number>(groups.size).fill(0);
  counts.forEach((n, i) => (out[groups.groupOf[i] as number]! += n));
  return out;
}

/** Human labels for each bin, in `counts` order (for tables and histograms). */
export function binLabels(feature: FeatureProfile): string[] {
  if (feature.kind === 'categorical') return [...feature.categories, 'other', 'unseen', 'missing'];
  const { edges } = feature;
  const m = innerBinCount(feature);
  if (m === 0) return ['below', 'above', 'missing'];
  const fmt = (x: number): string => String(Number(x.toPrecision(6)));
  const inner = Array.from({ length: m }, (_, j) => {
    const lo = edges[j] as number;
    const hi = edges[j + 1] as number;
    if (isSingleValueBin(feature, j)) return fmt(lo);
    return j === m - 1 ? `[${fmt(lo)}, ${fmt(hi)}]` : `[${fmt(lo)}, ${fmt(hi)})`;
  });
  return [`< ${fmt(edges[0] as number)}`, ...inner, `> ${fmt(edges[m] as number)}`, 'missing'];
}
