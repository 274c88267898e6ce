/** What the report says about the machine a run was measured on. */
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './helpers.ts';
import { wrkVersion, type LoadTool } from './load.ts';

function versionOf(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(join(repoRoot, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

export function machine(tool: LoadTool, pinning: string): Record<string, string> {
  const cpus = os.cpus();
  const memory = new Database(':memory:');
  const sqlite = memory.prepare('select sqlite_version()').pluck().get() as string;
  memory.close();
  return {
    CPU: `${cpus[0]?.model ?? '?'} × ${cpus.length} logical cores`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    OS: `${os.type()} ${os.release()} (${os.arch()})`,
    'load average at start': os.loadavg().map((l) => l.toFixed(2)).join(', '),
    Node: process.version,
    'onnxruntime-node': versionOf('onnxruntime-node'),
    Fastify: versionOf('fastify'),
    'better-sqlite3 / SQLite': `${versionOf('better-sqlite3')} / ${sqlite}`,
    tsx: versionOf('tsx'),
    'load generator': tool === 'wrk' ? `wrk ${wrkVersion()} (1 thread)` : `autocannon ${versionOf('autocannon')} (in-process)`,
    'cores': pinning
  };
}
