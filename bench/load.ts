/**
 * Drives an HTTP server with a real load generator: wrk when installed (C, so it leaves more
 * of a small machine to the servers), else autocannon, in-process. Both keep connections
 * alive, send POST bodies cycling through the given list and report throughput and latency.
 */
import autocannon from 'autocannon';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pinned } from './cpu.ts';
import { median } from './helpers.ts';

export type LoadTool = 'wrk' | 'autocannon';

export interface LoadOptions {
  tool: LoadTool;
  url: string;
  path: string;
  /** request bodies (JSON text), sent in turn */
  bodies: string[];
  connections: number;
  durationSec: number;
  /** taskset's -c list for wrk (cpu.ts); autocannon runs in this process, pinned with it */
  cpus?: string | null;
}

export interface LoadResult {
  requestsPerSec: number;
  /** median and 99th percentile latency of successful requests, ms */
  p50Ms: number;
  p99Ms: number;
  /** responses other than 2xx, and socket errors/timeouts */
  non2xx: number;
  errors: number;
  /** 2xx responses */
  ok: number;
}

export function wrkVersion(): string | null {
  try {
    // wrk prints its version with -v and exits 1
    execFileSync('wrk', ['-v'], { stdio: 'pipe' });
  } catch (err) {
    const out = String((err as { stdout?: Buffer }).stdout ?? '') + String((err as { stderr?: Buffer }).stderr ?? '');
    const match = /wrk\s+(\S+)/.exec(out);
    if (match) return match[1]!;
  }
  return null;
}

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return options.tool === 'wrk' ? runWrk(options) : runAutocannon(options);
}

async function runAutocannon(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.durationSec,
        requests: options.bodies.map((body) => ({
          method: 'POST' as const,
          path: options.path,
          headers: { 'content-type': 'application/json' },
          body
        }))
      },
      (err, res) => (err ? reject(err as Error) : resolve(res))
    );
    // autocannon's histogram keeps whole milliseconds; sub-millisecond medians need the raw times
    instance.on('response', (_client, statusCode: number, _bytes, responseTime: number) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
  const ok = result['2xx'];
  return {
    requestsPerSec: ok / (result.duration || options.durationSec),
    p50Ms: median(latencies),
    p99Ms: percentile(latencies, 0.99),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    ok
  };
}

function percentile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const luaScript = (bodiesFile: string) => `
local bodies = {}
for line in io.lines("${bodiesFile}") do bodies[#bodies + 1] = line end
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  i = i % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[i])
end
done = function(summary, latency, requests)
  io.write(string.format("MD_RESULT %d %d %d %d %d %d %f %f\\n", summary.requests, summary.duration,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write,
    summary.errors.timeout, 0, latency:percentile(50), latency:percentile(99)))
end
`;

async function runWrk(options: LoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'modeldesk-wrk-'));
  try {
    const bodiesFile = join(dir, 'bodies.txt');
    writeFileSync(bodiesFile, options.bodies.map((b) => b.replace(/\n/g, ' ')).join('\n') + '\n');
    const script = join(dir, 'post.lua');
    writeFileSync(script, luaScript(bodiesFile));
    const args = ['-t1', `-c${options.connections}`, `-d${options.durationSec}s`, '--timeout', '10s', '-s', script, options.url + options.path];
    const [command, commandArgs] = pinned(options.cpus ?? null, 'wrk', args);
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(command, commandArgs, { maxBuffer: 1 << 20 }, (err, out, errOut) => (err ? reject(new Error(`wrk failed: ${errOut || err.message}`)) : resolve(out)))
    );
    const line = /MD_RESULT (.*)/.exec(stdout)?.[1];
    if (!line) throw new Error(`unexpected wrk output:\n${stdout}`);
    const [requests, durationUs, status, socket, timeouts, , p50Us, p99Us] = line.split(' ').map(Number) as number[];
    const ok = requests! - status!;
    return {
      requestsPerSec: ok / (durationUs! / 1e6),
      p50Ms: p50Us! / 1000,
      p99Ms: p99Us! / 1000,
      non2xx: status!,
      errors: socket! + timeouts!,
      ok
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
