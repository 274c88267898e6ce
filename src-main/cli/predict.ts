import { realpathSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError, Option, type Command } from 'commander';
import cliProgress from 'cli-progress';
import { inputFormatValues, type InputFormat } from '../contract/jobs.ts';
import { createCore } from '../core/index.ts';
import { formatOfName } from '../core/jobs/input-inspection.ts';
import type { JobRow } from '../core/jobs/job-store.ts';
import type { LiveProgress } from '../core/jobs/job-service.ts';

/**
 * `modeldesk predict INPUT -o OUTPUT --endpoint NAME`: a batch job run here, against a data
 * directory (no server needed), on the job worker threads. Interrupted (Ctrl-C, a crash), the
 * same command resumes it from its last completed chunk, and the output is the same bytes an
 * uninterrupted run writes.
 */

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface PredictOptions {
  output: string;
  endpoint: string;
  algorithm?: number;
  version?: string;
  format?: InputFormat;
  inputFormat?: InputFormat;
  maxFailedFraction?: number;
  workers?: number;
  data: string;
  createdBy: string;
}

const positiveInteger = (value: string): number => {
  if (!/^[1-9][0-9]*$/.test(value)) throw new InvalidArgumentError('must be a positive integer');
  return Number(value);
};
const fraction = (value: string): number => {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('must be a number from 0 to 1');
  return n;
};

/** `scores.csv` → `scores.errors.csv`, beside it */
export const errorsPathOf = (output: string): string => {
  const ext = extname(output);
  return `${output.slice(0, output.length - ext.length)}.errors${ext || '.csv'}`;
};

export function addPredictCommand(program: Command): void {
  program
    .command('predict')
    .description('score a CSV or JSON Lines file with an endpoint\'s model (a batch job, resumable)')
    .argument('<input>', 'CSV with a header row, or JSON Lines')
    .requiredOption('-o, --output <file>', 'where the result goes (the rows that failed go beside it, as <name>.errors.<ext>)')
    .requiredOption('--endpoint <name>', 'the endpoint whose model scores the rows')
    .option('--algorithm <id>', 'this version (an algorithm id) instead of production', positiveInteger)
    .option('--version <version>', 'the version with this version string instead of production')
    .addOption(new Option('--format <format>', "the result's format (default: the input's)").choices(inputFormatValues))
    .addOption(new Option('--input-format <format>', "the input's format, when its name does not say").choices(inputFormatValues))
    .option('--max-failed-fraction <f>', 'the share of rows that may fail before the job fails (default 0.01)', fraction)
    .option('--workers <n>', 'worker threads (default: one per core but one)', positiveInteger)
    .option('--data <dir>', 'data directory (SQLite database and model files)', './.modeldesk')
    .option('--created-by <name>', 'recorded in the job history', process.env.USER ?? '')
    .action(async (input: string, options: PredictOptions) => {
      const code = await predict(input, options);
      process.exitCode = code;
    });
}

async function predict(input: string, options: PredictOptions): Promise<number> {
  const core = await createCore({
    dataDir: resolve(options.data),
    migrationsDir: join(repoRoot, 'db', 'migrations'),
    ...(options.workers ? { serving: { job_worker_threads: options.workers } } : {})
  });
  const interrupted = new Promise<void>((done) => process.once('SIGINT', () => done()));
  try {
    const path = realpathSync(resolve(input));
    const output = { result: resolve(options.output), errors: errorsPathOf(resolve(options.output)) };
    const outputFormat = options.format ?? formatOfName(options.output) ?? undefined;
    const request = {
      endpoint: options.endpoint,
      ...(options.algorithm === undefined ? {} : { algorithmId: options.algorithm }),
      ...(options.version === undefined ? {} : { version: options.version }),
      ...(options.inputFormat === undefined ? {} : { format: options.inputFormat }),
      ...(outputFormat === undefined ? {} : { outputFormat }),
      ...(options.maxFailedFraction === undefined ? {} : { maxFailedFraction: options.maxFailedFraction }),
      createdBy: options.createdBy
    };
    const job = (await core.jobs.findResumable(path, output.result, request)) ?? (await core.jobs.createFromPath(path, request, { trusted: true, output, runner: 'cli' }));
    if (job.rowsDone > 0) console.log(`Resuming job ${job.id} after row ${job.rowsDone}`);
    const bar = progressBar(job);
    void interrupted.then(() => core.jobs.interrupt(job.id));
    let done: JobRow;
    try {
      done = await core.jobs.runToEnd(job.id, (live) => bar.update(live));
    } finally {
      bar.stop();
    }
    return report(done);
  } finally {
    await core.close();
  }
}

function report(job: JobRow): number {
  const rows = `${job.rowsDone} rows, ${job.rowsFailed} failed, in ${(job.runningMs / 1000).toFixed(1)} s`;
  if (job.state === 'completed') {
    console.log(`Job ${job.id} completed: ${rows} → ${job.outputPath}`);
    if (job.rowsFailed) console.log(`The rows that failed, with why: ${job.errorsPath}`);
    return 0;
  }
  if (job.state === 'running' || job.state === 'queued') {
    console.log(`Job ${job.id} interrupted after ${job.rowsDone} rows: run the same command again to resume it.`);
    return 130;
  }
  console.error(`Job ${job.id} ${job.state}: ${job.message ?? ''}`);
  if (job.state === 'failed' && job.errorsPath && job.rowsFailed) console.error(`The rows that failed, with why: ${job.errorsPath}`);
  return 1;
}

/** rows done, rows per second and time left, on a terminal only (scripts and CI logs stay clean) */
function progressBar(job: JobRow): { update(live: LiveProgress): void; stop(): void } {
  if (!process.stdout.isTTY) return { update: () => undefined, stop: () => undefined };
  const total = Math.max(1, (job.inputBytes ?? 1) - job.dataOffset);
  const bar = new cliProgress.SingleBar(
    { format: 'scoring |{bar}| {percentage}% {rows} rows  {rate} rows/s  ETA {eta_formatted}', hideCursor: true, etaBuffer: 50 },
    cliProgress.Presets.shades_classic
  );
  bar.start(total, job.inputOffset - job.dataOffset, { rows: job.rowsDone, rate: '–' });
  return {
    update(live) {
      const seconds = (Date.now() - live.startedMs) / 1000;
      const rate = seconds > 0 ? Math.round((live.rowsDone - live.rowsAtStart) / seconds).toLocaleString('en-US') : '–';
      bar.update(live.inputOffset - job.dataOffset, { rows: live.rowsDone.toLocaleString('en-US'), rate });
    },
    stop: () => bar.stop()
  };
}
