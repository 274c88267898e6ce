import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../fixtures/index.ts';

const run = promisify(execFile);

/** `npm run cli -- …` as a user runs it: a child process, not a TTY (so no progress bar). Never throws. */
export async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(join(repoRoot, 'node_modules', '.bin', 'tsx'), [join(repoRoot, 'src-main', 'cli', 'main.ts'), ...args], { cwd: repoRoot });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
