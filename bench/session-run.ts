/**
 * The limit: in-process cost of one prediction, without HTTP or logging.
 *
 *   npx tsx bench/session-run.ts [--threads 1,2,0] [--json]
 *
 * For each intra-op thread setting and batch size, it measures
 *   - `ort`   : a bare `session.run` on prebuilt tensors (what onnxruntime itself costs),
 *   - `model` : OnnxModel.run on validated records (ModelDesk's tensor building + decoding),
 * and reports the median time per call and per row over several timed rounds. An explicit
 * thread count runs as ModelDesk runs it (pool threads do not spin); 0 is onnxruntime's own
 * default (one thread per core, spinning), as the baseline server runs.
 */
import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import { inspectModel, OnnxModel, type ValidRecord } from '../src-main/core/inference/index.ts';
import { benchRecords, median, modelPath, tensorsFor } from './helpers.ts';

export interface SessionRunRow {
  threads: number;
  kind: 'ort' | 'model';
  batch: number;
  usPerCall: number;
  usPerRow: number;
}

const batchSizes = [1, 8, 16, 64, 256, 1000];

async function timeIt(fn: () => Promise<unknown>, budgetMs: number): Promise<number> {
  // warm-up, then rounds of calls; the median round is the figure (µs per call)
  for (let i = 0; i < 20; i++) await fn();
  const rounds: number[] = [];
  const end = Date.now() + budgetMs;
  while (Date.now() < end || rounds.length < 5) {
    const calls = 20;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) await fn();
    rounds.push(Number(process.hrtime.bigint() - t0) / 1000 / calls);
  }
  return median(rounds);
}

export async function measureSessionRun(threadsList: number[], budgetMs = 600): Promise<SessionRunRow[]> {
  const bytes = readFileSync(modelPath);
  const inspected = inspectModel(bytes);
  const rows: SessionRunRow[] = [];
  for (const threads of threadsList) {
    const model = await OnnxModel.loadInspected(inspected, threads ? { intraOpThreads: threads, allowSpinning: false } : {});
    const session = await ort.InferenceSession.create(inspected.runnable, {
      logSeverityLevel: 3,
      ...(threads ? { intraOpNumThreads: threads, extra: { session: { intra_op: { allow_spinning: '0' } } } } : {})
    });
    const fetches = session.outputNames.filter((n) =>
      session.outputMetadata.some((m) => m.name === n && m.isTensor)
    );
    for (const batch of batchSizes) {
      const records = benchRecords(batch);
      const valid: ValidRecord[] = records.map((r) => model.validate(r));
      const feeds = tensorsFor(records, session.inputNames, inspected.signature.inputs);
      const ortUs = await timeIt(() => session.run(feeds, fetches), budgetMs);
      rows.push({ threads, kind: 'ort', batch, usPerCall: ortUs, usPerRow: ortUs / batch });
      const modelUs = await timeIt(() => model.run(valid), budgetMs);
      rows.push({ threads, kind: 'model', batch, usPerCall: modelUs, usPerRow: modelUs / batch });
    }
    await model.close();
    await session.release();
  }
  return rows;
}

export const threadsLabel = (threads: number) => (threads ? `${threads}, no spinning` : 'onnxruntime default');

export function sessionRunTable(rows: SessionRunRow[]): string {
  const lines = ['| threads | what | batch | µs per call | µs per row | rows/s |', '|---|---|---:|---:|---:|---:|'];
  for (const r of rows) {
    lines.push(
      `| ${threadsLabel(r.threads)} | ${r.kind === 'ort' ? 'bare session.run' : 'OnnxModel.run'} | ${r.batch} | ` +
        `${r.usPerCall.toFixed(1)} | ${r.usPerRow.toFixed(2)} | ${Math.round(1e6 / r.usPerRow).toLocaleString('en-US')} |`
    );
  }
  return lines.join('\n');
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/.*\//, ''));
if (isMain) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const threads = (arg('--threads') ?? '1,2,0').split(',').map(Number);
  const rows = await measureSessionRun(threads);
  if (process.argv.includes('--json')) console.log(JSON.stringify(rows));
  else console.log(sessionRunTable(rows));
}
