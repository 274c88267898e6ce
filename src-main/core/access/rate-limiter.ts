/**
 * Per-key request rate limits (issue 17 §2): a token bucket per key, refilled at `rate` tokens a
 * second and holding at most one second's worth (at least one token), so a key may burst to
 * its rate and never above it. In memory: a limit protects this server now, not across restarts.
 */
export class RateLimiter {
  private readonly buckets = new Map<number, { tokens: number; at: number }>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /**
   * Takes one request from `key`'s bucket: 0 when allowed, else the seconds until one would
   * be (what Retry-After says).
   */
  take(key: number, rate: number): number {
    const capacity = Math.max(1, rate);
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return (1 - bucket.tokens) / rate;
  }

  /** a revoked key's bucket is dropped */
  forget(key: number): void {
    this.buckets.delete(key);
  }
}
