import { sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Facts about this registry itself, as key → value. `registry_id` (a UUID made on first start,
 * core/registry/identity.ts) names this data directory in the bundles it writes, so that an
 * imported request row keeps its origin (registry id + its id there) and is never merged twice.
 */
export const registryMeta = sqliteTable('registry_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull()
});
