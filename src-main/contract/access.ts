import { Type, type Static } from 'typebox';
import { PageOf } from './classic.ts';

/**
 * Access control's facts (issue 17, DESIGN §4.4), declared once for the server, the CLI, the
 * database and the renderer: credential scopes, the protection modes, and the shapes of the
 * keys, audit and access routes. Isomorphic: the browser runs this module.
 */

/**
 * What an API key may do. `predict`: predictions and feedback (optionally only for named
 * endpoints). `read`: registry reads, the request log, monitoring, exports. `admin`: everything,
 * key management included. The owner's admin token is `admin`.
 */
export const keyScopeValues = ['predict', 'read', 'admin'] as const;
export type KeyScope = (typeof keyScopeValues)[number];
export const KeyScopeSchema = Type.Enum(keyScopeValues, { description: keyScopeValues.join(', ') });

/** true when a credential of scope `held` may do what needs `needed` (admin may do everything) */
export const scopeAllows = (held: KeyScope, needed: KeyScope): boolean => held === 'admin' || held === needed;

/**
 * How the server treats requests without a credential. `loopback` (the default on 127.0.0.1):
 * the open list (predict, feedback, registry reads, metrics, docs) needs none. `strict`: only
 * health and the app's files do. `lan` (bound beyond loopback): the same as strict, over HTTPS.
 */
export const accessModeValues = ['loopback', 'strict', 'lan'] as const;
export type AccessMode = (typeof accessModeValues)[number];

/** `mdk_` + 32 base62 characters of randomness + 6 of checksum (core/access/key-secret.ts) */
export const keySecretPattern = '^mdk_[0-9A-Za-z]{38}$';
/** A key's name: shown in the audit log, the request log and `/metrics` labels. */
export const keyNamePattern = '^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}$';
/** the admin token's name in the audit log (no key may take it) */
export const ownerCredentialName = 'owner';

const timestamp = Type.String({ format: 'date-time' });
const nullableTimestamp = Type.Union([timestamp, Type.Null()]);

export const CreateKeyRequest = Type.Object(
  {
    name: Type.String({ pattern: keyNamePattern, description: 'unique among keys not revoked; letters, digits, space . _ @ -' }),
    scope: KeyScopeSchema,
    endpoints: Type.Optional(
      Type.Array(Type.String({ pattern: '^[a-z0-9_-]+$' }), {
        minItems: 1,
        maxItems: 100,
        description: 'predict keys only: the endpoints this key may call (absent = all)'
      })
    ),
    expires_at: Type.Optional(Type.String({ format: 'date-time', description: 'the key stops working at this time' })),
    rate_limit: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, maximum: 100000, description: 'requests per second; above it a 429 with Retry-After' })
    )
  },
  { additionalProperties: false }
);

export const keyStateValues = ['active', 'expired', 'revoked'] as const;

/** A key as listed: never its secret, which only `POST /keys` shows, once. */
export const KeyBody = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  /** the first characters of the secret, to recognise it: `mdk_AbCd1234` */
  prefix: Type.String(),
  scope: KeyScopeSchema,
  endpoints: Type.Union([Type.Array(Type.String()), Type.Null()]),
  created_by: Type.String(),
  created_at: timestamp,
  expires_at: nullableTimestamp,
  rate_limit: Type.Union([Type.Number(), Type.Null()]),
  last_used_at: nullableTimestamp,
  last_used_address: Type.Union([Type.String(), Type.Null()]),
  revoked_at: nullableTimestamp,
  state: Type.Enum(keyStateValues)
});

export const CreatedKeyBody = Type.Object({
  ...KeyBody.properties,
  key: Type.String({ description: 'the secret, shown this once: send it as "Authorization: Bearer <key>"' })
});

export const AuditQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  action: Type.Optional(Type.String({ description: 'e.g. key.created; a prefix ending in "." matches a family: key.' })),
  actor: Type.Optional(Type.String({ description: 'credential name: owner, a key name, cli, system' })),
  endpoint: Type.Optional(Type.String()),
  from: Type.Optional(timestamp),
  to: Type.Optional(timestamp),
  order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')]))
});

export const AuditEntryBody = Type.Object({
  id: Type.Integer(),
  created_at: timestamp,
  /** the credential's name: `owner` (the admin token), a key's name, `cli`, or `system` */
  actor: Type.String(),
  api_key_id: Type.Union([Type.Integer(), Type.Null()]),
  client_address: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  endpoint: Type.Union([Type.String(), Type.Null()]),
  summary: Type.String()
});

export const AuditPage = PageOf(AuditEntryBody);

/** What the Server page shows of access: the mode now, the saved switches, TLS. */
export const AccessStateBody = Type.Object({
  mode: Type.Enum(accessModeValues),
  lan: Type.Object({
    active: Type.Boolean({ description: 'this run serves the LAN (keys on every route but health, HTTPS)' }),
    saved: Type.Boolean({ description: 'the switch: the desktop app binds every interface from its next start' })
  }),
  strict: Type.Object({
    active: Type.Boolean(),
    saved: Type.Boolean(),
    set_on_command_line: Type.Boolean({ description: '`serve --strict`: a saved value does not turn it off' })
  }),
  restart_needed: Type.Boolean(),
  /** addresses clients on other machines can use (LAN mode) */
  urls: Type.Array(Type.String()),
  tls: Type.Union([
    Type.Object({
      /** SHA-256 of the server certificate, AA:BB:… */
      fingerprint256: Type.String(),
      /** SHA-256 of the local CA's certificate; null with the user's own certificate */
      ca_fingerprint256: Type.Union([Type.String(), Type.Null()]),
      /** where clients download the local CA (PEM); null with the user's own certificate */
      ca_url: Type.Union([Type.String(), Type.Null()]),
      names: Type.Array(Type.String({ description: 'the DNS names and addresses the certificate is valid for' })),
      valid_to: Type.String()
    }),
    Type.Null()
  ])
});

export const AccessSettingsRequest = Type.Object(
  {
    lan: Type.Optional(Type.Boolean({ description: 'serve the LAN over HTTPS from the next start (the desktop app)' })),
    strict: Type.Optional(Type.Boolean({ description: 'close everything but health to requests without a credential, also on loopback (applies at once)' }))
  },
  { additionalProperties: false }
);

export type ApiKey = Static<typeof KeyBody>;
export type CreatedApiKey = Static<typeof CreatedKeyBody>;
export type CreateKey = Static<typeof CreateKeyRequest>;
export type AuditEntry = Static<typeof AuditEntryBody>;
export type AuditList = Static<typeof AuditPage>;
export type AuditFilter = Static<typeof AuditQuery>;
export type AccessState = Static<typeof AccessStateBody>;
export type AccessSettingsInput = Static<typeof AccessSettingsRequest>;
