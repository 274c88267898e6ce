/**
 * A first start in a child process, for seed.test.ts to kill half-way: opens (and seeds) the
 * data directory given as the first argument, then waits to be killed.
 */
import { join } from 'node:path';
import { createCore } from '../../src-main/core/index.ts';
import { repoRoot } from '../fixtures/index.ts';

const [dataDir, modelsDir] = process.argv.slice(2);
await createCore({ dataDir: dataDir!, migrationsDir: join(repoRoot, 'db', 'migrations'), modelsDir: modelsDir ?? join(repoRoot, 'models') });
process.stdout.write('seeded\n');
setInterval(() => undefined, 1000);
