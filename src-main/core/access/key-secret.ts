import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * API key secrets: `mdk_` + 32 random base62 characters + a 6-character checksum, the shape
 * GitHub gave its tokens. The prefix makes a leaked key easy to recognise (and to scan for); the
 * checksum (CRC-32 of the random part, base62, zero-padded) lets anyone tell a real key from a
 * typo or a look-alike without asking the server, and lets the server refuse garbage without
 * touching the database. 32 characters of base62 carry ~190 bits of randomness.
 */
const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const marker = 'mdk_';
const randomLength = 32;
const checksumLength = 6;
/** characters of the random part kept in clear in the database to find a key's row */
const lookupLength = 8;

export interface NewSecret {
  /** the whole secret, shown once */
  secret: string;
  /** `mdk_` + the first characters: stored and shown to recognise the key */
  prefix: string;
  /** SHA-256 of the secret, hex: all that is stored of it */
  hash: string;
}

export function newSecret(): NewSecret {
  let random = '';
  for (let i = 0; i < randomLength; i++) random += alphabet[randomInt(alphabet.length)];
  const secret = `${marker}${random}${checksumOf(random)}`;
  return { secret, prefix: prefixOf(secret), hash: hashOf(secret) };
}

/** true when `text` has the shape of a key and its checksum agrees: no server needed */
export function isWellFormedSecret(text: string): boolean {
  if (text.length !== marker.length + randomLength + checksumLength || !text.startsWith(marker)) return false;
  const body = text.slice(marker.length);
  for (const c of body) if (!alphabet.includes(c)) return false;
  return body.slice(randomLength) === checksumOf(body.slice(0, randomLength));
}

/** true when `text` is meant as a key (it starts with the marker), well-formed or not */
export const looksLikeKey = (text: string): boolean => text.startsWith(marker);

export const prefixOf = (secret: string): string => secret.slice(0, marker.length + lookupLength);

export const hashOf = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** compares two hex SHA-256 digests in constant time */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === 32 && y.length === 32 && timingSafeEqual(x, y);
}

function checksumOf(random: string): string {
  let n = crc32(random);
  let out = '';
  for (let i = 0; i < checksumLength; i++) {
    out = alphabet[n % alphabet.length] + out;
    n = Math.floor(n / alphabet.length);
  }
  return out;
}
