import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccessMode, KeyScope } from '../../src-main/contract/access.ts';
import { createCore } from '../../src-main/core/index.ts';
import { buildServer } from '../../src-main/server/app.ts';
import type { RegisteredRoute } from '../../src-main/server/security.ts';
import { repoRoot } from '../fixtures/index.ts';

/**
 * The access policy as issue 17 and DESIGN §4.4 state it, written here on its own (not derived
 * from route-table.ts), and checked against every route Fastify has registered.
 */
export const expected = {
  // no credential in any mode: health, the app's files, the CA certificate clients verify with
  public: ['GET /healthz', 'GET /v2/health/live', 'GET /v2/health/ready', 'GET /*', 'GET /api/v1/access/ca.pem'],
  // the open list: no credential on loopback; in strict and LAN mode a credential with this scope
  openPredict: [
    'POST /api/v1/:endpoint_name/predict',
    'POST /v2/models/:name/infer',
    'POST /v2/models/:name/versions/:version/infer',
    'PUT /api/v1/mlrequests/:id',
    'PATCH /api/v1/mlrequests/:id',
    'GET /v2',
    'GET /v2/',
    'GET /v2/models/:name',
    'GET /v2/models/:name/ready',
    'GET /v2/models/:name/versions/:version',
    'GET /v2/models/:name/versions/:version/ready'
  ],
  openRead: [
    'GET /api/v1',
    'GET /api/v1/',
    'GET /api/v1/endpoints',
    'GET /api/v1/endpoints/:id',
    'GET /api/v1/mlalgorithms',
    'GET /api/v1/mlalgorithms/:id',
    'GET /api/v1/mlalgorithmstatuses',
    'GET /api/v1/mlalgorithmstatuses/:id',
    'GET /api/v1/abtests',
    'GET /api/v1/abtests/:id',
    'GET /metrics',
    'GET /openapi.json',
    'GET /docs'
  ],
  // a read credential in every mode: the request log, monitoring, settings as they are, exports
  read: [
    'GET /api/v1/mlrequests',
    'GET /api/v1/mlrequests/:id',
    'GET /api/v1/abtests/:id/timeline',
    'GET /api/v1/serving',
    'GET /api/v1/access',
    'GET /api/v1/refusals',
    'GET /api/v1/request-log/storage',
    'GET /api/v1/metadatahistory',
    'GET /api/v1/endpoints/:id/compatibility',
    'GET /api/v1/monitoring/series',
    'GET /api/v1/monitoring/drift',
    'GET /api/v1/monitoring/histogram',
    'GET /api/v1/monitoring/status',
    'GET /api/v1/monitoring/references',
    'GET /api/v1/monitoring/references/:id',
    'GET /api/v1/registry/export',
    'POST /api/v1/registry/export/tickets',
    'GET /api/v1/registry/export/platforms/:name',
    'POST /api/v1/registry/export/platforms/:name/tickets',
    // batch jobs (issue 16): watching them and their files; creating and cancelling one is admin
    'GET /api/v1/jobs',
    'GET /api/v1/jobs/:id',
    'GET /api/v1/jobs/:id/events',
    'GET /api/v1/jobs/:id/result',
    'GET /api/v1/jobs/:id/errors',
    'POST /api/v1/jobs/:id/tickets'
  ]
  // everything else: an admin credential in every mode (the platform export's POST, which
  // writes a folder on the server and runs every exported model, included)
};

export type Protection = 'none' | 'predict' | 'read' | 'admin';

/** what a request without a credential gets past, and which scope a credential needs, per the lists above */
export function expectedProtection(key: string, mode: AccessMode): Protection {
  if (expected.public.includes(key)) return 'none';
  const docs = key === 'GET /docs' || key.startsWith('GET /docs/');
  if (expected.openPredict.includes(key)) return mode === 'loopback' ? 'none' : 'predict';
  if (expected.openRead.includes(key) || docs) return mode === 'loopback' ? 'none' : 'read';
  if (expected.read.includes(key)) return 'read';
  return 'admin';
}

/** the scope a credential presented on the route needs, in any mode (public routes: none is checked) */
export function expectedScope(key: string): KeyScope | null {
  if (expected.public.includes(key)) return null;
  if (expected.openPredict.includes(key)) return 'predict';
  if (expected.openRead.includes(key) || key === 'GET /docs' || key.startsWith('GET /docs/') || expected.read.includes(key)) return 'read';
  return 'admin';
}

/** `METHOD url`, a HEAD route under its GET */
export const routeKeyOf = (r: { method: string; url: string }): string => `${r.method === 'HEAD' ? 'GET' : r.method} ${r.url}`;

/** Every route a started ModelDesk registers (the app's files included), with its rule. */
export async function registeredRoutes(): Promise<readonly RegisteredRoute[]> {
  const dir = mkdtempSync(join(tmpdir(), 'modeldesk-routes-'));
  const ui = uiFolder(dir);
  const core = await createCore({ dataDir: join(dir, 'data'), migrationsDir: join(repoRoot, 'db', 'migrations') });
  const app = await buildServer(core, { adminToken: 'x', uiDir: ui });
  try {
    await app.ready();
    return [...app.registeredRoutes()];
  } finally {
    await app.close();
    await core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** a folder with an index.html, so a server registers the app's static routes as in a real start */
export function uiFolder(parent: string): string {
  const ui = join(parent, 'ui');
  mkdirSync(ui, { recursive: true });
  writeFileSync(join(ui, 'index.html'), '<!doctype html><title>ModelDesk</title>');
  return ui;
}
