import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newSecret } from '../access/key-secret.ts';
import { createLogger, logFileName } from './logger.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'modeldesk-log-'));
  dirs.push(dir);
  return dir;
};

describe('the structured log (issue 20, item 6)', () => {
  it('writes JSON lines to <data>/logs/modeldesk.log, warnings and errors also to stderr, with secrets removed', () => {
    const dir = dataDir();
    const stderr: string[] = [];
    const token = 'admin-token-3f9c2a7b1e';
    const { logger, close } = createLogger({ dataDir: dir, secrets: [token], stderr: (line) => stderr.push(line) });
    logger.info({ area: 'database' }, 'storage recovered');
    logger.error(
      { err: new Error(`request to http://127.0.0.1:8765/?token=${token} failed`), key: 'mdk_live_8Hq2xZ0pLm4Tn7' },
      `a client sent Authorization: Bearer ${token} and mdk_abcdef123456`
    );
    // a secret exactly as access control issues it (core/access/key-secret.ts)
    const issued = newSecret().secret;
    logger.warn({ authorization: `Bearer ${issued}` }, `key ${issued} was refused`);
    close();

    const lines = readFileSync(join(dir, logFileName), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    const [info, error, refused] = lines.map((l) => JSON.parse(l));
    expect(refused).toMatchObject({ authorization: 'Bearer [redacted]', msg: 'key [redacted] was refused' });
    expect(lines.join('\n')).not.toContain(issued);
    expect(info).toMatchObject({ level: 30, area: 'database', msg: 'storage recovered', time: expect.any(String) });
    expect(error).toMatchObject({ level: 50, key: '[redacted]', msg: 'a client sent Authorization: Bearer [redacted] and [redacted]' });
    expect(error.err.message).toBe('request to http://127.0.0.1:8765/?token=[redacted] failed');
    const written = lines.join('\n') + stderr.join('');
    expect(written).not.toContain(token);
    expect(written).not.toMatch(/mdk_[a-z0-9]/i);
    // only the error and the warning reached stderr
    expect(stderr.map((line) => JSON.parse(line).level)).toEqual([50, 40]);
  });

  it('never fails the caller when the log file cannot be written; stderr still gets the line', () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'logs'), 'a file where the log folder should be');
    const stderr: string[] = [];
    const { logger, close } = createLogger({ dataDir: dir, stderr: (line) => stderr.push(line) });
    expect(() => logger.error('the disk is full')).not.toThrow();
    close();
    expect(stderr.map((l) => JSON.parse(l).msg)).toEqual(['the disk is full']);
  });
});
