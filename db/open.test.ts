import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './open.ts';

const migrationsDir = join(import.meta.dirname, 'migrations');

describe('openDatabase', () => {
  const dirs: string[] = [];
  const tempFile = () => {
    const dir = mkdtempSync(join(tmpdir(), 'modeldesk-db-'));
    dirs.push(dir);
    return join(dir, 'modeldesk.db');
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('creates the schema in WAL mode and reopens without re-applying migrations', () => {
    const file = tempFile();
    const first = openDatabase(file, migrationsDir);
    expect(first.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = first.sqlite.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[];
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['endpoints', 'algorithms', 'algorithm_statuses', 'requests', 'ab_tests']));
    const applied = first.sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number };
    first.close();
    const again = openDatabase(file, migrationsDir);
    expect(again.sqlite.prepare('select count(*) as n from __drizzle_migrations').get()).toEqual(applied);
    again.close();
  });

  it('refuses a database written by a newer ModelDesk, with a message that says so', () => {
    const file = tempFile();
    const db = openDatabase(file, migrationsDir);
    db.sqlite.prepare('insert into __drizzle_migrations (hash, created_at) values (?, ?)').run('future', Date.now() + 10 ** 12);
    db.close();
    expect(() => openDatabase(file, migrationsDir)).toThrow(/newer version of ModelDesk/);
  });
});
