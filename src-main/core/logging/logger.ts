import { closeSync, mkdirSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';

export type { Logger };

/** `<dataDir>/logs/modeldesk.log`: JSON lines (pino's format), one event per line. */
export const logFileName = join('logs', 'modeldesk.log');

/** a log larger than this at start is moved to modeldesk.log.1 (one generation is kept) */
const rotateAtBytes = 10 * 2 ** 20;
/** after a failed write the file is tried again at most this often (the disk may have room again) */
const reopenAfterMs = 5000;
/** API keys as access control issues them (`mdk_…`) */
const apiKeyPattern = /mdk_[A-Za-z0-9_-]{6,}/g;

export interface LoggerOptions {
  dataDir: string;
  /** exact strings never to be written (the admin token); keys that look like `mdk_…` always are */
  secrets?: readonly string[];
  /** lines from this level on also go to stderr (default warn) */
  stderrLevel?: 'info' | 'warn' | 'error';
  /** where stderr lines go (tests) */
  stderr?: (line: string) => void;
}

/**
 * The core's structured log: JSON lines in the data directory and, from `warn` on, on stderr.
 * Secrets are removed from the finished line, whatever field they hide in (a message, an error's
 * stack, a URL): the admin token and anything shaped like an API key become "[redacted]".
 * Writing the log never fails the caller: a full or read-only disk loses file lines (stderr still
 * gets them) and the file is tried again a few seconds later.
 */
export function createLogger(options: LoggerOptions): { logger: Logger; close: () => void } {
  const file = new LogFile(join(options.dataDir, logFileName));
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 8);
  const toStderr = options.stderr ?? ((line: string) => process.stderr.write(line));
  const stderrFrom = pino.levels.values[options.stderrLevel ?? 'warn']!;
  const redact = (line: string) => {
    let clean = line.replace(apiKeyPattern, '[redacted]');
    for (const secret of secrets) clean = clean.split(secret).join('[redacted]');
    return clean;
  };
  const sink = {
    write(line: string) {
      const clean = redact(line);
      file.append(clean);
      const level = Number(/"level":(\d+)/.exec(clean)?.[1] ?? 0);
      if (level >= stderrFrom) toStderr(clean);
    }
  };
  const logger = pino({ base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime, level: 'info' }, sink);
  return { logger, close: () => file.close() };
}

class LogFile {
  private fd: number | null = null;
  private failedAt = -Infinity;

  constructor(private readonly path: string) {}

  append(line: string): void {
    if (this.fd === null && Date.now() - this.failedAt < reopenAfterMs) return;
    try {
      this.fd ??= this.open();
      writeSync(this.fd, line);
    } catch {
      this.close();
      this.failedAt = Date.now();
    }
  }

  private open(): number {
    mkdirSync(join(this.path, '..'), { recursive: true });
    const size = statSync(this.path, { throwIfNoEntry: false })?.size ?? 0;
    if (size > rotateAtBytes) renameSync(this.path, `${this.path}.1`);
    return openSync(this.path, 'a');
  }

  close(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      // already unusable
    }
    this.fd = null;
  }
}
