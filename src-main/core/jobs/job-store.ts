import { desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../db/open.ts';
import { jobs } from '../../../db/schema.ts';
import { notFound } from '../errors.ts';

export type JobRow = typeof jobs.$inferSelect;
export type NewJobRow = typeof jobs.$inferInsert;
/** what a job's progress and end change */
export type JobChanges = Partial<Omit<JobRow, 'id' | 'kind' | 'endpointId' | 'algorithmId' | 'createdAt'>>;

/** The jobs table: the only code that reads or writes it. */
export class JobStore {
  constructor(private readonly db: Db) {}

  insert(values: NewJobRow): JobRow {
    return this.db.insert(jobs).values(values).returning().get();
  }

  get(id: number): JobRow {
    const row = this.db.select().from(jobs).where(eq(jobs.id, id)).get();
    if (!row) throw notFound(`job ${id} does not exist`, 'id');
    return row;
  }

  /** newest first */
  list(limit: number): JobRow[] {
    return this.db.select().from(jobs).orderBy(desc(jobs.id)).limit(limit).all();
  }

  /** queued and running jobs, oldest first: what a start resumes */
  unfinished(): JobRow[] {
    return this.db.select().from(jobs).where(inArray(jobs.state, ['queued', 'running'])).orderBy(jobs.id).all();
  }

  update(id: number, changes: JobChanges): JobRow {
    return this.db.update(jobs).set(changes).where(eq(jobs.id, id)).returning().get()!;
  }

  remove(id: number): void {
    this.db.delete(jobs).where(eq(jobs.id, id)).run();
  }
}
