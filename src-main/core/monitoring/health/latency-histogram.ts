/**
 * Latency histograms that merge by addition: fixed logarithmic buckets, four per doubling
 * (bucket k holds [2^(k/4), 2^((k+1)/4)) microseconds; bucket 0 also everything below 1 µs).
 * A percentile read back from the buckets is the geometric middle of its bucket, so it is within
 * ±9% of the exact value however many minutes or hours are merged: the figure a chart needs,
 * for 4 bytes per bucket instead of every latency. Stored as little-endian uint32, up to the last
 * used bucket (a typical minute of a fast model uses a dozen).
 */

export const BUCKETS_PER_DOUBLING = 4;
/** 2^(120/4) µs ≈ 18 minutes: the last bucket holds everything slower */
export const BUCKET_COUNT = 121;

export function latencyBucket(us: number): number {
  if (!(us >= 1)) return 0;
  return Math.min(BUCKET_COUNT - 1, Math.floor(Math.log2(us) * BUCKETS_PER_DOUBLING));
}

/** The value a percentile falling in bucket k is reported as: the geometric middle of the bucket. */
export function bucketValue(k: number): number {
  return 2 ** ((k + 0.5) / BUCKETS_PER_DOUBLING);
}

export type Histogram = number[];

export function addLatency(histogram: Histogram, us: number, count = 1): void {
  const k = latencyBucket(us);
  while (histogram.length <= k) histogram.push(0);
  histogram[k]! += count;
}

export function mergeHistogram(into: Histogram, other: readonly number[]): void {
  while (into.length < other.length) into.push(0);
  for (let k = 0; k < other.length; k++) into[k]! += other[k]!;
}

/** The q-quantile (0 < q ≤ 1) by the nearest-rank rule, as the bucket's middle; null when empty. */
export function histogramQuantile(histogram: readonly number[], q: number): number | null {
  let total = 0;
  for (const n of histogram) total += n;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let k = 0; k < histogram.length; k++) {
    seen += histogram[k]!;
    if (seen >= rank) return bucketValue(k);
  }
  return bucketValue(histogram.length - 1);
}

export function encodeHistogram(histogram: readonly number[]): Buffer {
  let end = histogram.length;
  while (end > 0 && histogram[end - 1] === 0) end--;
  const buffer = Buffer.alloc(end * 4);
  for (let k = 0; k < end; k++) buffer.writeUInt32LE(Math.min(histogram[k]!, 0xffffffff), k * 4);
  return buffer;
}

/** Adds a stored histogram (a BLOB, possibly null) into `into`. */
export function addEncoded(into: Histogram, blob: Uint8Array | null): void {
  if (!blob || blob.byteLength === 0) return;
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const n = blob.byteLength >> 2;
  while (into.length < n) into.push(0);
  for (let k = 0; k < n; k++) into[k]! += view.getUint32(k * 4, true);
}
