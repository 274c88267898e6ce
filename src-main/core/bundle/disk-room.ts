import { statfsSync } from 'node:fs';
import { insufficientStorage } from '../errors.ts';

/** room kept free beyond the import's own files: SQLite's growth, the WAL, the OS */
const diskHeadroom = 64 * 2 ** 20;

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)} MiB`;

export function statfsFreeSpace(dir: string): number {
  const stats = statfsSync(dir);
  return stats.bavail * stats.bsize;
}

/**
 * Refuses (507) before anything is written when the disk holding `dir` cannot take `bytes` more
 * plus some headroom: a disk that fills halfway leaves temp files and fails on whatever came last.
 */
export function ensureDiskRoom(dir: string, bytes: number, what: string, freeSpace: (dir: string) => number = statfsFreeSpace): void {
  const free = freeSpace(dir);
  if (bytes + diskHeadroom > free) {
    throw insufficientStorage(
      `not enough disk space to import this bundle: ${mib(bytes + diskHeadroom)} needed for ${what} ` +
        `(with ${mib(diskHeadroom)} of headroom), ${mib(free)} free where ModelDesk keeps its data`
    );
  }
}
