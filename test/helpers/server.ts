import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer, type StartServerOptions } from '../../src-main/server/start.ts';
import { fixtureModel, type FixtureName } from '../fixtures/index.ts';

export const testToken = 'test-admin-token';

export interface TestServer extends RunningServer {
  /** fetch relative to the server, with JSON helpers */
  request(path: string, init?: RequestInit & { admin?: boolean; json?: unknown }): Promise<Response>;
  json<T = any>(path: string, init?: RequestInit & { admin?: boolean; json?: unknown }): Promise<{ status: number; body: T }>;
  register(fixture: FixtureName, fields: Record<string, string>): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

/** A real ModelDesk on 127.0.0.1:0 with its own temporary data directory. */
export async function startTestServer(
  options: { dataDir?: string } & Partial<Omit<StartServerOptions, 'port' | 'data'>> = {}
): Promise<TestServer> {
  const { dataDir: given, ...start } = options;
  const dataDir = given ?? mkdtempSync(join(tmpdir(), 'modeldesk-test-'));
  // on 127.0.0.1 (tests never bind another interface); `lan: true` serves as on the LAN there
  const server = await startServer({ port: 0, data: dataDir, seed: true, adminToken: testToken, host: '127.0.0.1', ...start });
  const request: TestServer['request'] = (path, init = {}) => {
    const { admin, json, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (admin) headers.set('authorization', `Bearer ${testToken}`);
    if (json !== undefined) headers.set('content-type', 'application/json');
    return fetch(`${server.url}${path}`, {
      ...rest,
      headers,
      ...(json !== undefined ? { body: JSON.stringify(json) } : {})
    });
  };
  return {
    ...server,
    request,
    async json(path, init) {
      const res = await request(path, init);
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    async register(fixture, fields) {
      const form = new FormData();
      form.set('file', new Blob([fixtureModel(fixture)]), `${fixture}.onnx`);
      for (const [k, v] of Object.entries(fields)) form.set(k, v);
      const res = await request('/api/v1/mlalgorithms', { method: 'POST', body: form, admin: true });
      return { status: res.status, body: (await res.json()) as any };
    },
    async stop() {
      await server.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    }
  };
}
