import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..', '..');

export interface HeadlessServer {
  /** http://127.0.0.1:<port> */
  url: string;
  token: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * A real `modeldesk serve --port 0` with its own temporary data directory, as a user runs it:
 * the URL and token come from what it prints ("Open http://127.0.0.1:<port>/?token=…").
 * `seed: false` starts it with an empty registry (`--no-seed`); `dataDir` puts its data there.
 */
export async function startServer(options: { seed?: boolean; dataDir?: string } = {}): Promise<HeadlessServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'modeldesk-e2e-'));
  const tsx = join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const flags = options.seed === false ? ['--no-seed'] : [];
  const child = spawn(process.execPath, [tsx, 'src-main/cli/main.ts', 'serve', '--port', '0', '--data', dataDir, ...flags], {
    cwd: repoRoot,
    env: { ...process.env, MODELDESK_ADMIN_TOKEN: '' },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  try {
    const { url, token } = await printedUrl(child);
    return { url, token, dataDir, stop: () => stop(child, dataDir) };
  } catch (err) {
    await stop(child, dataDir);
    throw err;
  }
}

function printedUrl(child: ChildProcess): Promise<{ url: string; token: string }> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Open (http:\/\/[^\s/]+)\/\?token=(\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1]!, token: match[2]! });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
}

async function stop(child: ChildProcess, dataDir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timeout = new Promise((resolve) => setTimeout(resolve, 10_000));
    await Promise.race([exited, timeout]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  rmSync(dataDir, { recursive: true, force: true });
}
