import { and, eq, inArray, max } from 'drizzle-orm';
import type { Db } from '../../../db/open.ts';
import type { ImportReferenceProfileEntry, PlanKind } from '../../contract/bundles.ts';
import { referenceProfiles, requests } from '../../../db/schema.ts';
import { invalidInput } from '../errors.ts';
import { parseProfile, type ReferenceProfile } from '../monitoring/drift/index.ts';
import type { AlgorithmRef, Manifest, ManifestReferenceProfile } from './manifest-schema.ts';
import type { Decisions } from './plan.ts';
import { describeRef, refKey } from './validate.ts';

/**
 * Reference profiles in registry bundles (issue #15): each exported algorithm's active profile
 * travels in the manifest's optional `reference_profiles`, and an import gives it to the
 * algorithms it creates (an algorithm already here keeps its own). A bundle without the key
 * (older ModelDesk) imports as before.
 */

/** The active profiles of the exported algorithms (inside the snapshot's read transaction). */
export function exportProfiles(tx: Db, refOf: ReadonlyMap<number, AlgorithmRef>): ManifestReferenceProfile[] {
  const ids = [...refOf.keys()];
  if (ids.length === 0) return [];
  return tx
    .select()
    .from(referenceProfiles)
    .where(and(inArray(referenceProfiles.algorithmId, ids), eq(referenceProfiles.active, true)))
    .all()
    .map((p) => ({
      algorithm: refOf.get(p.algorithmId)!,
      source: p.source,
      description: p.description,
      created_by: p.createdBy,
      created_at: p.createdAt,
      profile: p.profile as ReferenceProfile
    }));
}

/** What the schema cannot say: each profile names a listed algorithm, once, and its bins are consistent. */
export function checkProfiles(m: Manifest): void {
  const listed = new Set(m.algorithms.map(refKey));
  const seen = new Set<string>();
  for (const p of m.reference_profiles ?? []) {
    const k = refKey(p.algorithm);
    const bad = (message: string) => invalidInput(`invalid bundle manifest: the reference profile of ${describeRef(p.algorithm)} ${message}`, 'file');
    if (!listed.has(k)) throw bad('refers to an algorithm the bundle does not list');
    if (seen.has(k)) throw bad('is listed twice');
    seen.add(k);
    try {
      parseProfile(p.profile);
    } catch (err) {
      throw bad(`is not valid: ${(err as Error).message}`);
    }
  }
}

/**
 * What the import does with each profile the bundle holds (pure, part of the plan): the algorithms
 * it creates get theirs (renamed ones under their new version); an algorithm already here keeps
 * its own, whatever it is; a profile of an algorithm not imported stays out with it.
 */
export function planProfiles(m: Manifest, decisions: Decisions): PlanKind<ImportReferenceProfileEntry> {
  const plan: PlanKind<ImportReferenceProfileEntry> = { added: [], identical: [], skipped: [], renamed: [] };
  for (const p of m.reference_profiles ?? []) {
    const k = refKey(p.algorithm);
    const item = { endpoint: p.algorithm.endpoint, name: p.algorithm.name, version: p.algorithm.version, source: p.source };
    const insert = decisions.inserts.get(k);
    const existing = decisions.existing.get(k);
    if (insert && insert.version === p.algorithm.version) {
      plan.added.push({ ...item, local_version: insert.version, reason: 'the active reference profile of an algorithm this import creates' });
    } else if (insert) {
      plan.renamed.push({ ...item, local_version: insert.version, reason: `comes with its algorithm, imported as version "${insert.version}"` });
    } else if (existing) {
      plan.skipped.push({ ...item, local_version: existing.version, reason: 'the algorithm is already here: it keeps its own reference profile (or none)' });
    } else {
      plan.skipped.push({ ...item, local_version: null, reason: `its algorithm is not imported: ${decisions.notImported.get(k) ?? 'not in this import'}` });
    }
  }
  return plan;
}

/**
 * Stores the profiles of the algorithms this import creates (inside the import's transaction).
 * Counting starts after the log rows that exist now, so the request log the bundle brings
 * (inserted after this) is counted against them.
 */
export function importProfiles(tx: Db, m: Manifest, created: ReadonlyMap<string, number>, now: string): void {
  const profiles = (m.reference_profiles ?? []).filter((p) => created.has(refKey(p.algorithm)));
  if (profiles.length === 0) return;
  const last = tx.select({ id: max(requests.id) }).from(requests).get()?.id ?? 0;
  for (const p of profiles) {
    tx.insert(referenceProfiles)
      .values({
        algorithmId: created.get(refKey(p.algorithm))!,
        active: true,
        source: 'bundle',
        description: `imported (${p.source}: ${p.description})`.slice(0, 2000),
        profile: p.profile,
        liveFromId: last,
        backfillAfterId: null,
        createdBy: p.created_by,
        createdAt: p.created_at || now
      })
      .run();
  }
}
