import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { keySecretPattern } from '../../contract/access.ts';
import { hashOf, isWellFormedSecret, newSecret, prefixOf, sameHash } from './key-secret.ts';
import { RateLimiter } from './rate-limiter.ts';

const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

describe('API key secrets', () => {
  it('are mdk_ + 32 random base62 characters + a CRC-32 checksum anyone can verify offline', () => {
    const { secret, prefix, hash } = newSecret();
    expect(secret).toMatch(new RegExp(keySecretPattern));
    // the checksum, recomputed from its definition: CRC-32 of the random part, base62, 6 digits
    let n = crc32(secret.slice(4, 36));
    let checksum = '';
    for (let i = 0; i < 6; i++, n = Math.floor(n / 62)) checksum = base62[n % 62] + checksum;
    expect(secret.slice(36)).toBe(checksum);
    expect(prefix).toBe(secret.slice(0, 12));
    expect(prefixOf(secret)).toBe(prefix);
    expect(hash).toBe(hashOf(secret));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('are told apart from typos and look-alikes by their checksum', () => {
    const { secret } = newSecret();
    expect(isWellFormedSecret(secret)).toBe(true);
    const flipped = secret.slice(0, 20) + (secret[20] === 'a' ? 'b' : 'a') + secret.slice(21);
    expect(isWellFormedSecret(flipped)).toBe(false);
    expect(isWellFormedSecret(secret.slice(0, -1))).toBe(false);
    expect(isWellFormedSecret(`xdk_${secret.slice(4)}`)).toBe(false);
    expect(isWellFormedSecret(secret.replace(/.$/, '-'))).toBe(false);
  });

  it('are unique, and their hashes compare only when equal', () => {
    const secrets = new Set(Array.from({ length: 1000 }, () => newSecret().secret));
    expect(secrets.size).toBe(1000);
    const a = newSecret();
    expect(sameHash(a.hash, hashOf(a.secret))).toBe(true);
    expect(sameHash(a.hash, newSecret().hash)).toBe(false);
    expect(sameHash(a.hash, 'abc')).toBe(false);
  });
});

describe('the per-key rate limiter', () => {
  it('lets a key burst to its rate, then says how long to wait, and refills with time', () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    expect([1, 2, 3].map(() => limiter.take(1, 3))).toEqual([0, 0, 0]);
    expect(limiter.take(1, 3)).toBeCloseTo(1 / 3);
    // another key has its own bucket
    expect(limiter.take(2, 3)).toBe(0);
    now += 1000 / 3;
    expect(limiter.take(1, 3)).toBe(0);
    expect(limiter.take(1, 3)).toBeGreaterThan(0);
  });

  it('holds at least one request for rates under one a second', () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    expect(limiter.take(1, 0.5)).toBe(0);
    expect(limiter.take(1, 0.5)).toBeCloseTo(2);
    now += 2000;
    expect(limiter.take(1, 0.5)).toBe(0);
    limiter.forget(1);
    expect(limiter.take(1, 0.5)).toBe(0);
  });
});
