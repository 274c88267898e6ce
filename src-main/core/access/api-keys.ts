import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../../db/open.ts';
import { apiKeys } from '../../../db/schema.ts';
import { keyNamePattern, keyScopeValues, ownerCredentialName, type KeyScope } from '../../contract/access.ts';
import { nowIso } from '../clock.ts';
import { conflict, invalidInput, notFound, requireOneOf } from '../errors.ts';
import type { CoreEvents } from '../events.ts';
import type { WriteGate } from '../storage/write-gate.ts';
import { hashOf, isWellFormedSecret, newSecret, prefixOf, sameHash } from './key-secret.ts';
import { RateLimiter } from './rate-limiter.ts';

export type ApiKeyRecord = typeof apiKeys.$inferSelect;
export type KeyState = 'active' | 'expired' | 'revoked';

export interface CreateKeyInput {
  name: string;
  scope: KeyScope;
  /** predict keys: the endpoints they may call; absent or null = all */
  endpoints?: string[] | null;
  expiresAt?: string | null;
  /** requests per second */
  rateLimit?: number | null;
  /** the credential creating it (audit, and the key's record) */
  createdBy: string;
}

/** Why a presented key is refused (all are 401s): the server words each. */
export type KeyRefusal = 'malformed' | 'unknown' | 'revoked' | 'expired';
export type KeyCheck = { ok: true; key: ApiKeyRecord } | { ok: false; refusal: KeyRefusal };

/** names the audit log gives to other actors: a key may not pass for one of them */
const reservedNames = new Set([ownerCredentialName, 'cli', 'system', 'anonymous']);
/** last use is written at most this often per key (and whenever the address changes) */
const lastUseWriteMs = 1000;

/**
 * API keys (issue 17 §2): created with their secret shown once, listed without it, revoked.
 * Only a SHA-256 of each secret is stored. `check` runs on every request that presents a key
 * and reads the key's row each time, so a revocation or an expiry (also one made by the CLI
 * from another process) refuses the very next request, keep-alive connections included.
 */
export class ApiKeys {
  private readonly byPrefix;
  private readonly limiter = new RateLimiter();
  /** latest use per key; written through to the row at most once a second */
  private readonly lastUse = new Map<number, { at: string; address: string | null; writtenAt: number }>();

  constructor(
    private readonly db: Db,
    private readonly writes: WriteGate,
    private readonly events: CoreEvents,
    private readonly endpointExists: (name: string) => boolean,
    /** a last-use write failed (the request it recorded is not refused for it) */
    private readonly useNotWritten: (err: unknown) => void
  ) {
    this.byPrefix = db.select().from(apiKeys).where(eq(apiKeys.prefix, sql.placeholder('prefix'))).prepare();
  }

  /** A new key and its secret, which is not kept: the caller shows it once. */
  async create(input: CreateKeyInput): Promise<{ key: ApiKeyRecord; secret: string }> {
    const fields = this.checked(input);
    const { secret, prefix, hash } = newSecret();
    const key = await this.writes.transaction(`the API key "${fields.name}"`, (tx) => {
      const active = tx.select({ id: apiKeys.id }).from(apiKeys).where(and(eq(apiKeys.name, fields.name), isNull(apiKeys.revokedAt))).get();
      if (active) throw conflict(`a key named "${fields.name}" exists; revoke it or choose another name`, 'name');
      return tx
        .insert(apiKeys)
        .values({ ...fields, prefix, secretHash: hash, createdAt: nowIso() })
        .returning()
        .get();
    });
    this.events.emit('key.created', { key });
    return { key, secret };
  }

  list(): ApiKeyRecord[] {
    return this.db.select().from(apiKeys).orderBy(asc(apiKeys.id)).all().map((row) => this.withLastUse(row));
  }

  get(id: number): ApiKeyRecord {
    const row = this.db.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
    if (!row) throw notFound(`API key ${id} not found`);
    return this.withLastUse(row);
  }

  /** Revokes a key from its next request on; revoking a revoked key changes nothing. */
  async revoke(id: number): Promise<ApiKeyRecord> {
    const current = this.get(id);
    if (current.revokedAt !== null) return current;
    const key = await this.writes.transaction(`revoking API key ${id}`, (tx) =>
      tx
        .update(apiKeys)
        .set({ revokedAt: nowIso() })
        .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
        .returning()
        .get()
    );
    // revoked meanwhile by another process (the CLI): nothing changed here
    if (!key) return this.get(id);
    this.limiter.forget(id);
    this.events.emit('key.revoked', { key });
    return this.withLastUse(key);
  }

  /**
   * The key a secret belongs to, if it may be used now. A malformed secret (wrong shape or
   * checksum) is refused before the database is asked; the stored hash is compared in constant
   * time. Records the use (time, address; `key.used` for metrics).
   */
  check(secret: string, address: string | null): KeyCheck {
    if (!isWellFormedSecret(secret)) return { ok: false, refusal: 'malformed' };
    const row = this.byPrefix.get({ prefix: prefixOf(secret) });
    if (!row || !sameHash(row.secretHash, hashOf(secret))) return { ok: false, refusal: 'unknown' };
    const state = keyState(row, new Date());
    if (state !== 'active') return { ok: false, refusal: state };
    this.recordUse(row, address);
    this.events.emit('key.used', { key: row });
    return { ok: true, key: row };
  }

  /** 0 when the key may make a request now, else the seconds until it may (its rate limit) */
  throttle(key: ApiKeyRecord): number {
    return key.rateLimit === null ? 0 : this.limiter.take(key.id, key.rateLimit);
  }

  /** writes the latest uses (at close) */
  async flush(): Promise<void> {
    const uses = [...this.lastUse];
    if (uses.length === 0) return;
    await this.writes
      .transaction('the last use of API keys', (tx) => {
        for (const [id, use] of uses) tx.update(apiKeys).set({ lastUsedAt: use.at, lastUsedAddress: use.address }).where(eq(apiKeys.id, id)).run();
      })
      .catch(this.useNotWritten);
  }

  private checked(input: CreateKeyInput): Omit<typeof apiKeys.$inferInsert, 'prefix' | 'secretHash' | 'createdAt'> {
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (!new RegExp(keyNamePattern).test(name)) {
      throw invalidInput('name must be 1 to 64 letters, digits, spaces or . _ @ -, starting with a letter or digit', 'name');
    }
    if (reservedNames.has(name.toLowerCase())) throw invalidInput(`name "${name}" is reserved for the audit log`, 'name');
    const scope = requireOneOf(keyScopeValues, input.scope, 'scope');
    const endpoints = input.endpoints ?? null;
    if (endpoints !== null) {
      if (scope !== 'predict') throw invalidInput('endpoints limit a predict key; read and admin keys reach every endpoint', 'endpoints');
      if (endpoints.length === 0) throw invalidInput('endpoints must name at least one endpoint (leave it out for all)', 'endpoints');
      const missing = endpoints.filter((name) => !this.endpointExists(name));
      if (missing.length) throw invalidInput(`no endpoint named ${missing.map((n) => `"${n}"`).join(', ')}`, 'endpoints');
    }
    const expiresAt = input.expiresAt ?? null;
    if (expiresAt !== null) {
      const when = new Date(expiresAt);
      if (Number.isNaN(when.getTime())) throw invalidInput('expires_at must be a date and time (ISO 8601)', 'expires_at');
      if (when.getTime() <= Date.now()) throw invalidInput('expires_at must be in the future', 'expires_at');
    }
    const rateLimit = input.rateLimit ?? null;
    if (rateLimit !== null && !(Number.isFinite(rateLimit) && rateLimit > 0)) {
      throw invalidInput('rate_limit must be a number of requests per second above 0', 'rate_limit');
    }
    return {
      name,
      scope,
      endpoints: endpoints === null ? null : [...new Set(endpoints)],
      expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
      rateLimit,
      createdBy: input.createdBy
    };
  }

  private recordUse(row: ApiKeyRecord, address: string | null): void {
    const now = Date.now();
    const previous = this.lastUse.get(row.id);
    const write = !previous || now - previous.writtenAt >= lastUseWriteMs || previous.address !== address;
    const at = new Date(now).toISOString();
    if (write) {
      // through the write gate like every write (busy: tried again without blocking this request)
      this.writes
        .transaction(`the last use of API key ${row.id}`, (tx) =>
          tx.update(apiKeys).set({ lastUsedAt: at, lastUsedAddress: address }).where(eq(apiKeys.id, row.id)).run()
        )
        .catch(this.useNotWritten);
    }
    this.lastUse.set(row.id, { at, address, writtenAt: write ? now : previous!.writtenAt });
  }

  private withLastUse(row: ApiKeyRecord): ApiKeyRecord {
    const use = this.lastUse.get(row.id);
    if (!use || (row.lastUsedAt !== null && row.lastUsedAt >= use.at)) return row;
    return { ...row, lastUsedAt: use.at, lastUsedAddress: use.address };
  }
}

/** revoked wins over expired: it was a decision */
export function keyState(key: Pick<ApiKeyRecord, 'revokedAt' | 'expiresAt'>, now: Date): KeyState {
  if (key.revokedAt !== null) return 'revoked';
  if (key.expiresAt !== null && new Date(key.expiresAt).getTime() <= now.getTime()) return 'expired';
  return 'active';
}
