import { execFile, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keySecretPattern } from '../contract/access.ts';
import { repoRoot } from '../../test/fixtures/index.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { localCertificate } from '../server/tls/certificates.ts';

const run = promisify(execFile);
const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
const main = join(repoRoot, 'src-main', 'cli', 'main.ts');

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(tsx, [main, ...args], { cwd: repoRoot });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('modeldesk keys (CLI) beside a running server', { timeout: 120_000 }, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('creates a key the server accepts at once, lists it without its secret, and revokes it for the next request', async () => {
    const created = await cli('keys', 'create', 'nightly report', '--scope', 'read', '--expires', '30d', '--data', server.dataDir);
    expect(created.code, created.stderr).toBe(0);
    const secret = created.stdout.trim().split('\n').at(-1)!;
    expect(secret).toMatch(new RegExp(keySecretPattern));
    expect(created.stdout).toMatch(/^Created API key "nightly report" \(#1, mdk_\w{8}…, read, expires \d{4}-/);

    const log = () => server.request('/api/v1/mlrequests', { headers: { authorization: `Bearer ${secret}` } });
    expect((await log()).status).toBe(200);

    const listed = await cli('keys', 'list', '--json', '--data', server.dataDir);
    const keys = JSON.parse(listed.stdout);
    expect(keys).toEqual([expect.objectContaining({ id: 1, name: 'nightly report', scope: 'read', state: 'active', created_by: 'cli' })]);
    expect(keys[0].last_used_address).toMatch(/127\.0\.0\.1$/);
    expect(listed.stdout).not.toContain(secret);

    const revoked = await cli('keys', 'revoke', '1', '--data', server.dataDir);
    expect(revoked.stdout).toMatch(/^Revoked API key "nightly report" \(#1/);
    expect((await log()).status).toBe(401);

    const audit = (await server.json('/api/v1/audit?actor=cli&order=asc', { admin: true })).body.results;
    expect(audit.map((e: { action: string; client_address: string | null }) => [e.action, e.client_address])).toEqual([
      ['key.created', null],
      ['key.revoked', null]
    ]);
  });

  it('refuses bad arguments with the reason', async () => {
    expect((await cli('keys', 'create', 'x', '--data', server.dataDir)).stderr).toMatch(/--scope <scope>' not specified/);
    expect((await cli('keys', 'create', 'x', '--scope', 'predict', '--endpoint', 'nope', '--data', server.dataDir)).stderr).toMatch(/no endpoint named "nope"/);
    expect((await cli('keys', 'create', 'x', '--scope', 'predict', '--expires', 'soon', '--data', server.dataDir)).stderr).toMatch(/--expires.*ISO date/);
  });
});

describe('modeldesk serve prints what clients need to verify it, once', { timeout: 120_000 }, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'modeldesk-serve-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('shows the certificate fingerprint and the mode at startup', async () => {
    // a certificate of the user's own, served on loopback in strict mode
    const tls = localCertificate(join(dir, 'certs'), { dns: ['localhost'], ips: ['127.0.0.1'] });
    const output = await startupOutput([
      'serve', '--port', '0', '--data', join(dir, 'data'), '--no-seed', '--strict',
      '--tls-cert', join(dir, 'certs', 'tls', 'server.pem'), '--tls-key', join(dir, 'certs', 'tls', 'server-key.pem')
    ]);
    expect(output).toContain('Strict mode: every route but health needs an API key or the admin token.');
    expect(output).toContain(`HTTPS certificate SHA-256 fingerprint: ${new X509Certificate(tls.cert).fingerprint256}`);
    expect(output).toMatch(/Open https:\/\/127\.0\.0\.1:\d+\/\?token=/);
  });
});

/** runs `serve` until it prints its address, then stops it */
function startupOutput(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), main, ...args], {
      cwd: repoRoot,
      env: { ...process.env, MODELDESK_ADMIN_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'pipe']
    });
    let output = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/API docs: /.test(output)) child.kill('SIGTERM');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', () => {
      clearTimeout(timer);
      if (/API docs: /.test(output)) resolve(output);
      else reject(new Error(`serve did not start:\n${output}`));
    });
  });
}
