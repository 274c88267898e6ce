import { existsSync, renameSync, rmSync, statSync, truncateSync } from 'node:fs';
import { open, writeFile, type FileHandle } from 'node:fs/promises';
import type { InputFormat } from '../../contract/jobs.ts';
import { csvCell } from './csv-cells.ts';
import { errorColumn, outputColumns, type OutputPlan } from './output-plan.ts';

/**
 * A job's two outputs (the result, and the rows that failed), written as `<file>.part` and
 * renamed into place when the job ends, so a finished file is never half-written. Writes go at
 * the offsets the job row records: after a crash the parts are cut back to the last completed
 * chunk, and the job carries on from there with the same bytes an uninterrupted run writes.
 * Every write and the final flush are asynchronous: the serving thread keeps answering while the
 * disk works (a flush of a large file can take seconds).
 */
export class OutputFiles {
  private constructor(
    private readonly paths: { result: string; errors: string },
    private readonly result: FileHandle,
    private readonly errors: FileHandle,
    public resultBytes: number,
    public errorsBytes: number
  ) {}

  /** New parts holding the headers; their lengths are where the rows begin. */
  static async create(paths: { result: string; errors: string }, headers: { result: string; errors: string }): Promise<OutputFiles> {
    const result = Buffer.from(headers.result);
    const errors = Buffer.from(headers.errors);
    await writeFile(part(paths.result), result);
    await writeFile(part(paths.errors), errors);
    return OutputFiles.open(paths, result.length, errors.length);
  }

  /** The parts of an interrupted job, cut back to what its row says was completed; null when they are gone. */
  static async reopen(paths: { result: string; errors: string }, resultBytes: number, errorsBytes: number): Promise<OutputFiles | null> {
    for (const [path, bytes] of [[paths.result, resultBytes], [paths.errors, errorsBytes]] as const) {
      if (!existsSync(part(path)) || statSync(part(path)).size < bytes) return null;
      truncateSync(part(path), bytes);
    }
    return OutputFiles.open(paths, resultBytes, errorsBytes);
  }

  private static async open(paths: { result: string; errors: string }, resultBytes: number, errorsBytes: number): Promise<OutputFiles> {
    const result = await open(part(paths.result), 'r+');
    const errors = await open(part(paths.errors), 'r+').catch(async (err: unknown) => {
      await result.close();
      throw err;
    });
    return new OutputFiles(paths, result, errors, resultBytes, errorsBytes);
  }

  async append(result: Uint8Array, errors: string): Promise<void> {
    this.resultBytes += await writeAll(this.result, result, this.resultBytes);
    if (errors) this.errorsBytes += await writeAll(this.errors, Buffer.from(errors), this.errorsBytes);
  }

  /** Flushes both parts to disk and renames them into place. */
  async finish(): Promise<void> {
    for (const handle of [this.result, this.errors]) {
      await handle.sync();
      await handle.close();
    }
    renameSync(part(this.paths.result), this.paths.result);
    renameSync(part(this.paths.errors), this.paths.errors);
  }

  /** Closes the parts and keeps them (the job resumes from them). */
  async close(): Promise<void> {
    await this.result.close();
    await this.errors.close();
  }

  /** Closes and deletes the parts (a job that failed without a usable result). */
  async discard(): Promise<void> {
    await this.close().catch(() => undefined);
    OutputFiles.remove(this.paths);
  }

  static remove(paths: { result: string; errors: string }): void {
    rmSync(part(paths.result), { force: true });
    rmSync(part(paths.errors), { force: true });
  }
}

const part = (path: string): string => `${path}.part`;

async function writeAll(handle: FileHandle, bytes: Uint8Array, position: number): Promise<number> {
  let written = 0;
  while (written < bytes.length) written += (await handle.write(bytes, written, bytes.length - written, position + written)).bytesWritten;
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
