import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StorageHealth } from '../storage/health.ts';
import { probeDirectory } from '../storage/probes.ts';

const sha256Pattern = /^[0-9a-f]{64}$/;

/** A model file whose bytes no longer hash to its name (storage/faults.ts reports it as damaged). */
export class ArtifactHashError extends Error {
  readonly code = 'ERR_ARTIFACT_HASH';
  constructor(
    readonly path: string,
    readonly actual: string
  ) {
    super(`it hashes to ${actual}: the file was changed or replaced after it was registered; restore it, or register the model again`);
  }
}

/**
 * Content-addressed model files: artifacts/<sha256>.onnx, written once (temp file + rename, so a
 * crash never leaves a partial artifact under its final name) and never modified. A file is
 * checked against its name whenever a model is loaded from it (issue 20, item 8).
 */
export class ArtifactStore {
  readonly dir: string;
  /** files already checked, by sha256 → what identified the file then (inode, size, times) */
  private readonly checked = new Map<string, string>();

  constructor(
    dataDir: string,
    /** failed writes are reported here (area `artifacts`) and answered 507/503 */
    private readonly health?: StorageHealth
  ) {
    this.dir = join(dataDir, 'artifacts');
    mkdirSync(this.dir, { recursive: true });
  }

  static hash(bytes: Uint8Array): string {
    return createHash('sha256').update(bytes).digest('hex');
  }

  pathOf(sha256: string): string {
    if (!sha256Pattern.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return join(this.dir, `${sha256}.onnx`);
  }

  has(sha256: string): boolean {
    return existsSync(this.pathOf(sha256));
  }

  /**
   * Stores the bytes; returns whether a new file was created (false when already present). A
   * write that fails (full disk, read-only directory) leaves no temp file behind and is answered
   * 507/503 naming the directory.
   */
  put(bytes: Uint8Array, sha256 = ArtifactStore.hash(bytes)): { sha256: string; created: boolean } {
    const target = this.pathOf(sha256);
    if (existsSync(target)) return { sha256, created: false };
    const temp = join(this.dir, `.${randomUUID()}.tmp`);
    try {
      writeFileSync(temp, bytes);
      renameSync(temp, target);
    } catch (err) {
      removeQuietly(temp);
      throw this.health ? this.health.fault('artifacts', err, { what: 'the model file', where: this.dir }, () => probeDirectory(this.dir)) : err;
    }
    this.health?.ok('artifacts');
    return { sha256, created: true };
  }

  read(sha256: string): Buffer {
    return readFileSync(this.pathOf(sha256));
  }

  /** The file's bytes, refused (ArtifactHashError) when they do not hash to its name. */
  readVerified(sha256: string): Buffer {
    const path = this.pathOf(sha256);
    const identity = identityOf(path);
    const bytes = readFileSync(path);
    const actual = ArtifactStore.hash(bytes);
    if (actual !== sha256) {
      this.checked.delete(sha256);
      throw new ArtifactHashError(path, actual);
    }
    this.checked.set(sha256, identity);
    return bytes;
  }

  /**
   * Throws when the file is missing, unreadable or does not hash to its name. Cheap when the
   * file is the one already checked (same inode, size and times); readiness asks often.
   */
  check(sha256: string): void {
    const identity = identityOf(this.pathOf(sha256));
    if (this.checked.get(sha256) !== identity) this.readVerified(sha256);
  }

  /** Used only to undo a put whose database transaction failed. */
  remove(sha256: string): void {
    rmSync(this.pathOf(sha256), { force: true });
    this.checked.delete(sha256);
  }
}

function identityOf(path: string): string {
  const s = statSync(path);
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // a read-only directory never got the file
  }
}
