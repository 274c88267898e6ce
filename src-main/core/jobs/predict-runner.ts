import { statSync } from 'node:fs';
import { jobChunkRows } from '../../contract/jobs.ts';
import type { ChunkSpec, ScoredChunk } from './chunk-scorer.ts';
import { sha256OfFile } from './input-files.ts';
import type { JobChanges, JobRow } from './job-store.ts';
import { OutputFiles, outputHeaders } from './output-files.ts';
import { readChunks, type InputChunk } from './record-scanner.ts';
import type { WorkerFeed } from './worker-feed.ts';

/** How a predict job reads and writes (jobs.options). */
export interface PredictOptions {
  spec: ChunkSpec;
  headerText: string;
  /** 'cli': run by `modeldesk predict`, which resumes it; a server leaves it alone */
  runner?: 'cli';
  /** a file read where it is: its modification time when it was hashed */
  inputMtimeMs?: number;
}

/** Why a run stopped before the end: the user cancelled, or the process is closing (the job resumes). */
export type StopReason = 'cancel' | 'shutdown';

export interface RunHooks {
  feed: WorkerFeed;
  /** the model's key in the workers */
  modelKey: string;
  signal: AbortSignal;
  /** saves progress (and the end) to the job row */
  save(changes: JobChanges): Promise<JobRow>;
  /** after each chunk written */
  onChunk?(job: { rowsDone: number; rowsFailed: number; inputOffset: number }): void;
}

/** failed row numbers kept on the job row (the error rows file has them all) */
const keptFailedRows = 100;
/** the job row is written at most this often while chunks complete (always at the end) */
const saveEveryMs = 250;

/**
 * Runs (or resumes) a predict job to its end: reads the input in chunks from where the job row
 * says it stopped, scores them on the workers (several in flight), and writes the results in
 * input order. Progress is saved after completed chunks only, so a crash loses at most the
 * chunks in flight, and the job resumes exactly there.
 */
export async function runPredictJob(job: JobRow, hooks: RunHooks): Promise<JobRow> {
  const options = job.options as PredictOptions;
  const paths = { result: job.outputPath!, errors: job.errorsPath! };
  const resuming = job.outputBytes > 0;
  // an uploaded file is ours and unchanged; a file on disk is hashed again before a resume, and
  // before a first start unless its size and modification time are still those it was hashed with
  if (resuming || (!job.inputUploaded && !unchangedSince(job, options))) await checkFingerprint(job);
  let files = resuming ? await OutputFiles.reopen(paths, job.outputBytes, job.errorsBytes) : null;
  let state = { rowsDone: job.rowsDone, rowsFailed: job.rowsFailed, inputOffset: job.inputOffset, failedRows: job.failedRows };
  if (!files) {
    const { spec, headerText } = options;
    files = await OutputFiles.create(paths, outputHeaders(spec.format, spec.outputFormat, spec.columns, headerText, spec.plan));
    state = { rowsDone: 0, rowsFailed: 0, inputOffset: job.dataOffset, failedRows: [] };
  }
  const output = files;
  let savedAt = 0;
  const save = async (force: boolean): Promise<JobRow | null> => {
    if (!force && Date.now() - savedAt < saveEveryMs) return null;
    savedAt = Date.now();
    return hooks.save({ ...state, outputBytes: output.resultBytes, errorsBytes: output.errorsBytes });
  };
  await save(true);

  try {
    const inFlight: { chunk: InputChunk; scored: Promise<ScoredChunk> }[] = [];
    const window = Math.max(2, hooks.feed.size * 2);
    const writeNext = async (): Promise<void> => {
      const { chunk, scored } = inFlight.shift()!;
      const result = await scored;
      const firstRow = state.rowsDone + 1;
      const errors = result.failures.map((f) => (options.spec.outputFormat === 'csv' ? `${firstRow + f.index},${f.line}\n` : `{"row":${firstRow + f.index},${f.line}\n`));
      await output.append(result.output, errors.join(''));
      for (const f of result.failures) if (state.failedRows.length < keptFailedRows) state.failedRows = [...state.failedRows, firstRow + f.index];
      state.rowsDone += result.records;
      state.rowsFailed += result.failures.length;
      state.inputOffset = chunk.end;
      await save(false);
      hooks.onChunk?.(state);
    };
    for await (const chunk of readChunks(job.inputPath!, options.spec.format, state.inputOffset, jobChunkRows)) {
      if (hooks.signal.aborted) break;
      const scored = hooks.feed.run([hooks.modelKey], (worker) => worker.score(hooks.modelKey, options.spec, chunk.bytes));
      // awaited in order below; a failure must not count as unhandled meanwhile
      scored.catch(() => undefined);
      inFlight.push({ chunk, scored });
      if (inFlight.length >= window) await writeNext();
    }
    // chunks already handed out are finished and kept, even when stopping
    while (inFlight.length) await writeNext();
  } catch (err) {
    await output.discard();
    throw err;
  }

  const reason = hooks.signal.aborted ? (hooks.signal.reason as StopReason) : null;
  if (reason === 'shutdown') {
    await output.close();
    return (await save(true))!;
  }
  await output.finish();
  return hooks.save({ ...state, outputBytes: output.resultBytes, errorsBytes: output.errorsBytes, ...ending(job, state, reason) });
}

function ending(job: JobRow, state: { rowsDone: number; rowsFailed: number; failedRows: number[] }, reason: StopReason | null): JobChanges {
  if (reason === 'cancel') {
    return { state: 'cancelled', message: `cancelled after ${state.rowsDone} rows: the result holds rows 1 to ${state.rowsDone}` };
  }
  const total = state.rowsDone;
  if (total === 0) return { state: 'failed', rowsTotal: 0, message: 'the file has no rows' };
  const fraction = state.rowsFailed / total;
  if (fraction <= job.maxFailedFraction) return { state: 'completed', rowsTotal: total };
  const shown = state.failedRows.slice(0, 10).join(', ');
  const more = state.rowsFailed > 10 ? ', …' : '';
  return {
    state: 'failed',
    rowsTotal: total,
    message:
      `${state.rowsFailed} of ${total} rows failed (${percent(fraction)}), more than the ${percent(job.maxFailedFraction)} allowed; ` +
      `failed rows ${shown}${more} (the error rows list them all, with why)`
  };
}

const percent = (fraction: number): string => `${Number((fraction * 100).toPrecision(3))}%`;

function unchangedSince(job: JobRow, options: PredictOptions): boolean {
  const stat = statSync(job.inputPath!, { throwIfNoEntry: false });
  return !!stat && options.inputMtimeMs !== undefined && stat.mtimeMs === options.inputMtimeMs && stat.size === job.inputBytes;
}

async function checkFingerprint(job: JobRow): Promise<void> {
  let sha: string;
  try {
    sha = await sha256OfFile(job.inputPath!);
  } catch (err) {
    throw new Error(`the input file cannot be read any more (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): ${job.inputPath}`);
  }
  if (sha !== job.inputSha256) {
    throw new Error(`the input file changed since the job was created (SHA-256 ${sha.slice(0, 12)}…, was ${job.inputSha256?.slice(0, 12)}…): ${job.inputPath}`);
  }
}
