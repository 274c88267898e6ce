import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ownerCredentialName, type KeyScope } from '../../contract/access.ts';
import type { ApiKeyRecord, Core } from '../../core/index.ts';
import type { KeyRefusal } from '../../core/access/api-keys.ts';
import { looksLikeKey } from '../../core/access/key-secret.ts';

/** Who a request is: the owner (the admin token) or an API key. */
export interface Credential {
  /** the audit log's actor: `owner`, or the key's name */
  name: string;
  scope: KeyScope;
  /** the key's id; null for the owner */
  keyId: number | null;
  /** a predict key's endpoints; null = all */
  endpoints: string[] | null;
  key: ApiKeyRecord | null;
}

/** What a request presented: nothing, a credential, or one that is refused (401) and why. */
export type Presented = { kind: 'none' } | { kind: 'credential'; credential: Credential } | { kind: 'refused'; message: string };

const refusalMessages: Record<KeyRefusal | 'wrong', string> = {
  malformed: 'this is not a ModelDesk API key: its checksum does not match (was it copied whole?)',
  unknown: 'unknown API key',
  revoked: 'this API key has been revoked',
  expired: 'this API key has expired',
  wrong: 'wrong admin token or API key'
};

/**
 * Reads `Authorization: Bearer <admin token | API key>`. The admin token is compared as SHA-256
 * digests with timingSafeEqual, so the time taken says nothing of the token, its length
 * included; an API key is checked by the core (its stored hash, compared the same way).
 */
export class CredentialReader {
  private readonly ownerDigest: Buffer;

  constructor(
    adminToken: string,
    private readonly core: Pick<Core, 'keys'>
  ) {
    this.ownerDigest = digest(adminToken);
  }

  read(request: FastifyRequest): Presented {
    return this.check(request.headers.authorization, request.ip);
  }

  /** An `Authorization` value (HTTP header, gRPC metadata) from a client at `address`. */
  check(header: string | undefined, address: string | null): Presented {
    if (header === undefined || header === '') return { kind: 'none' };
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) return { kind: 'refused', message: 'send the credential as "Authorization: Bearer <API key or admin token>"' };
    const given = match[1]!;
    if (timingSafeEqual(digest(given), this.ownerDigest)) {
      return { kind: 'credential', credential: { name: ownerCredentialName, scope: 'admin', keyId: null, endpoints: null, key: null } };
    }
    if (!looksLikeKey(given)) return { kind: 'refused', message: refusalMessages.wrong };
    const checked = this.core.keys.check(given, address);
    if (!checked.ok) return { kind: 'refused', message: refusalMessages[checked.refusal] };
    const key = checked.key;
    return { kind: 'credential', credential: { name: key.name, scope: key.scope, keyId: key.id, endpoints: key.endpoints, key } };
  }
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
