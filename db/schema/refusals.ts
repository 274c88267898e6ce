import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Refused predictions (4xx on predict or v2 infer), counted per minute rather than logged per
 * request, so a flood of bad requests cannot bloat the database (issue 12 §6). Counted in
 * memory by the core (core/requests/refusals.ts) and added here every few seconds and at close.
 */
export const refusals = sqliteTable(
  'refusals',
  {
    /** the UTC minute, ISO without seconds: 2026-12-04T13:05Z */
    minute: text('minute').notNull(),
    /** 0 = no endpoint of the requested name */
    endpointId: integer('endpoint_id').notNull(),
    /** 0 = refused before an algorithm was chosen */
    algorithmId: integer('algorithm_id').notNull(),
    /** contract/enums.ts refusalReasonValues: validation, unknown_endpoint, no_algorithm, auth, too_large, unsupported_media_type */
    reason: text('reason').notNull(),
    count: integer('count').notNull()
  },
  (t) => [primaryKey({ columns: [t.minute, t.endpointId, t.algorithmId, t.reason] })]
);
