import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, tutorialRecord } from '../../test/fixtures/index.ts';

const run = promisify(execFile);

/** The exec-form JSON array of the last `instruction` in the Dockerfile (continuation lines joined). */
function dockerfileArray(text: string, instruction: 'ENTRYPOINT' | 'CMD' | 'HEALTHCHECK'): string[] {
  const lines = text.replace(/\\\n\s*/g, ' ').split('\n').filter((l) => l.startsWith(`${instruction} `));
  const last = lines.at(-1);
  if (!last) throw new Error(`the Dockerfile has no ${instruction}`);
  return JSON.parse(last.slice(last.indexOf('['))) as string[];
}

/**
 * Issue 19 §3, checked without a container engine: the image's exact start command (Dockerfile
 * ENTRYPOINT + CMD), run from the built JavaScript (npm run build:server) with plain node, in
 * the repository laid out as the image's /app, answers its health check and a prediction. Two
 * arguments change, and only these: the port (0, a free one) and the data dir (a temp folder);
 * and the bind address, 127.0.0.1 instead of the image's 0.0.0.0, because tests here bind
 * loopback only (the image needs 0.0.0.0 to be reachable through the container's port).
 */
describe('the container image start command, outside a container', { timeout: 180_000 }, () => {
  const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
  const entrypoint = dockerfileArray(dockerfile, 'ENTRYPOINT');
  const cmd = dockerfileArray(dockerfile, 'CMD');
  let dataDir: string;
  let child: ReturnType<typeof spawn>;
  let url: string;
  let output = '';

  const replaced = (args: string[], flag: string, value: string) => {
    const at = args.indexOf(flag);
    expect(at, `${flag} in the Dockerfile's CMD`).toBeGreaterThan(-1);
    return args.map((a, i) => (i === at + 1 ? value : a));
  };

  beforeAll(async () => {
    await run('npm', ['run', 'build:server', '--silent'], { cwd: repoRoot });
    dataDir = mkdtempSync(join(tmpdir(), 'modeldesk-built-'));
    let args = [...entrypoint, ...cmd];
    args = replaced(args, '--port', '0');
    args = replaced(args, '--data', dataDir);
    args = replaced(args, '--host', '127.0.0.1');
    child = spawn(args[0]!, args.slice(1), { cwd: repoRoot, env: { ...process.env, MODELDESK_ADMIN_TOKEN: 'built-server-token' }, stdio: ['ignore', 'pipe', 'pipe'] });
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address printed within 60 s:\n${output}`)), 60_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /Open (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      };
      child.stdout!.on('data', read);
      child.stderr!.on('data', read);
      child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
    });
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('is the built JavaScript on plain node, serving on all interfaces from the /data volume', () => {
    expect(entrypoint).toEqual(['node', 'dist/server/main.js']);
    expect(cmd).toEqual(['serve', '--host', '0.0.0.0', '--port', '8765', '--data', '/data']);
    expect(existsSync(join(repoRoot, 'dist', 'server', 'main.js'))).toBe(true);
    expect(readFileSync(join(repoRoot, 'dist', 'server', 'main.js'), 'utf8')).not.toMatch(/from ["'][^"']+\.ts["']/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
  });

  it('answers the image\'s HEALTHCHECK command', async () => {
    const check = dockerfileArray(dockerfile, 'HEALTHCHECK');
    const cmdAt = check.indexOf('node');
    const [program, ...args] = check.slice(cmdAt).map((a) => a.replace('http://127.0.0.1:8765', url));
    expect(args.join(' ')).toContain(`${url}/healthz`);
    await expect(run(program!, args)).resolves.toBeDefined(); // exit 0
    expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ status: 'ok', endpoints: 1 });
  });

  it('predicts with the seeded model, migrations and models found from the built file', async () => {
    const res = await fetch(`${url}/api/v1/income_classifier/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(tutorialRecord)
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; label: string; request_id: number };
    expect(body).toMatchObject({ status: 'OK', label: '<=50K', request_id: 1 });
    expect(existsSync(join(dataDir, 'modeldesk.db'))).toBe(true);
    const v2 = await fetch(`${url}/v2`);
    expect(await v2.json()).toMatchObject({ name: 'modeldesk', version: expect.any(String) });
  });

  it('serves Open Inference v2 over gRPC from the built file when asked (--grpc-port; off in the image)', async () => {
    const data = mkdtempSync(join(tmpdir(), 'modeldesk-built-grpc-'));
    const server = spawn('node', ['dist/server/main.js', 'serve', '--port', '0', '--grpc-port', '0', '--no-seed', '--data', data], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let printed = '';
      const grpcAddress = await new Promise<string>((resolve, reject) => {
        const read = (chunk: Buffer) => {
          printed += chunk.toString();
          const match = /Open Inference v2 over gRPC: (127\.0\.0\.1:\d+)/.exec(printed);
          if (match) resolve(match[1]!);
        };
        server.stdout.on('data', read);
        server.stderr.on('data', read);
        server.once('exit', (code) => reject(new Error(`exited with ${code}:\n${printed}`)));
      });
      const definition = protoLoader.loadSync(join(repoRoot, 'proto/grpc_predict_v2.proto'), { keepCase: true, defaults: true });
      const Service = (grpc.loadPackageDefinition(definition) as any).inference.GRPCInferenceService as grpc.ServiceClientConstructor;
      const client = new Service(grpcAddress, grpc.credentials.createInsecure()) as any;
      const live = await new Promise((resolve, reject) => client.ServerLive({}, (err: Error | null, res: unknown) => (err ? reject(err) : resolve(res))));
      client.close();
      expect(live).toEqual({ live: true });
    } finally {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
      rmSync(data, { recursive: true, force: true });
    }
  });
});
