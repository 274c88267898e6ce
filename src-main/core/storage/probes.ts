import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** below this much free space a disk that was full is still taken for full */
const minFreeBytes = 2 ** 20;

/** Throws while the disk holding `dir` has less than a MiB free. */
export function probeFreeSpace(dir: string): void {
  const stats = statfsSync(dir);
  const free = stats.bavail * stats.bsize;
  if (free < minFreeBytes) throw Object.assign(new Error(`${free} bytes free in ${dir}`), { code: 'ENOSPC' });
}

/** Throws while `dir` cannot take a new file: read-only, unwritable or full. */
export function probeDirectory(dir: string): void {
  probeFreeSpace(dir);
  const file = join(dir, `.probe-${randomUUID()}.tmp`);
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, Buffer.alloc(4096));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
}

/**
 * Throws while the database cannot commit: locked by another connection, read-only, or on a full
 * disk. Commits a write that changes nothing (the header's user_version, set to itself), so the
 * file system is really asked; busy_timeout is 0, so it never waits for a lock.
 */
export function probeDatabase(sqlite: Database.Database, dataDir: string): void {
  probeFreeSpace(dataDir);
  const version = Number(sqlite.pragma('user_version', { simple: true }));
  sqlite.exec('BEGIN IMMEDIATE');
  try {
    sqlite.pragma(`user_version = ${version}`);
    sqlite.exec('COMMIT');
  } catch (err) {
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    throw err;
  }
}
