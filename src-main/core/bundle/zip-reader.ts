import { createHash } from 'node:crypto';
import { closeSync, createWriteStream, openSync, readSync, statSync } from 'node:fs';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { invalidInput, type ModelDeskError } from '../errors.ts';
import { manifestEntry, requestsEntry } from './manifest-schema.ts';

/** Reading a bundle with yauzl: every name, size and ratio is checked before any byte is inflated. */

const artifactName = /^artifacts\/([0-9a-f]{64})\.onnx$/;
const maxEntries = 100_000;
/** entries smaller than this are not ratio-checked: tiny JSON compresses well and cannot hurt */
const ratioFloorBytes = 1024 * 1024;

const bad = (message: string): ModelDeskError => invalidInput(`invalid bundle: ${message}`, 'file');

export interface OpenedBundle {
  zip: ZipFile;
  /** by name; only manifest.json, requests.jsonl and artifacts/<sha256>.onnx get here */
  entries: Map<string, Entry>;
  /** sha256 → entry, for the artifacts */
  artifacts: Map<string, Entry>;
  close(): void;
}

export async function openBundle(path: string): Promise<OpenedBundle> {
  if (!statSync(path, { throwIfNoEntry: false })?.isFile()) throw invalidInput(`no bundle file at ${path}`, 'file');
  let zip: ZipFile;
  try {
    // strictFileNames: a backslash is an error, not silently turned into a separator
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, strictFileNames: true, validateEntrySizes: true });
  } catch {
    throw notAZip(path);
  }
  const entries = new Map<string, Entry>();
  const artifacts = new Map<string, Entry>();
  try {
    if (zip.entryCount > maxEntries) throw bad(`${zip.entryCount} entries is more than a bundle may hold (${maxEntries})`);
    for await (const entry of zip.eachEntry()) {
      const name = entry.fileName;
      const sha = artifactName.exec(name)?.[1];
      if (name !== manifestEntry && name !== requestsEntry && !sha) {
        throw bad(
          `unexpected entry "${name}": a bundle holds only ${manifestEntry}, ${requestsEntry} and artifacts/<sha256>.onnx`
        );
      }
      if (entries.has(name)) throw bad(`entry "${name}" appears twice`);
      if (entry.isEncrypted()) throw bad(`entry "${name}" is encrypted`);
      if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
        throw bad(`entry "${name}" uses compression method ${entry.compressionMethod}; only stored and deflate are read`);
      }
      entries.set(name, entry);
      if (sha) artifacts.set(sha, entry);
    }
  } catch (err) {
    zip.close();
    throw isOurs(err) ? err : entryError(err as Error);
  }
  return { zip, entries, artifacts, close: () => zip.close() };
}

/**
 * Refuses an entry that inflates past what the manifest declares, or whose compression
 * ratio is beyond anything a model or JSON file reaches (a decompression bomb), using only
 * the central directory: nothing is inflated to find out.
 */
export function checkEntrySize(entry: Entry, declaredBytes: number, maxRatio: number): void {
  const name = entry.fileName;
  if (entry.uncompressedSize > declaredBytes) {
    throw bad(`entry "${name}" is ${entry.uncompressedSize} bytes, larger than the ${declaredBytes} bytes declared in the manifest`);
  }
  if (entry.uncompressedSize < declaredBytes) {
    throw bad(`entry "${name}" is ${entry.uncompressedSize} bytes, smaller than the ${declaredBytes} bytes declared in the manifest`);
  }
  if (entry.uncompressedSize > ratioFloorBytes && entry.uncompressedSize > entry.compressedSize * maxRatio) {
    const ratio = entry.compressedSize === 0 ? 'infinite' : `${Math.round(entry.uncompressedSize / entry.compressedSize)}:1`;
    throw bad(`entry "${name}" has a compression ratio of ${ratio}, past the limit of ${maxRatio}:1 (a decompression bomb?)`);
  }
}

/** A small entry (the manifest) into memory, never more than `limit` bytes. */
export async function readEntry(zip: ZipFile, entry: Entry, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await streamEntry(zip, entry, limit, new Writable({ write: (chunk: Buffer, _e, cb) => (chunks.push(chunk), cb()) }));
  return Buffer.concat(chunks);
}

/**
 * Inflates an entry into `sink` (a temp file, or nothing) while hashing it; stops with an
 * error the moment it passes `limit` bytes, whatever its header claimed.
 */
export async function streamEntry(
  zip: ZipFile,
  entry: Entry,
  limit: number,
  sink: Writable | string | null,
  options: { onBytes?: (n: number) => void; through?: Transform } = {}
): Promise<{ sha256: string; bytes: number }> {
  const { onBytes, through } = options;
  const name = entry.fileName;
  const hash = createHash('sha256');
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > limit) return callback(bad(`entry "${name}" inflates past the ${limit} bytes declared in the manifest`));
      hash.update(chunk);
      onBytes?.(chunk.length);
      callback(null, chunk);
    }
  });
  const target =
    sink === null ? new Writable({ write: (_c, _e, cb) => cb() }) : typeof sink === 'string' ? createWriteStream(sink) : sink;
  let source: Readable;
  try {
    source = await zip.openReadStreamPromise(entry);
    await (through ? pipeline(source, meter, through, target) : pipeline(source, meter, target));
  } catch (err) {
    throw isOurs(err) ? err : bad(`entry "${name}" cannot be read: ${(err as Error).message} (the file is damaged or truncated)`);
  }
  return { sha256: hash.digest('hex'), bytes };
}

export const isOurs = (err: unknown): err is ModelDeskError => (err as ModelDeskError)?.name === 'ModelDeskError';

function notAZip(path: string): ModelDeskError {
  const head = Buffer.alloc(4);
  let read = 0;
  try {
    const fd = openSync(path, 'r');
    read = readSync(fd, head, 0, 4, 0);
    closeSync(fd);
  } catch {
    // unreadable: reported below like any other non-bundle
  }
  if (read === 0) return bad('the file is empty');
  // a local file header signature with no end record: the start of a ZIP whose end is missing
  if (read === 4 && head.readUInt32LE(0) === 0x04034b50) {
    return bad('the file is truncated: it starts like a ZIP archive but its end (the central directory) is missing');
  }
  return invalidInput('not a ModelDesk bundle: the file is not a ZIP archive (.modeldesk)', 'file');
}

function entryError(err: Error): ModelDeskError {
  const message = err.message;
  const named = (prefix: string) => message.slice(message.indexOf(prefix) + prefix.length);
  if (message.startsWith('absolute path: ')) return bad(`entry "${named('absolute path: ')}" is an absolute path, outside the bundle`);
  if (message.startsWith('invalid relative path: ')) {
    return bad(`entry "${named('invalid relative path: ')}" points outside the bundle ("..")`);
  }
  if (message.startsWith('invalid characters in fileName: ')) {
    return bad(`entry "${named('invalid characters in fileName: ')}" contains a backslash, which bundles never use`);
  }
  return bad(`the ZIP archive is damaged (${message})`);
}
