import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The audit log (issue 17 §4): one row per change to the registry, experiments, settings or
 * keys, with who made it (the credential's name), from where, and what. Append-only: the core
 * writes it from its event bus (core/access/audit-events.ts) and nothing updates or deletes it.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    createdAt: text('created_at').notNull(),
    /** the credential's name: owner (the admin token), an API key's name, cli, system */
    actor: text('actor').notNull(),
    /** the API key, when one made the change */
    apiKeyId: integer('api_key_id'),
    /** the HTTP client's address; null for the CLI and the server itself */
    clientAddress: text('client_address'),
    /** what happened, as `area.verb`: algorithm.registered, key.revoked, … */
    action: text('action').notNull(),
    /** the endpoint the change concerns, when one does (exports of some endpoints carry theirs) */
    endpoint: text('endpoint'),
    summary: text('summary').notNull()
  },
  (t) => [index('audit_log_action').on(t.action)]
);
