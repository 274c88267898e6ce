import { insufficientStorage, isModelDeskError, storageBusy, storageUnavailable, type ModelDeskError } from '../errors.ts';

/**
 * What is wrong with the storage, as far as a user can act on it. Each kind has one HTTP answer:
 * no_space 507, busy 503 with Retry-After, the others 503.
 */
export type FaultKind = 'no_space' | 'read_only' | 'busy' | 'missing' | 'corrupt' | 'unavailable';

/** seconds a client should wait before retrying a write refused because the database was locked */
export const busyRetryAfterSeconds = 1;

const nodeCodes: Record<string, FaultKind> = {
  ENOSPC: 'no_space',
  EDQUOT: 'no_space',
  EFBIG: 'no_space',
  EROFS: 'read_only',
  EACCES: 'unavailable',
  EPERM: 'unavailable',
  EIO: 'unavailable',
  ENXIO: 'unavailable',
  ENODEV: 'unavailable',
  ESTALE: 'unavailable',
  ENOTDIR: 'unavailable',
  EISDIR: 'unavailable',
  ENOENT: 'missing',
  // a model file that no longer hashes to its name (registry/artifact-store.ts)
  ERR_ARTIFACT_HASH: 'corrupt'
};

/** The storage fault an error is, or null when it is not one (a bug, or bad input). */
export function faultKindOf(err: unknown): FaultKind | null {
  if (isModelDeskError(err) || !(err instanceof Error)) return null;
  const code = (err as NodeJS.ErrnoException).code ?? sqliteCodeInMessage(err.message);
  if (typeof code !== 'string') return null;
  if (code in nodeCodes) return nodeCodes[code]!;
  if (code === 'SQLITE_FULL') return 'no_space';
  if (code.startsWith('SQLITE_READONLY')) return 'read_only';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'corrupt';
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM') return 'unavailable';
  return null;
}

/**
 * Errors that crossed a worker thread arrive as their message only (log-worker.ts): SQLite's
 * messages are fixed texts, so the code is recovered from them.
 */
const sqliteMessages: [RegExp, string][] = [
  [/database or disk is full/, 'SQLITE_FULL'],
  [/attempt to write a readonly database/, 'SQLITE_READONLY'],
  [/database is locked|database table is locked/, 'SQLITE_BUSY'],
  [/database disk image is malformed/, 'SQLITE_CORRUPT'],
  [/file is not a database/, 'SQLITE_NOTADB'],
  [/disk I\/O error/, 'SQLITE_IOERR'],
  [/unable to open database file/, 'SQLITE_CANTOPEN']
];

function sqliteCodeInMessage(message: string): string | undefined {
  return sqliteMessages.find(([pattern]) => pattern.test(message))?.[1];
}

/** What failed, in words a user can act on: `what` ("the request log") could not be written `where` (a path). */
export interface FaultContext {
  /** the thing being read or written: "the request log", "model file of algorithm 3" */
  what: string;
  /** the file or directory it lives in */
  where: string;
}

/** The user-facing error for a storage fault: says what failed, where, and what to do. */
export function faultError(kind: FaultKind, context: FaultContext, cause?: unknown): ModelDeskError {
  const { what, where } = context;
  const detail = cause instanceof Error ? ` (${(cause as NodeJS.ErrnoException).code ?? cause.message})` : '';
  switch (kind) {
    case 'no_space':
      return insufficientStorage(`the disk is full: ${what} could not be written to ${where}${detail}; free some space and retry`);
    case 'busy':
      return storageBusy(
        `the database ${where} is locked by another connection: ${what} could not be written; retry in ${busyRetryAfterSeconds} s`,
        busyRetryAfterSeconds
      );
    case 'read_only':
      return storageUnavailable(`${where} is read-only: ${what} could not be written${detail}`);
    case 'missing':
      return storageUnavailable(`${what} is missing: ${where} does not exist${detail}`);
    case 'corrupt':
      if ((cause as NodeJS.ErrnoException | undefined)?.code === 'ERR_ARTIFACT_HASH') {
        return storageUnavailable(`${what} does not match its SHA-256: ${where} ${(cause as Error).message}`);
      }
      return storageUnavailable(`${what} is damaged: ${where} cannot be read${detail}`);
    case 'unavailable':
      return storageUnavailable(`${what} cannot be used: ${where} is not accessible${detail}`);
  }
}

/** `err` as the error a user sees: a storage fault becomes 507/503 with its context; anything else is returned as is. */
export function asStorageError(err: unknown, context: FaultContext): unknown {
  const kind = faultKindOf(err);
  return kind ? faultError(kind, context, err) : err;
}

export const isFaultError = (err: unknown): err is ModelDeskError =>
  isModelDeskError(err) && (err.kind === 'insufficient_storage' || err.kind === 'storage_unavailable' || err.kind === 'storage_busy');
