import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import yazl from 'yazl';
import { notFound } from '../../errors.ts';

/**
 * Platform exports made through the API land in the data directory, `<data>/exports/<name>`
 * (DESIGN §1: exports/), where the desktop user finds them and from where the API streams them
 * as a ZIP to a browser or a script (a headless server in a container has no other way out).
 */

const namePattern = /^platforms-\d{8}-\d{6}-[0-9a-f]{6}$/;

export const exportsDir = (dataDir: string): string => join(dataDir, 'exports');

/** A fresh folder name: `platforms-<UTC date>-<time>-<random>`, sortable by time. */
export function newPlatformExportName(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `platforms-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** The folder of an existing export; a name that is not one (or not there) is a 404 naming `name`. */
export function platformExportDir(dataDir: string, name: string): string {
  const dir = join(exportsDir(dataDir), name);
  if (!namePattern.test(name) || !statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw notFound(`no platform export named "${name}"`, 'name');
  }
  return dir;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : entry.isFile() ? [path] : [];
  });
}

/** The folder as a ZIP stream whose entries sit under `<name>/`, each file read when its turn comes. */
export function zipFolder(dir: string, name: string): Readable {
  const zip = new yazl.ZipFile();
  for (const file of filesUnder(dir).sort()) {
    zip.addFile(file, `${name}/${relative(dir, file).split(sep).join('/')}`);
  }
  zip.end();
  return zip.outputStream as Readable;
}
