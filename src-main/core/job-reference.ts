import { createReadStream, existsSync } from 'node:fs';
import type { ReferenceSummary } from '../contract/monitoring.ts';
import { conflict, invalidInput, isModelDeskError, notFound } from './errors.ts';
import type { JobService } from './jobs/job-service.ts';
import { errorColumn, outputColumns } from './jobs/output-plan.ts';
import type { PredictOptions } from './jobs/predict-runner.ts';
import type { References } from './monitoring/reference/references.ts';
import type { Registry } from './registry/registry.ts';
import type { Algorithm } from './registry/types.ts';

export interface FromJobRequest {
  job: number;
  /** default: the version the job scored; else a version of the same endpoint */
  algorithm?: number;
  createdBy?: string;
}

/**
 * A batch job's input as a version's drift reference (issue #16 meets #15): the rows a completed
 * predict job read, profiled exactly as an uploaded training file is (References.fromFile).
 *
 * The rows are read from the job's result file, not its input: an uploaded input is deleted when
 * the job ends (only a resume needs it) and a file read by path may have changed since, while the
 * result holds every input row as written, in order, followed by the job's own columns (ignored
 * here). Rows the job could not score (their `error` cell is set) are left out and counted, so a
 * job that finished with a few bad rows still gives its reference. Lives beside both modules so
 * that neither monitoring nor jobs imports the other.
 */
export async function referenceFromJob(deps: { jobs: JobService; references: References; registry: Registry }, request: FromJobRequest): Promise<ReferenceSummary> {
  const job = jobOf(deps.jobs, request.job);
  if (job.kind !== 'predict') {
    throw conflict(`job ${job.id} is a replay: a replay has no input file (it re-scores logged requests); set the reference from the version's requests instead`, 'job');
  }
  if (job.state !== 'completed') throw conflict(`job ${job.id} is ${job.state}: only a completed job's input can become a reference`, 'job');
  const algorithm = targetOf(deps.registry, job.algorithmId, job.endpointId, request.algorithm);
  const path = job.outputPath;
  if (!path || !existsSync(path)) {
    throw conflict(`job ${job.id}'s rows are no longer on disk (its result file ${path ?? ''} is gone); run the job again to use its input as a reference`, 'job');
  }
  const plan = (job.options as PredictOptions).spec.plan;
  const name = job.inputName || 'input';
  try {
    return await deps.references.fromFile(algorithm.id, `result.${job.outputFormat ?? 'csv'}`, createReadStream(path, { highWaterMark: 1 << 20 }), request.createdBy ?? '', {
      source: 'job',
      title: `job #${job.id} input: ${name}`,
      addedColumns: [...outputColumns(plan), errorColumn],
      skip: { record: (record) => hasError(record[errorColumn]), what: `row${job.rowsFailed === 1 ? '' : 's'} the job could not score` },
      verify: (rows) => {
        if (job.rowsTotal !== null && rows !== job.rowsTotal) {
          throw conflict(`job ${job.id}'s result file holds ${rows} rows, the job scored ${job.rowsTotal}: it was changed after the job; run the job again`, 'job');
        }
      }
    });
  } catch (err) {
    // the file's complaints are about the job's rows: the request's field is the job
    if (isModelDeskError(err) && err.kind === 'invalid_input' && err.field !== 'algorithm') throw invalidInput(`job ${job.id}'s input: ${err.message}`, 'job');
    throw err;
  }
}

function jobOf(jobs: JobService, id: number) {
  try {
    return jobs.get(id);
  } catch (err) {
    if (isModelDeskError(err) && err.kind === 'not_found') throw notFound(`job ${id} does not exist`, 'job');
    throw err;
  }
}

/** The version to set the reference for: the job's, or another version of its endpoint. */
function targetOf(registry: Registry, jobAlgorithm: number, endpointId: number, requested: number | undefined): Algorithm {
  const id = requested ?? jobAlgorithm;
  let algorithm: Algorithm;
  try {
    algorithm = registry.getAlgorithm(id);
  } catch {
    throw notFound(`algorithm ${id} not found: a reference profile belongs to a registered algorithm version`, 'algorithm');
  }
  if (algorithm.endpointId !== endpointId) {
    const scored = registry.getAlgorithm(jobAlgorithm);
    throw invalidInput(
      `algorithm ${id} is a version of endpoint "${algorithm.endpointName}", but the job scored endpoint "${scored.endpointName}": its input describes that endpoint's traffic`,
      'algorithm'
    );
  }
  return algorithm;
}

const hasError = (cell: unknown): boolean => cell !== null && cell !== undefined && cell !== '';
