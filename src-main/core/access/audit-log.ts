import { and, asc, count, desc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/open.ts';
import { auditLog } from '../../../db/schema.ts';
import { nowIso } from '../clock.ts';
import { checkPage } from '../paging.ts';
import type { Page } from '../requests/request-log.ts';
import type { WriteGate } from '../storage/write-gate.ts';
import { currentActor, type Actor } from './actor.ts';

export type AuditRecord = typeof auditLog.$inferSelect;

/** What a change says of itself; who made it comes from the actor. */
export interface AuditEntryInput {
  /** `area.verb`, e.g. algorithm.registered, key.revoked */
  action: string;
  summary: string;
  /** the endpoint the change concerns, if one */
  endpoint?: string | null;
}

export interface AuditFilter {
  /** an exact action, or a family when it ends in "." (`key.`) */
  action?: string;
  actor?: string;
  endpoint?: string;
  /** ISO timestamps, inclusive */
  from?: string;
  to?: string;
  order?: 'asc' | 'desc';
}

export const maxAuditPageSize = 1000;

/** The audit log: appended to by audit-events.ts, read by the API, the app and bundles. */
export class AuditLog {
  constructor(
    private readonly db: Db,
    private readonly writes: WriteGate
  ) {}

  /**
   * Appends one entry, by the actor of the call in progress unless told otherwise. The actor
   * and time are taken now; the row goes through the write gate (its own IMMEDIATE
   * transaction): with no contention it is written before this returns, under a lock held
   * elsewhere it is tried again without blocking, and a storage fault is recorded in the
   * storage health (and rejects).
   */
  record(entry: AuditEntryInput, actor: Actor = currentActor()): Promise<AuditRecord> {
    const row = {
      createdAt: nowIso(),
      actor: actor.name,
      apiKeyId: actor.apiKeyId,
      clientAddress: actor.address,
      action: entry.action,
      endpoint: entry.endpoint ?? null,
      summary: entry.summary
    };
    return this.writes.transaction(`the audit log entry "${entry.action}"`, (tx) => tx.insert(auditLog).values(row).returning().get());
  }

  list(filter: AuditFilter, page: number, pageSize: number): Page<AuditRecord> {
    checkPage(page, pageSize, maxAuditPageSize);
    const where = whereOf(filter);
    const total = this.db.select({ n: count() }).from(auditLog).where(where).get()?.n ?? 0;
    const results = this.db
      .select()
      .from(auditLog)
      .where(where)
      .orderBy(filter.order === 'asc' ? asc(auditLog.id) : desc(auditLog.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .all();
    return { count: total, results };
  }

  /** the actions and actors recorded so far, for the app's filters */
  facets(): { actions: string[]; actors: string[] } {
    const actions = this.db.selectDistinct({ v: auditLog.action }).from(auditLog).orderBy(asc(auditLog.action)).all();
    const actors = this.db.selectDistinct({ v: auditLog.actor }).from(auditLog).orderBy(asc(auditLog.actor)).all();
    return { actions: actions.map((r) => r.v), actors: actors.map((r) => r.v) };
  }
}

function whereOf(f: AuditFilter): SQL | undefined {
  const c: SQL[] = [];
  if (f.action !== undefined) {
    // a family ("key.") is a prefix, compared as text (LIKE would read its "_" as a wildcard)
    c.push(f.action.endsWith('.') ? sql`substr(${auditLog.action}, 1, ${f.action.length}) = ${f.action}` : eq(auditLog.action, f.action));
  }
  if (f.actor !== undefined) c.push(eq(auditLog.actor, f.actor));
  if (f.endpoint !== undefined) c.push(eq(auditLog.endpoint, f.endpoint));
  if (f.from !== undefined) c.push(gte(auditLog.createdAt, f.from));
  if (f.to !== undefined) c.push(lte(auditLog.createdAt, f.to));
  return c.length ? and(...c) : undefined;
}
