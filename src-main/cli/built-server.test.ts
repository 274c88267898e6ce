import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adultRows, repoRoot, tutorialRecord } from '../../test/fixtures/index.ts';
import { startTestServer } from '../../test/helpers/server.ts';

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
 * loopback only (the image needs 0.0.0.0 to be reachable through the container's port). Bound to
 * 0.0.0.0 the image serves the LAN (issue 17: HTTPS with the local CA, keys): its HEALTHCHECK is
 * also run, as the image runs it, against a server in LAN mode.
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
    const [program, ...args] = check.slice(cmdAt).map((a) => a.replace(/https?:\/\/127\.0\.0\.1:8765/, url));
    expect(args.join(' ')).toContain(`${url}/healthz`);
    await expect(run(program!, args)).resolves.toBeDefined(); // exit 0
    expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ status: 'ok', endpoints: 1 });
  });

  it('passes the HEALTHCHECK over the HTTPS the image serves on 0.0.0.0 (LAN mode), trusting only the local CA', async () => {
    const check = dockerfileArray(dockerfile, 'HEALTHCHECK');
    expect(check.slice(0, check.indexOf('node'))).toEqual(['env', 'NODE_EXTRA_CA_CERTS=/data/tls/ca.pem']);
    const lan = await startTestServer({ lan: true, seed: false });
    try {
      const caFile = join(lan.dataDir, 'tls', 'ca.pem');
      expect(lan.tls?.ca?.file).toBe(caFile);
      const [program, ...args] = check.slice(check.indexOf('node')).map((a) => a.replace('https://127.0.0.1:8765', lan.url));
      expect(args.join(' ')).toContain(`${lan.url}/healthz`);
      await expect(run(program!, args, { env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile } })).resolves.toBeDefined(); // exit 0
      // the certificate is verified: without the CA the same check fails
      await expect(run(program!, args, { env: { ...process.env, NODE_EXTRA_CA_CERTS: '' } })).rejects.toMatchObject({ code: 1 });
    } finally {
      await lan.stop();
    }
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

  it('runs a batch job on the job worker built beside it (dist/server/job-worker.js)', async () => {
    expect(existsSync(join(repoRoot, 'dist', 'server', 'job-worker.js'))).toBe(true);
    const rows = adultRows(50);
    const columns = Object.keys(rows[0]!.record);
    const form = new FormData();
    form.set('endpoint', 'income_classifier');
    form.set('file', new Blob([[columns.join(','), ...rows.map((r) => columns.map((c) => r.record[c]).join(','))].join('\n')]), 'built.csv');
    const auth = { authorization: 'Bearer built-server-token' };
    const created = await fetch(`${url}/api/v1/jobs`, { method: 'POST', headers: auth, body: form });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: number };
    let job: { state: string; rows_done: number; message: string | null } = { state: 'queued', rows_done: 0, message: null };
    for (let tries = 0; tries < 600 && !['completed', 'failed', 'cancelled'].includes(job.state); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = (await (await fetch(`${url}/api/v1/jobs/${id}`, { headers: auth })).json()) as typeof job;
    }
    expect(job).toMatchObject({ state: 'completed', rows_done: 50 });
  });

  it('runs the monitoring commands from the built file on the directory the server serves, and the server reads what they set', async () => {
    const rows = adultRows(300);
    const columns = Object.keys(rows[0]!.record);
    const csv = join(mkdtempSync(join(tmpdir(), 'modeldesk-built-ref-')), 'train.csv');
    writeFileSync(csv, [columns.join(','), ...rows.map((r) => columns.map((c) => r.record[c]).join(','))].join('\n'));
    try {
      const reference = await run('node', ['dist/server/main.js', 'reference', csv, '--algorithm', '1', '--created-by', 'ops', '--data', dataDir], { cwd: repoRoot });
      expect(reference.stdout).toMatch(/^Reference profile 1 set for algorithm 1: train\.csv \(300 rows/);
      const drift = await run('node', ['dist/server/main.js', 'drift', '--endpoint', 'income_classifier', '--json', '--data', dataDir], { cwd: repoRoot });
      expect(JSON.parse(drift.stdout)).toMatchObject({ algorithm: { id: 1, name: 'random forest' }, reference: { id: 1, created_by: 'ops' } });
      const served = await fetch(`${url}/api/v1/monitoring/references?algorithm=1`, { headers: { authorization: 'Bearer built-server-token' } });
      expect(served.status).toBe(200);
      expect(await served.json()).toEqual([expect.objectContaining({ id: 1, active: true, source: 'file', rows: 300 })]);
    } finally {
      rmSync(join(csv, '..'), { recursive: true, force: true });
    }
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
