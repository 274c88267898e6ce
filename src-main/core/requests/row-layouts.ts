import type Database from 'better-sqlite3';

/** Past this many distinct name lists, new ones are not stored: their rows are logged as JSON text. */
const maxLayouts = 10_000;
/** name lists compared directly before looking one up by its JSON (a log sees few, over and over) */
const recentSize = 8;

/**
 * The name lists lean request-log rows refer to (db/schema/request-log.ts): a record's keys in
 * the order received, or a model's output names. Kept in memory; a list seen for the first time
 * is inserted (on the connection that logs, inside its transaction when there is one).
 */
export class RowLayouts {
  private readonly byJson = new Map<string, number>();
  private readonly byId = new Map<number, readonly string[]>();
  private recent: { names: readonly string[]; id: number }[] = [];
  private readonly insert: Database.Statement;
  private readonly all: Database.Statement;

  constructor(sqlite: Database.Database) {
    this.insert = sqlite.prepare('insert into request_layouts (names) values (?) on conflict (names) do update set names = excluded.names returning id').pluck();
    this.all = sqlite.prepare('select id, names from request_layouts where id > ? order by id');
    this.load();
  }

  /** The id of `names`, stored on first use; null once too many lists are known, or when it cannot be stored now. */
  idOf(names: readonly string[]): number | null {
    for (let i = 0; i < this.recent.length; i++) {
      const entry = this.recent[i]!;
      if (!sameNames(entry.names, names)) continue;
      // the most recent first: a log alternates between a few lists (a record's keys, each model's outputs)
      if (i > 0) this.recent = [entry, ...this.recent.slice(0, i), ...this.recent.slice(i + 1)];
      return entry.id;
    }
    const json = JSON.stringify(names);
    let id = this.byJson.get(json);
    if (id === undefined) {
      if (this.byJson.size >= maxLayouts) return null;
      try {
        id = this.insert.get(json) as number;
      } catch {
        // the database is locked by the log worker or another process (busy timeout 0: db/open.ts),
        // or cannot be written: this row is logged as text, and its own insert meets the storage fault
        return null;
      }
      this.remember(id, json, [...names]);
    }
    this.recent = [{ names: this.byId.get(id)!, id }, ...this.recent.filter((e) => e.id !== id)].slice(0, recentSize);
    return id;
  }

  /** The names of a stored id (lists stored by another process are read on first sight). */
  namesOf(id: number): readonly string[] {
    if (!this.byId.has(id)) this.load();
    const names = this.byId.get(id);
    if (!names) throw new Error(`request-log layout ${id} is missing from request_layouts`);
    return names;
  }

  /** Forgets everything and reads the table again (after a rolled-back transaction that stored lists). */
  reload(): void {
    this.byJson.clear();
    this.byId.clear();
    this.recent = [];
    this.load();
  }

  private load(): void {
    const after = Math.max(0, ...this.byId.keys());
    for (const row of this.all.all(after) as { id: number; names: string }[]) this.remember(row.id, row.names, JSON.parse(row.names) as string[]);
  }

  private remember(id: number, json: string, names: readonly string[]): void {
    this.byJson.set(json, id);
    this.byId.set(id, names);
  }
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
