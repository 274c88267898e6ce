import { mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defaultMaxFailedFraction, type InputFormat } from '../../contract/jobs.ts';
import { nowIso } from '../clock.ts';
import { invalidInput } from '../errors.ts';
import type { SelectOptions, Selection } from '../serving/algorithm-selector.ts';
import type { WriteGate } from '../storage/write-gate.ts';
import { chunkSpecFor, inspectInput } from './input-inspection.ts';
import type { ReceivedFile } from './input-files.ts';
import type { JobRow, JobStore } from './job-store.ts';
import type { PredictOptions } from './predict-runner.ts';

/** What a caller asks of a predict job (the API's fields, the CLI's options). */
export interface PredictJobRequest {
  endpoint: string;
  /** pins one version of the endpoint */
  algorithmId?: number;
  /** a version among the endpoint's live ones */
  version?: string;
  /** the status to take the version from (default production) */
  status?: string;
  /** the input's format, when its name does not say */
  format?: InputFormat;
  /** default: the input's */
  outputFormat?: InputFormat;
  maxFailedFraction?: number;
  createdBy?: string;
}

/** Where the input is: a received upload (moved into the job's folder) or a file on this machine. */
export type JobInput =
  | { kind: 'upload'; file: ReceivedFile; name: string }
  | { kind: 'path'; path: string; name: string; bytes: number; sha256: string; mtimeMs: number };

/** CLI jobs write where the user said; jobs created over the API write into the data directory. */
export interface JobOutput {
  result: string;
  errors: string;
}

/**
 * The version a job runs: as predict chooses it, but never routed by a running A/B test (a job
 * pins its version for all its rows): by algorithm id, by version, or production by default.
 */
export function jobSelection(select: (endpoint: string, options: SelectOptions) => Selection, request: Pick<PredictJobRequest, 'endpoint' | 'algorithmId' | 'version' | 'status'>): Selection {
  if (typeof request.endpoint !== 'string' || request.endpoint === '') throw invalidInput('endpoint is required', 'endpoint');
  if (request.algorithmId !== undefined) return select(request.endpoint, { algorithmId: request.algorithmId });
  if (request.version !== undefined && request.status === undefined) return select(request.endpoint, { version: request.version, anyLiveStatus: true });
  return select(request.endpoint, { status: request.status ?? 'production', ...(request.version === undefined ? {} : { version: request.version }) });
}

export function checkFailedFraction(value: number | undefined): number {
  if (value === undefined) return defaultMaxFailedFraction;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw invalidInput('max_failed_fraction must be a number from 0 to 1', 'max_failed_fraction');
  return value;
}

const extensionOf = (format: InputFormat): string => (format === 'csv' ? 'csv' : 'jsonl');

/**
 * Checks a predict job against its model and input, then writes its row (queued). An upload
 * moves into `<jobsDir>/<id>/` in the same transaction; a refused job leaves no row and no file.
 */
export async function createPredictJob(
  deps: { writes: WriteGate; store: JobStore; jobsDir: string; select: (endpoint: string, options: SelectOptions) => Selection },
  request: PredictJobRequest,
  input: JobInput,
  output?: JobOutput,
  runner?: 'cli'
): Promise<JobRow> {
  try {
    const { endpoint, algorithm } = jobSelection(deps.select, request);
    const maxFailedFraction = checkFailedFraction(request.maxFailedFraction);
    const path = input.kind === 'upload' ? input.file.path : input.path;
    const bytes = input.kind === 'upload' ? input.file.bytes : input.bytes;
    if (bytes === 0) throw invalidInput(input.kind === 'upload' ? 'the uploaded file is empty (0 bytes)' : 'the file is empty (0 bytes)', 'file');
    const facts = await inspectInput(path, input.name, request.format);
    const outputFormat = request.outputFormat ?? facts.format;
    const spec = chunkSpecFor(algorithm, facts, outputFormat);
    const options: PredictOptions = {
      spec,
      headerText: facts.headerText,
      ...(runner ? { runner } : {}),
      ...(input.kind === 'path' ? { inputMtimeMs: input.mtimeMs } : {})
    };
    let folder = null as string | null;
    try {
      return await deps.writes.transaction('a new job', (tx) => {
        const row = deps.store.insertIn(tx, {
          kind: 'predict',
          state: 'queued',
          endpointId: endpoint.id,
          algorithmId: algorithm.id,
          createdBy: (request.createdBy ?? '').trim().slice(0, 200),
          createdAt: nowIso(),
          inputPath: path,
          inputName: input.name,
          inputFormat: facts.format,
          inputBytes: bytes,
          inputSha256: input.kind === 'upload' ? input.file.sha256 : input.sha256,
          inputUploaded: input.kind === 'upload',
          dataOffset: facts.dataOffset,
          inputOffset: facts.dataOffset,
          outputFormat,
          maxFailedFraction,
          options
        });
        folder = join(deps.jobsDir, String(row.id));
        const ext = extensionOf(outputFormat);
        const paths = output ?? { result: join(folder, `result.${ext}`), errors: join(folder, `errors.${ext}`) };
        let inputPath = path;
        if (input.kind === 'upload') {
          mkdirSync(folder, { recursive: true });
          inputPath = join(folder, `input.${extensionOf(facts.format)}`);
          renameSync(path, inputPath);
        } else {
          mkdirSync(dirname(paths.result), { recursive: true });
        }
        return deps.store.updateIn(tx, row.id, { inputPath, outputPath: paths.result, errorsPath: paths.errors });
      });
    } catch (err) {
      // the row was rolled back (a full disk at commit): so is the folder its upload moved into
      if (folder && input.kind === 'upload') rmSync(folder, { recursive: true, force: true });
      throw err;
    }
  } finally {
    // an accepted upload was moved; a refused one is deleted
    if (input.kind === 'upload') rmSync(input.file.path, { force: true });
  }
}

/** The size of a file on disk, refusing what is not one. */
export function fileBytes(path: string): number {
  return statSync(path).size;
}
