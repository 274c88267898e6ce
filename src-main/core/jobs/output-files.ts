import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import type { InputFormat } from '../../contract/jobs.ts';
import { csvCell } from './csv-cells.ts';
import { errorColumn, outputColumns, type OutputPlan } from './output-plan.ts';

/**
 * A job's two outputs (the result, and the rows that failed), written as `<file>.part` and
 * renamed into place when the job ends, so a finished file is never half-written. Writes go at
 * the offsets the job row records: after a crash the parts are cut back to the last completed
 * chunk, and the job carries on from there with the same bytes an uninterrupted run writes.
 */
export class OutputFiles {
  private readonly result: number;
  private readonly errors: number;

  private constructor(
    private readonly paths: { result: string; errors: string },
    public resultBytes: number,
    public errorsBytes: number
  ) {
    this.result = openSync(part(paths.result), 'r+');
    this.errors = openSync(part(paths.errors), 'r+');
  }

  /** New parts holding the headers; their lengths are where the rows begin. */
  static create(paths: { result: string; errors: string }, headers: { result: string; errors: string }): OutputFiles {
    const result = Buffer.from(headers.result);
    const errors = Buffer.from(headers.errors);
    writeNew(part(paths.result), result);
    writeNew(part(paths.errors), errors);
    return new OutputFiles(paths, result.length, errors.length);
  }

  /** The parts of an interrupted job, cut back to what its row says was completed; null when they are gone. */
  static reopen(paths: { result: string; errors: string }, resultBytes: number, errorsBytes: number): OutputFiles | null {
    for (const [path, bytes] of [[paths.result, resultBytes], [paths.errors, errorsBytes]] as const) {
      if (!existsSync(part(path)) || statSync(part(path)).size < bytes) return null;
      truncateSync(part(path), bytes);
    }
    return new OutputFiles(paths, resultBytes, errorsBytes);
  }

  append(result: Uint8Array, errors: string): void {
    this.resultBytes += writeAll(this.result, result, this.resultBytes);
    if (errors) this.errorsBytes += writeAll(this.errors, Buffer.from(errors), this.errorsBytes);
  }

  /** Flushes both parts to disk and renames them into place. */
  finish(): void {
    for (const fd of [this.result, this.errors]) {
      fsyncSync(fd);
      closeSync(fd);
    }
    renameSync(part(this.paths.result), this.paths.result);
    renameSync(part(this.paths.errors), this.paths.errors);
  }

  /** Closes the parts and keeps them (the job resumes from them). */
  close(): void {
    closeSync(this.result);
    closeSync(this.errors);
  }

  /** Closes and deletes the parts (a job that failed without a usable result). */
  discard(): void {
    this.close();
    OutputFiles.remove(this.paths);
  }

  static remove(paths: { result: string; errors: string }): void {
    rmSync(part(paths.result), { force: true });
    rmSync(part(paths.errors), { force: true });
  }
}

const part = (path: string): string => `${path}.part`;

function writeNew(path: string, bytes: Buffer): void {
  const fd = openSync(path, 'w');
  try {
    writeAll(fd, bytes, 0);
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, bytes: Uint8Array, position: number): number {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written, position + written);
  return written;
}

/** The first lines of the result and of the error rows, before any row. */
export function outputHeaders(format: InputFormat, outputFormat: InputFormat, columns: string[], headerText: string, plan: OutputPlan): { result: string; errors: string } {
  if (outputFormat === 'jsonl') return { result: '', errors: '' };
  const added = [...outputColumns(plan), errorColumn].map(csvCell).join(',');
  const input = format === 'csv' ? headerText : columns.map(csvCell).join(',');
  return {
    result: `${input},${added}\n`,
    errors: format === 'csv' ? `row,${headerText},error\n` : 'row,input,error\n'
  };
}
