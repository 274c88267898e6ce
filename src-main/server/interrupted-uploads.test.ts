import fs from 'node:fs';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { syncBuiltinESMExports } from 'node:module';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureModel } from '../../test/fixtures/index.ts';
import { startTestServer, testToken, type TestServer } from '../../test/helpers/server.ts';
import { canMountSmallDisks, mountSmallDisk, type SmallDisk } from '../../test/helpers/small-disk.ts';

/**
 * Uploads that end badly get an answer, and the connection is left usable or closed, never
 * hanging (issue 20, item 11). Spoken over a raw socket: an HTTP client library would hide
 * whether the server kept the connection, answered on it, or closed it.
 */
const hangsAfterMs = 10_000;

/** One keep-alive connection: sends bytes, and reads the answers (or the close) as they come. */
class RawConnection {
  private readonly socket: Socket;
  private received = '';
  private closed = false;
  private readonly waiters: (() => void)[] = [];

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('data', (d) => this.wake((this.received += d.toString('latin1'))));
    this.socket.on('close', () => this.wake((this.closed = true)));
    this.socket.on('error', () => undefined);
  }

  write(bytes: Buffer | string): Promise<void> {
    return new Promise((resolve) => (this.socket.destroyed ? resolve() : this.socket.write(bytes, () => resolve())));
  }

  /** The next complete answer on the connection, or 'closed'; a connection that says nothing is a hang. */
  async next(): Promise<{ status: number; headers: string; body: string } | 'closed'> {
    const deadline = Date.now() + hangsAfterMs;
    for (;;) {
      const answer = this.take();
      if (answer) return answer;
      if (this.closed) return 'closed';
      if (Date.now() > deadline) throw new Error(`the connection hung: no answer and no close within ${hangsAfterMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  destroy(): void {
    this.socket.destroy();
  }

  private take() {
    const end = this.received.indexOf('\r\n\r\n');
    if (end < 0) return null;
    const headers = this.received.slice(0, end);
    const length = Number(/content-length: (\d+)/i.exec(headers)?.[1] ?? 0);
    if (this.received.length < end + 4 + length) return null;
    const body = this.received.slice(end + 4, end + 4 + length);
    this.received = this.received.slice(end + 4 + length);
    return { status: Number(headers.split(' ')[1]), headers: headers.toLowerCase(), body };
  }

  private wake(_: unknown): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

let server: TestServer | undefined;
let disk: SmallDisk | undefined;
let connection: RawConnection | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  connection?.destroy();
  await server?.stop();
  disk?.unmount();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  server = disk = connection = dataDir = undefined;
});

const head = (path: string, headers: Record<string, string | number>) =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${testToken}\r\n` +
  Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('') +
  '\r\n';
const healthCheck = 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';

describe('a registration whose multipart body is cut short', () => {
  it('is a 400 naming the file, and the same connection then answers the next request', async () => {
    server = await startTestServer({ seed: false });
    connection = new RawConnection(server.port);
    const boundary = 'modeldesk-test-boundary';
    // the body ends inside the model file: no closing boundary
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="endpoint"\r\n\r\niris\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="m.onnx"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      fixtureModel('iris_lr').subarray(0, 200)
    ]);
    await connection.write(head('/api/v1/mlalgorithms', { 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': body.length }));
    await connection.write(body);
    const answer = await connection.next();
    expect(answer).not.toBe('closed');
    if (answer === 'closed') return;
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 'Error', field: 'file', message: expect.stringContaining('cut short') });

    await connection.write(healthCheck);
    const next = await connection.next();
    expect(next === 'closed' ? 'closed' : next.status).toBe(200);
    expect((await server.json('/api/v1/mlalgorithms')).body).toEqual([]);
  });
});

describe('an import that fails mid-stream', () => {
  // The disk under the data dir's tmp folder fills while the bundle streams in: a real tmpfs
  // where this process may mount one (CI runs as root), else the write stream is made to fail
  // with ENOSPC after 256 KiB, as a full disk would.
  it('answers 507 saying where, then closes the connection instead of leaving it waiting', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'modeldesk-import-'));
    server = await startTestServer({ seed: false, dataDir });
    const tmp = join(server.dataDir, 'tmp');
    const real = fs.createWriteStream;
    if (canMountSmallDisks()) disk = mountSmallDisk(tmp, 512 * 1024);
    else {
      fs.createWriteStream = ((path: fs.PathLike) => {
        let written = 0;
        return new Writable({
          write(chunk: Buffer, _encoding, done) {
            written += chunk.length;
            done(written > 256 * 1024 ? Object.assign(new Error(`ENOSPC: no space left on device, write '${String(path)}'`), { code: 'ENOSPC', path: String(path) }) : null);
          }
        });
      }) as typeof fs.createWriteStream;
      syncBuiltinESMExports();
    }
    try {
      connection = new RawConnection(server.port);
      // chunked: no length to refuse up front, so the disk fills while the body arrives
      await connection.write(head('/api/v1/registry/import', { 'Content-Type': 'application/zip', 'Transfer-Encoding': 'chunked' }));
      const chunk = Buffer.alloc(64 * 1024, 7);
      for (let i = 0; i < 48; i++) await connection.write(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]));
      await connection.write('0\r\n\r\n' + healthCheck);

      const answer = await connection.next();
      expect(answer).not.toBe('closed');
      if (answer === 'closed') return;
      expect(answer.status).toBe(507);
      expect(JSON.parse(answer.body).message).toContain(`the disk is full: the uploaded bundle could not be written to ${tmp}`);
      expect(answer.headers).toContain('connection: close');
      expect(await connection.next()).toBe('closed');
    } finally {
      fs.createWriteStream = real;
      syncBuiltinESMExports();
    }
    expect(readdirSync(tmp).filter((name) => !name.startsWith('filler'))).toEqual([]);
    expect((await server.json('/healthz')).status).toBeLessThan(600);
  });
});

describe('every API answer', () => {
  it('says its content type must not be sniffed', async () => {
    server = await startTestServer({ seed: false });
    for (const path of ['/healthz', '/api/v1/endpoints', '/api/v1/nothing-here', '/v2', '/openapi.json']) {
      expect((await server.request(path)).headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });
});
