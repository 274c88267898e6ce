import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/open.ts';
import { registryMeta } from '../../../db/schema.ts';

const registryIdKey = 'registry_id';

/**
 * This data directory's stable identity: a UUID made on first start and kept in the database.
 * Bundles carry it so an imported request row remembers where it was first logged (its origin),
 * and importing the same rows again, from any bundle, never counts them twice. A copied data
 * directory keeps the id (it is the same registry until the copies diverge).
 */
export function ensureRegistryId(db: Db): string {
  db.insert(registryMeta).values({ key: registryIdKey, value: randomUUID() }).onConflictDoNothing().run();
  return db.select({ value: registryMeta.value }).from(registryMeta).where(eq(registryMeta.key, registryIdKey)).get()!.value;
}
