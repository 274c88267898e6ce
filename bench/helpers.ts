/** Shared bits of the benchmark suite: the shipped model, sample records, small statistics. */
import * as ort from 'onnxruntime-node';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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

/** Prebuilt tensors of the income models' 14 column inputs for `records` (hyphenated or underscored keys). */
export function tensorsFor(
  records: Record<string, unknown>[],
  names: readonly string[],
  inputs: { name: string; type: string }[]
): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const name of names) {
    const type = inputs.find((i) => i.name === name)!.type;
    const key = name.replace(/_/g, '-');
    const values = records.map((r) => (name in r ? r[name] : r[key]));
    feeds[name] =
      type === 'string'
        ? new ort.Tensor('string', values.map((v) => String(v ?? '')), [records.length, 1])
        : new ort.Tensor('float32', Float32Array.from(values.map((v) => Number(v))), [records.length, 1]);
  }
  return feeds;
}

/** Replaces one marked section of the file (or appends it), leaving every other section alone. */
export function replaceSection(file: string, section: string, markers: { start: string; end: string }): void {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf(markers.start);
  const end = current.indexOf(markers.end);
  const next =
    start >= 0 && end > start
      ? current.slice(0, start) + section + current.slice(end + markers.end.length)
      : current.replace(/\s*$/, '\n\n') + section + '\n';
  writeFileSync(file, next);
}
