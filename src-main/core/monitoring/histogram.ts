import type { HistogramBody } from '../../contract/monitoring.ts';
import { invalidInput } from '../errors.ts';
import {
  binLabels,
  coarseGroups,
  groupCounts,
  innerBinCount,
  isSingleValueBin,
  type FeatureProfile,
  type NumericFeatureProfile,
  type ReferenceProfile,
  type WindowCounts
} from './drift/index.ts';

/**
 * One column's reference and current distributions side by side, as shares, for the overlay
 * chart. Categories, and numeric columns whose bins each hold one value (age, education-num),
 * show every bin; continuous columns show the coarse groups the statistics compare (about 10% of
 * the reference each), so a shift reads as bars leaving the flat reference. Under-, overflow,
 * unseen and missing bins appear only when either side has some.
 */
export function histogramBody(profile: ReferenceProfile, window: WindowCounts, column: string): HistogramBody {
  const feature = profile.features.find((f) => f.name === column);
  const output = profile.predictions.find((f) => f.name === column);
  const found = feature ?? output;
  if (!found) {
    const names = [...profile.features, ...profile.predictions].map((f) => f.name).join(', ');
    throw invalidInput(`column "${column}" is not in the reference profile (${names})`, 'column');
  }
  const role = feature ? 'feature' : 'prediction';
  const current: readonly number[] = (feature ? window.features : window.predictions)[column]?.counts ?? new Array<number>(found.counts.length).fill(0);
  const { labels, reference, counts, binning } = layout(found, current, profile.coarse_bins);
  const sum = (list: readonly number[]) => list.reduce((a, n) => a + n, 0);
  const referenceTotal = sum(reference);
  const currentTotal = sum(counts);
  const share = (n: number, total: number) => (total > 0 ? n / total : 0);
  const bins = labels
    .map((label, i) => ({
      label,
      reference: share(reference[i]!, referenceTotal),
      current: share(counts[i]!, currentTotal),
      reference_count: reference[i]!,
      current_count: counts[i]!
    }))
    .filter((b, i) => !isEdgeBin(found, labels.length, i) || b.reference_count > 0 || b.current_count > 0);
  return { column, role, kind: found.kind, binning, bins, reference_total: referenceTotal, current_total: currentTotal };
}

function layout(f: FeatureProfile, current: readonly number[], coarseBins: number) {
  if (f.kind === 'categorical' || isDiscrete(f)) return { labels: binLabels(f), reference: f.counts, counts: current, binning: 'fine' as const };
  const groups = coarseGroups(f, coarseBins);
  return { labels: groupLabels(f, groups.groupOf, groups.size), reference: groupCounts(f.counts, groups), counts: groupCounts(current, groups), binning: 'coarse' as const };
}

const isDiscrete = (f: NumericFeatureProfile) => Array.from({ length: innerBinCount(f) }, (_, j) => isSingleValueBin(f, j)).every(Boolean);

/** Under-, overflow, unseen and missing: shown only when used. */
function isEdgeBin(f: FeatureProfile, size: number, i: number): boolean {
  if (f.kind === 'categorical') return i >= size - 3;
  return i === 0 || i >= size - 2;
}

function groupLabels(f: NumericFeatureProfile, groupOf: readonly number[], size: number): string[] {
  const fine = binLabels(f);
  const fmt = (x: number) => String(Number(x.toPrecision(4)));
  const labels: string[] = [];
  for (let g = 0; g < size; g++) {
    const members = groupOf.flatMap((group, i) => (group === g ? [i] : []));
    const inner = members.filter((i) => i >= 1 && i <= innerBinCount(f));
    if (inner.length === 0) {
      labels.push(fine[members[0]!]!);
      continue;
    }
    const lo = f.edges[inner[0]! - 1]!;
    const last = inner[inner.length - 1]!;
    const hi = f.edges[last]!;
    labels.push(inner.length === 1 && isSingleValueBin(f, last - 1) ? fmt(lo) : `${fmt(lo)}–${fmt(hi)}`);
  }
  return labels;
}
