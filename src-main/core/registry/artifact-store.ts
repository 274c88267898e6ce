import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const sha256Pattern = /^[0-9a-f]{64}$/;

/**
 * Content-addressed model files: artifacts/<sha256>.onnx, written once (temp file + rename, so a
 * crash never leaves a partial artifact under its final name) and never modified.
 */
export class ArtifactStore {
  readonly dir: string;

  constructor(dataDir: string) {
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

  /** Stores the bytes; returns whether a new file was created (false when already present). */
  put(bytes: Uint8Array, sha256 = ArtifactStore.hash(bytes)): { sha256: string; created: boolean } {
    const target = this.pathOf(sha256);
    if (existsSync(target)) return { sha256, created: false };
    const temp = join(this.dir, `.${randomUUID()}.tmp`);
    writeFileSync(temp, bytes);
    renameSync(temp, target);
    return { sha256, created: true };
  }

  read(sha256: string): Buffer {
    return readFileSync(this.pathOf(sha256));
  }

  /** Used only to undo a put whose database transaction failed. */
  remove(sha256: string): void {
    rmSync(this.pathOf(sha256), { force: true });
  }
}
