import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

  it('upgrades a 0.1 request log in place: rows, ids and feedback kept, new ids continue, one index on the hot path', () => {
    // the migrations as the previous release shipped them (0000 and 0001)
    const oldMigrations = join(mkdtempSync(join(tmpdir(), 'modeldesk-migrations-')), 'migrations');
    dirs.push(join(oldMigrations, '..'));
    cpSync(migrationsDir, oldMigrations, { recursive: true });
    const journalFile = join(oldMigrations, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
    journal.entries = journal.entries.filter((e) => e.tag.startsWith('0000') || e.tag.startsWith('0001'));
    writeFileSync(journalFile, JSON.stringify(journal));

    const file = tempFile();
    const old = openDatabase(file, oldMigrations);
    old.sqlite.exec(`
      insert into endpoints (id, name, owner, description, created_at) values (1, 'income', 'me', '', '2026-01-01T00:00:00.000Z');
      insert into algorithms (id, endpoint_id, name, version, description, owner, code, artifact_sha256, artifact_bytes, signature, task, created_at)
        values (1, 1, 'rf', '1', '', 'me', '', 'abc', 1, '{}', 'classification', '2026-01-01T00:00:00.000Z');`);
    const insert = old.sqlite.prepare(
      `insert into requests (endpoint_id, algorithm_id, input, response, label, status, latency_us, feedback, created_at)
       values (1, 1, '{}', '{}', ?, 'OK', 100, ?, '2026-01-01T00:00:00.000Z')`
    );
    insert.run('>50K', '>50K');
    insert.run('<=50K', '');
    insert.run('<=50K', '>50K');
    old.close();

    const upgraded = openDatabase(file, migrationsDir);
    const rows = upgraded.sqlite.prepare('select id, label, feedback from requests order by id').all();
    expect(rows).toEqual([
      { id: 1, label: '>50K', feedback: '>50K' },
      { id: 2, label: '<=50K', feedback: '' },
      { id: 3, label: '<=50K', feedback: '>50K' }
    ]);
    const next = upgraded.sqlite
      .prepare(
        `insert into requests (endpoint_id, algorithm_id, input, response, label, status, latency_us, created_at)
         values (1, 1, '{}', '{}', 'x', 'OK', 1, '2026-01-02T00:00:00.000Z')`
      )
      .run();
    expect(Number(next.lastInsertRowid)).toBe(4);
    const indexes = upgraded.sqlite
      .prepare("select name, sql from sqlite_master where type = 'index' and tbl_name = 'requests' and sql is not null")
      .all() as { name: string; sql: string }[];
    // one index a logged prediction updates; the other is partial and holds imported rows only (their origin)
    expect(indexes.map((i) => i.name)).toEqual(['requests_algorithm_ab_test', 'requests_origin']);
    expect(indexes[1]!.sql).toMatch(/WHERE origin is not null$/);
    const originEntries = upgraded.sqlite.prepare('select count(*) as n from requests indexed by requests_origin where origin is not null').get();
    expect(originEntries).toEqual({ n: 0 });
    upgraded.close();
  });
});
