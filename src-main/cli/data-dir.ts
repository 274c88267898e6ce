import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Option } from 'commander';
import { runAs } from '../core/access/actor.ts';
import { createCore, type Core } from '../core/index.ts';

/**
 * The commands that open the data directory directly, no server needed (export, import, keys, reference, drift).
 * They run as the `cli` actor: the audit log records their changes as made from this machine's
 * command line. A server running on the same directory sees their changes at its next request
 * (SQLite WAL; keys are read per request).
 */

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const dataOption = (): Option => new Option('--data <dir>', 'data directory (SQLite database and model files)').default('./.modeldesk');

export async function withCore<T>(data: string, run: (core: Core) => Promise<T>): Promise<T> {
  // no modelsDir: importing into a fresh directory must not seed the example models first
  const core = await createCore({ dataDir: resolve(data), migrationsDir: join(repoRoot, 'db', 'migrations') });
  try {
    return await runAs({ name: 'cli', apiKeyId: null, address: null }, () => run(core));
  } finally {
    await core.close();
  }
}
