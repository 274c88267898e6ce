import { desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../db/open.ts';
import { jobs } from '../../../db/schema.ts';
import { notFound } from '../errors.ts';
import type { WriteGate } from '../storage/write-gate.ts';

export type JobRow = typeof jobs.$inferSelect;
export type NewJobRow = typeof jobs.$inferInsert;
/** what a job's progress and end change */
export type JobChanges = Partial<Omit<JobRow, 'id' | 'kind' | 'endpointId' | 'algorithmId' | 'createdAt'>>;

/**
 * The jobs table: the only code that reads or writes it. Writes go through the core's WriteGate
 * (BEGIN IMMEDIATE, a locked database waited for without blocking the event loop, storage faults
 * answered as such); the `…In` forms write inside a transaction the caller already holds.
 */
export class JobStore {
  constructor(
    private readonly db: Db,
    private readonly writes: WriteGate
  ) {}

  insert(values: NewJobRow): Promise<JobRow> {
    return this.writes.transaction('a new job', (tx) => this.insertIn(tx, values));
  }

  insertIn(tx: Db, values: NewJobRow): JobRow {
    return tx.insert(jobs).values(values).returning().get();
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

  update(id: number, changes: JobChanges): Promise<JobRow> {
    return this.writes.transaction(`the progress of job ${id}`, (tx) => this.updateIn(tx, id, changes));
  }

  updateIn(tx: Db, id: number, changes: JobChanges): JobRow {
    return tx.update(jobs).set(changes).where(eq(jobs.id, id)).returning().get()!;
  }

  remove(id: number): Promise<void> {
    return this.writes.transaction(`removing job ${id}`, (tx) => {
      tx.delete(jobs).where(eq(jobs.id, id)).run();
    });
  }
}
