/** Shared bits of the benchmark suite: the shipped model, sample records, small statistics. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The shipped income random forest (what ModelDesk seeds as production). */
export const modelPath = join(repoRoot, 'models', 'income_classifier', 'random_forest.onnx');
export const endpointName = 'income_classifier';

const sample = JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'income_rf', 'sample.json'), 'utf8')) as {
  records: Record<string, unknown>[];
};

/** n records cycling through the fixture's 50 real census records. */
export function benchRecords(n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => sample.records[i % sample.records.length]!);
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/**
 * A fixture record as the classic tutorial's clients send it: hyphenated keys such as
 * `education-num` (ModelDesk maps them to the model's `education_num` inputs).
 */
export function classicRecord(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k.replace(/_/g, '-'), v]));
}
