/**
 * Where the benchmark's processes run, and what CPU they spend.
 *
 * Pinning: with `taskset` available and at least two cores, the load generator (wrk, or this
 * process when autocannon runs in it) gets core 0 and every server the other cores, so a server
 * never competes with the load generator for a core and the throughput ratios show the servers'
 * own cost. Without taskset (macOS, Windows) or on one core, nothing is pinned and the report
 * says so.
 *
 * CPU time: utime + stime of a server process from /proc/<pid>/stat (all of its threads,
 * onnxruntime's and the checkpointer's included, exited threads too), in clock ticks. Read before
 * and after a load, divided by the requests answered, it gives CPU per request, which does not
 * depend on what else the machine is doing (unlike requests per second).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface Pinning {
  /** taskset's -c list for the load generator, or null when nothing is pinned */
  load: string | null;
  /** taskset's -c list for the servers */
  servers: string | null;
  /** how the report describes it */
  description: string;
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

export function choosePinning(enabled: boolean): Pinning {
  const cores = os.cpus().length;
  if (!enabled) return { load: null, servers: null, description: 'not pinned (--no-pin)' };
  if (!hasTaskset()) return { load: null, servers: null, description: 'not pinned: taskset is not installed' };
  if (cores < 2) return { load: null, servers: null, description: 'not pinned: one core' };
  const servers = cores === 2 ? '1' : `1-${cores - 1}`;
  return {
    load: '0',
    servers,
    description: `load generator on core 0, each server on core${cores === 2 ? '' : 's'} ${servers} (taskset)`
  };
}

/** Pins this process (all its threads: autocannon runs here) to `cpus`. */
export function pinSelf(cpus: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { stdio: 'pipe' });
}

/** `[command, ...args]` run under taskset when `cpus` is given */
export function pinned(cpus: string | null, command: string, args: string[]): [string, string[]] {
  return cpus ? ['taskset', ['-c', cpus, command, ...args]] : [command, args];
}

let ticks: number | undefined;

/** USER_HZ, the unit of /proc/<pid>/stat's times (100 on Linux almost everywhere) */
function clockTicksPerSecond(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { stdio: 'pipe' }).toString().trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** CPU seconds (user + system) the process has used so far, or null where /proc is not available. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name may hold spaces and parentheses: fields are counted after its last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields 14 and 15 of proc(5) (utime, stime); this list starts at field 3
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / clockTicksPerSecond();
  } catch {
    return null;
  }
}
