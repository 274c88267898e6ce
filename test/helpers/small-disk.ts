import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Small file systems for storage-fault tests (issue 20, items 6 and 11): a tmpfs of a few MiB
 * mounted on a folder, which a test fills or turns read-only. Mounting needs root (CAP_SYS_ADMIN),
 * which CI has (it runs as root on Debian); where it is missing, the tests that need it say so
 * and simulate the fault at the file-system call instead.
 */
let mountable: boolean | undefined;

/** Whether this process may mount a tmpfs (tried once, on a throwaway folder; MODELDESK_TEST_NO_MOUNT=1 says no, to run the simulations). */
export function canMountSmallDisks(): boolean {
  if (mountable !== undefined) return mountable;
  if (process.env.MODELDESK_TEST_NO_MOUNT === '1') return (mountable = false);
  const dir = mkdtempSync(join(tmpdir(), 'modeldesk-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore' });
    execFileSync('umount', [dir], { stdio: 'ignore' });
    mountable = true;
  } catch {
    mountable = false;
  }
  rmSync(dir, { recursive: true, force: true });
  return mountable;
}

export interface SmallDisk {
  dir: string;
  /** fills every free byte with a file (ENOSPC from then on); release() frees it */
  fill(): { release(): void };
  readOnly(): void;
  writable(): void;
  unmount(): void;
}

/** Mounts a tmpfs of `bytes` on `dir` (created if needed). */
export function mountSmallDisk(dir: string, bytes: number): SmallDisk {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir]);
  const remount = (mode: 'ro' | 'rw') => execFileSync('mount', ['-o', `remount,${mode}`, dir]);
  return {
    dir,
    fill() {
      const file = join(dir, `filler-${process.pid}-${Date.now()}`);
      const fd = openSync(file, 'w');
      const chunk = Buffer.alloc(64 * 1024, 1);
      const small = Buffer.alloc(512, 1);
      try {
        for (;;) writeSync(fd, chunk);
      } catch {
        // full at 64 KiB granularity; take the rest too
      }
      try {
        for (;;) writeSync(fd, small);
      } catch {
        // full
      }
      // closed now: a deleted file's space returns only once no descriptor holds it
      closeSync(fd);
      return { release: () => rmSync(file, { force: true }) };
    },
    readOnly: () => remount('ro'),
    writable: () => remount('rw'),
    unmount() {
      try {
        execFileSync('umount', [dir], { stdio: 'ignore' });
      } catch {
        execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
      }
    }
  };
}
