import { scopeAllows, type AccessMode } from '../../contract/access.ts';
import type { Core } from '../../core/index.ts';
import type { Credential, Presented } from './credentials.ts';
import type { RouteRule } from './route-table.ts';

/**
 * What a call may do, decided from its route's rule (access/route-table.ts), the protection mode
 * and the credential it presented: the one decision the HTTP hook (security.ts) and the gRPC
 * server (grpc/oip-grpc.ts) both apply, each answering a refusal in its own protocol.
 */
export type Decision =
  | { allowed: true; credential: Credential | null }
  | {
      allowed: false;
      status: 401 | 403 | 429;
      message: string;
      /** RFC 6750 §3.1 WWW-Authenticate: none sent, a wrong one, or one without the scope */
      challenge: 'Bearer' | 'Bearer error="invalid_token"' | 'Bearer error="insufficient_scope"' | null;
      /** seconds, for Retry-After (a key over its rate limit) */
      retryAfter?: number;
    };

export interface CallFacts {
  rule: RouteRule;
  mode: AccessMode;
  presented: Presented;
  /** the endpoint the call concerns, asked only for a predict key limited to some endpoints */
  endpoint: () => string | undefined;
  /** whether a one-time download ticket opens the call (rules with `ticket` only) */
  ticketOpens?: () => boolean;
}

/** Public rules are not asked here: their callers let them through before reading a credential. */
export function authorize(core: Core, call: CallFacts): Decision {
  const { rule, mode, presented } = call;
  if (presented.kind === 'refused') return { allowed: false, status: 401, message: presented.message, challenge: 'Bearer error="invalid_token"' };
  if (presented.kind === 'none') {
    if (rule.class === 'public' || (rule.class === 'open' && mode === 'loopback')) return { allowed: true, credential: null };
    if (rule.ticket && call.ticketOpens?.()) return { allowed: true, credential: null };
    return { allowed: false, status: 401, message: credentialNeeded(mode), challenge: 'Bearer' };
  }

  const credential = presented.credential;
  if (!scopeAllows(credential.scope, rule.scope)) {
    return {
      allowed: false,
      status: 403,
      message: `${describe(credential)} may not do this: it needs the ${rule.scope} scope (or admin)`,
      challenge: 'Bearer error="insufficient_scope"'
    };
  }
  if (credential.endpoints !== null && rule.endpoint) {
    const endpoint = call.endpoint();
    if (endpoint !== undefined && !credential.endpoints.includes(endpoint)) {
      const allowed = credential.endpoints.map((e) => `"${e}"`).join(', ');
      return { allowed: false, status: 403, message: `${describe(credential)} may only call ${allowed}, not "${endpoint}"`, challenge: 'Bearer error="insufficient_scope"' };
    }
  }
  if (credential.key) {
    const wait = core.keys.throttle(credential.key);
    if (wait > 0) {
      return {
        allowed: false,
        status: 429,
        message: `${describe(credential)} is limited to ${credential.key.rateLimit} requests per second; retry in ${wait.toFixed(1)} s`,
        challenge: null,
        retryAfter: Math.max(1, Math.ceil(wait))
      };
    }
  }
  return { allowed: true, credential };
}

function credentialNeeded(mode: AccessMode): string {
  const how = 'send "Authorization: Bearer <API key or admin token>"';
  if (mode === 'lan') return `serving the LAN: every route but health needs a credential; ${how}`;
  if (mode === 'strict') return `strict mode: every route but health needs a credential; ${how}`;
  return `this route needs a credential; ${how} (the admin token is printed at start, or set MODELDESK_ADMIN_TOKEN)`;
}

const describe = (c: Credential): string => (c.keyId === null ? 'the admin token' : `API key "${c.name}" (${c.scope})`);
