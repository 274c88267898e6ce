/**
 * BENCH ONLY: ModelDesk with its request log switched off, for the row "ModelDesk, request log
 * off" of `npm run bench`. The same core and HTTP app as `modeldesk serve` (seeded models, default
 * serving settings, the A/B test the runner starts), built with `benchDiscardRequestLog`, a
 * createCore option that no CLI flag, API field, serving.json key or environment variable
 * reaches: users cannot turn the log off. Comparing this row with "ModelDesk" shows what the
 * log costs a request (its commit, and the turn of the event loop group commit waits for).
 *
 *   node --import tsx bench/modeldesk-nolog-server.ts --data DIR [--port 0]
 *
 * Prints `Open http://127.0.0.1:<port>/` once ready (the runner's ready line for ModelDesk).
 */
import { join } from 'node:path';
import { createCore } from '../src-main/core/index.ts';
import { buildServer } from '../src-main/server/app.ts';
import { arg, repoRoot } from './helpers.ts';

const dataDir = arg('--data');
if (!dataDir) throw new Error('--data DIR is required');
const core = await createCore({
  dataDir,
  migrationsDir: join(repoRoot, 'db', 'migrations'),
  modelsDir: join(repoRoot, 'models'),
  benchDiscardRequestLog: true
});
const app = await buildServer(core, { adminToken: process.env.MODELDESK_ADMIN_TOKEN ?? 'bench-admin-token' });
await app.listen({ host: '127.0.0.1', port: Number(arg('--port') ?? 0) });
const address = app.server.address();
console.log(`Open http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/ (request log off: bench only)`);

const stop = async () => {
  await app.close();
  await core.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
