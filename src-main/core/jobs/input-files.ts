import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { invalidInput, ModelDeskError } from '../errors.ts';

/** SHA-256 of a file, streamed: the input's fingerprint. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const data of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(data as Buffer);
  return hash.digest('hex');
}

/** A file received into the data directory, with what was learnt on the way. */
export interface ReceivedFile {
  path: string;
  bytes: number;
  sha256: string;
}

/**
 * Streams an upload to a temporary file under `dir`, hashing it on the way (nothing is held in
 * memory). The caller moves it into place or deletes it; a failed upload leaves nothing.
 */
export async function receiveUpload(stream: Readable, dir: string, truncated: () => boolean): Promise<ReceivedFile> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `upload-${randomBytes(8).toString('hex')}.part`);
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    await pipeline(
      stream,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const data of source) {
          hash.update(data);
          bytes += data.length;
          yield data;
        }
      },
      createWriteStream(path)
    );
    if (truncated()) throw new ModelDeskError('too_large', 'the uploaded file is larger than the upload limit', 'file');
  } catch (err) {
    rmSync(path, { force: true });
    throw err;
  }
  return { path, bytes, sha256: hash.digest('hex') };
}

/**
 * Which files on this machine a job may read by path. A path is accepted when, with every
 * symbolic link resolved, it lies inside one of the allowed folders, or it is a file the
 * desktop app's own open dialog returned (the user chose it there). Anything else is refused:
 * the server never reads an arbitrary file because a request named it.
 */
export class InputAllowance {
  private readonly folders: string[];
  private readonly granted = new Set<string>();

  constructor(folders: readonly string[]) {
    this.folders = folders.map((folder) => {
      const absolute = resolve(folder);
      try {
        return realpathSync(absolute);
      } catch {
        return absolute;
      }
    });
  }

  /** the folders, as shown in messages */
  get allowedFolders(): readonly string[] {
    return this.folders;
  }

  /** A file the user picked in a native dialog may be read from now on. */
  grant(path: string): void {
    this.granted.add(realpathSync(resolve(path)));
  }

  /** The real path of `path` when a job may read it; throws invalid_input naming why not. */
  check(path: string): string {
    if (typeof path !== 'string' || path.trim() === '') throw invalidInput('path must be a file path on this machine', 'path');
    if (!isAbsolute(path)) throw invalidInput('path must be absolute', 'path');
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      throw invalidInput(`no file at ${path}`, 'path');
    }
    const inside = this.folders.some((folder) => {
      const rel = relative(folder, real);
      return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
    });
    if (!inside && !this.granted.has(real)) {
      const where = this.folders.length ? `inside ${this.folders.join(', ')}` : 'nowhere (no folder is allowed: start the server with --job-input-dir)';
      throw invalidInput(`${path} is outside the folders jobs may read; jobs read files ${where}, or upload the file`, 'path');
    }
    if (!statSync(real).isFile()) throw invalidInput(`${path} is not a file`, 'path');
    return real;
  }
}
