import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { conflict, invalidInput } from '../../errors.ts';
import type { RepositoryFile } from './models.ts';

/** Refuses an output folder that holds anything: an export never mixes with or overwrites other files. */
export function checkOutDir(outDir: string): string {
  if (typeof outDir !== 'string' || !outDir.trim()) throw invalidInput('out_dir is required', 'out_dir');
  const target = resolve(outDir);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw conflict(`${target} exists and is not a folder`, 'out_dir');
    if (readdirSync(target).length) throw conflict(`${target} is not empty; export into a new or empty folder`, 'out_dir');
  }
  return target;
}

/**
 * Writes every file into a temporary folder beside the target and renames it into place, so
 * OUT_DIR appears whole or not at all.
 */
export function writeAtomically(outDir: string, files: RepositoryFile[]): string {
  const target = checkOutDir(outDir);
  mkdirSync(dirname(target), { recursive: true });
  const temp = mkdtempSync(join(dirname(target), `.${basename(target)}.`));
  try {
    for (const file of files) {
      const path = resolve(temp, file.path);
      if (!path.startsWith(temp + sep)) throw new Error(`refusing to write outside the export: ${file.path}`);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.data);
    }
    checkOutDir(target);
    if (existsSync(target)) rmdirSync(target);
    renameSync(temp, target);
    return target;
  } catch (err) {
    rmSync(temp, { recursive: true, force: true });
    throw err;
  }
}
