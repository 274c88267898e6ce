import { execFile } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TLSSocket } from 'node:tls';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { machineNames } from './hosts.ts';
import { rawRequest } from '../../../test/helpers/raw-request.ts';
import { startTestServer, testToken, type TestServer } from '../../../test/helpers/server.ts';

const run = promisify(execFile);
const curlFound = await run('curl', ['--version']).then(
  () => true,
  () => false
);
const admin = { authorization: `Bearer ${testToken}` };

/** LAN mode (issue 17 §3), served on 127.0.0.1 as tests must, with everything LAN mode does. */
describe('LAN mode over HTTPS with the local CA', () => {
  let server: TestServer;
  let dataDir: string;
  const get = (path: string, headers: Record<string, string> = {}) => rawRequest({ port: server.port, path, headers, ca: server.tls!.ca!.pem });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'modeldesk-lan-'));
    server = await startTestServer({ lan: true, dataDir });
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers HTTPS with a certificate that Node verifies against the generated CA', async () => {
    expect(server.url).toBe(`https://127.0.0.1:${server.port}`);
    expect(server.mode).toBe('lan');
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    // the certificate names this machine: its host name, localhost and its addresses
    const own = machineNames();
    expect(server.tls!.names).toEqual(expect.arrayContaining([hostname().toLowerCase(), 'localhost', '127.0.0.1', ...own.ips]));
  });

  it.skipIf(!curlFound)('answers HTTPS that curl --cacert verifies, by address and by host name', async () => {
    const ca = server.tls!.ca!.file;
    const byAddress = await run('curl', ['-sS', '--fail', '--cacert', ca, `https://127.0.0.1:${server.port}/healthz`]);
    expect(JSON.parse(byAddress.stdout)).toMatchObject({ status: 'ok' });
    const name = hostname().toLowerCase();
    const byName = await run('curl', ['-sS', '--fail', '--cacert', ca, '--resolve', `${name}:${server.port}:127.0.0.1`, `https://${name}:${server.port}/healthz`]);
    expect(JSON.parse(byName.stdout)).toMatchObject({ status: 'ok' });
    // and without the CA, curl refuses the certificate: it is not trusted by accident
    await expect(run('curl', ['-sS', '--fail', `https://127.0.0.1:${server.port}/healthz`])).rejects.toThrow(/certificate/i);
  });

  it('refuses plain HTTP', async () => {
    await expect(rawRequest({ port: server.port, path: '/healthz' })).rejects.toThrow(/socket hang up|ECONNRESET|EPROTO/);
  });

  it('needs a credential on every route but health', async () => {
    expect((await get('/api/v1/endpoints')).status).toBe(401);
    expect((await get('/metrics')).status).toBe(401);
    expect((await get('/openapi.json')).status).toBe(401);
    expect((await get('/api/v1/serving')).status).toBe(401);
    expect((await get('/api/v1/endpoints', admin)).status).toBe(200);
  });

  it('accepts this machine\'s own names and addresses as Host, and still refuses any other name', async () => {
    const lanAddress = machineNames().ips.find((ip) => !ip.startsWith('127.') && ip !== '::1') ?? '127.0.0.1';
    const shown = lanAddress.includes(':') ? `[${lanAddress}]` : lanAddress;
    // a colleague's client sends the address it dialled (this used to be a 400 "host not allowed")
    expect((await get('/api/v1/endpoints', { ...admin, host: `${shown}:${server.port}` })).status).toBe(200);
    expect((await get('/api/v1/endpoints', { ...admin, host: `${hostname()}:${server.port}` })).status).toBe(200);
    expect((await get('/api/v1/endpoints', { ...admin, host: `${hostname()}.local:${server.port}` })).status).toBe(200);
    // DNS rebinding: a page on another name, re-pointed at this machine, carries its own name
    const rebound = await get('/api/v1/endpoints', { ...admin, host: `attacker.example:${server.port}` });
    expect(rebound.status).toBe(400);
    expect(JSON.parse(rebound.body).message).toMatch(/host "attacker.example:\d+" is not allowed/);
    // a page of another origin cannot use the owner's browser either
    expect((await get('/api/v1/endpoints', { ...admin, origin: `https://attacker.example:${server.port}` })).status).toBe(403);
    expect((await get('/api/v1/endpoints', { ...admin, origin: `https://127.0.0.1:${server.port}` })).status).toBe(200);
  });

  it('shows the fingerprints it serves and lets clients download the CA they match', async () => {
    const access = JSON.parse((await get('/api/v1/access', admin)).body);
    expect(access).toMatchObject({ mode: 'lan', lan: { active: true }, restart_needed: false });
    expect(access.tls.fingerprint256).toBe(await servedFingerprint(server.port, server.tls!.ca!.pem));
    // the CA is public (a certificate holds no secret) and is the one whose fingerprint is shown
    const ca = await get(access.tls.ca_url);
    expect(ca.status).toBe(200);
    expect(ca.headers['content-disposition']).toBe('attachment; filename="modeldesk-ca.pem"');
    expect(new X509Certificate(ca.body).fingerprint256).toBe(access.tls.ca_fingerprint256);
    expect(new X509Certificate(ca.body).ca).toBe(true);
  });

  it('keeps its CA and certificate across restarts, so clients that trust it keep working', async () => {
    const before = { ca: server.tls!.ca!.fingerprint256, cert: server.tls!.fingerprint256 };
    await server.close();
    server = await startTestServer({ lan: true, dataDir });
    expect({ ca: server.tls!.ca!.fingerprint256, cert: server.tls!.fingerprint256 }).toEqual(before);
    expect((await get('/healthz')).status).toBe(200);
  });
});

describe('LAN mode with the user\'s own certificate, or over plain HTTP', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'modeldesk-owncert-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves --tls-cert/--tls-key as given, and offers no CA download', async () => {
    const own = selfSigned('127.0.0.1');
    writeFileSync(join(dir, 'cert.pem'), own.cert);
    writeFileSync(join(dir, 'key.pem'), own.key);
    const server = await startTestServer({ lan: true, tls: { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') } });
    try {
      expect(server.tls!.fingerprint256).toBe(new X509Certificate(own.cert).fingerprint256);
      const res = await rawRequest({ port: server.port, path: '/api/v1/access', headers: admin, ca: own.cert });
      expect(JSON.parse(res.body).tls).toMatchObject({ ca_fingerprint256: null, ca_url: null });
      expect((await rawRequest({ port: server.port, path: '/api/v1/access/ca.pem', ca: own.cert })).status).toBe(404);
    } finally {
      await server.stop();
    }
  });

  it('refuses a key that does not belong to the certificate, naming the file', async () => {
    const a = selfSigned('127.0.0.1');
    const b = selfSigned('127.0.0.1');
    writeFileSync(join(dir, 'a.pem'), a.cert);
    writeFileSync(join(dir, 'b-key.pem'), b.key);
    await expect(startTestServer({ lan: true, tls: { certFile: join(dir, 'a.pem'), keyFile: join(dir, 'b-key.pem') } })).rejects.toThrow(
      /b-key\.pem is not the private key of .*a\.pem/
    );
  });

  it('serves plain HTTP on the LAN only when told to (--insecure-http), with a warning', async () => {
    const server = await startTestServer({ lan: true, insecureHttp: true });
    try {
      expect(server.url).toMatch(/^http:\/\//);
      expect(server.tls).toBeNull();
      expect(server.warnings.join('\n')).toMatch(/plain HTTP.*readable/);
      expect((await rawRequest({ port: server.port, path: '/api/v1/endpoints' })).status).toBe(401);
      expect((await rawRequest({ port: server.port, path: '/api/v1/endpoints', headers: admin })).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});

/** the SHA-256 fingerprint of the certificate the server presents */
function servedFingerprint(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path: '/healthz', ca }, (res) => {
      const socket = res.socket as TLSSocket;
      resolve(socket.getPeerCertificate().fingerprint256);
      res.resume();
    });
    req.on('error', reject);
    req.end();
  });
}

/** a self-signed certificate for an address, as a user might bring (made with node-forge, like openssl req -x509) */
function selfSigned(ip: string): { cert: string; key: string } {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(pair.publicKey);
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  cert.setSubject([{ name: 'commonName', value: 'my server' }]);
  cert.setIssuer([{ name: 'commonName', value: 'my server' }]);
  cert.setExtensions([{ name: 'subjectAltName', altNames: [{ type: 7, ip }] }]);
  cert.sign(forge.pki.privateKeyFromPem(pair.privateKey) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: pair.privateKey };
}
