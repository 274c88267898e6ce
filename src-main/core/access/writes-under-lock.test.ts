import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { repoRoot } from '../../../test/fixtures/index.ts';
import { createCore, type Core } from '../index.ts';
import { runAs } from './actor.ts';

/**
 * The access tables (api_keys, audit_log) are written through the core's write gate (issue 20):
 * a lock held by another connection (the CLI, the request-log worker) is waited for without
 * blocking, a key is refused with a 503-kind error when it outlasts the wait, and an audit entry
 * of a change already committed is written once the lock is free, or reported in the log.
 */
describe('access writes while another connection holds the write lock', () => {
  let dir: string;
  let core: Core;
  let other: Database.Database;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modeldesk-access-lock-'));
    core = await createCore({ dataDir: dir, migrationsDir: join(repoRoot, 'db', 'migrations'), lockWaitMs: 400 });
    other = new Database(join(dir, 'modeldesk.db'));
  });
  afterEach(async () => {
    if (other.inTransaction) other.exec('ROLLBACK');
    other.close();
    await core.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a key is created once the lock is released within the wait, and refused (storage_busy) when it is not', async () => {
    other.exec('BEGIN IMMEDIATE');
    const pending = core.keys.create({ name: 'waited', scope: 'read', createdBy: 'test' });
    await sleep(100);
    other.exec('ROLLBACK');
    expect((await pending).key.name).toBe('waited');

    other.exec('BEGIN IMMEDIATE');
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await expect(core.keys.create({ name: 'refused', scope: 'read', createdBy: 'test' })).rejects.toMatchObject({ kind: 'storage_busy' });
    } finally {
      stderr.mockRestore();
    }
    other.exec('ROLLBACK');
    expect(core.keys.list().map((k) => k.name)).toEqual(['waited']);
  });

  it('an audit entry waits for the lock without blocking, by the actor of its change', async () => {
    const entry = runAs({ name: 'deployer', apiKeyId: null, address: '10.0.0.7' }, () => {
      other.exec('BEGIN IMMEDIATE');
      return core.audit.record({ action: 'test.changed', summary: 'made while locked' });
    });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    await sleep(100);
    clearInterval(ticker);
    expect(ticks).toBeGreaterThan(5); // the event loop was never blocked by the wait
    other.exec('ROLLBACK');
    expect(await entry).toMatchObject({ actor: 'deployer', clientAddress: '10.0.0.7', action: 'test.changed' });
    expect(core.audit.list({}, 1, 10).results.map((r) => r.summary)).toEqual(['made while locked']);
  });

  it('an audit entry the lock kept out past the wait is refused and recorded as a storage fault in the log', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      other.exec('BEGIN IMMEDIATE');
      await expect(core.audit.record({ action: 'test.lost', summary: 'never written' })).rejects.toMatchObject({ kind: 'storage_busy' });
      other.exec('ROLLBACK');
    } finally {
      stderr.mockRestore();
    }
    core.log.flush();
    expect(readFileSync(join(dir, 'logs', 'modeldesk.log'), 'utf8')).toContain('is locked by another connection: the audit log entry \\"test.lost\\" could not be written');
    expect(core.audit.list({}, 1, 10).count).toBe(0);
  });
});
