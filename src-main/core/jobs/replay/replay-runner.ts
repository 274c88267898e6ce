import type Database from 'better-sqlite3';
import { jobChunkRows } from '../../../contract/jobs.ts';
import { nowIso } from '../../clock.ts';
import { invalidInput } from '../../errors.ts';
import type { Registry } from '../../registry/registry.ts';
import type { SelectOptions, Selection } from '../../serving/algorithm-selector.ts';
import type { JobRow, JobStore } from '../job-store.ts';
import type { RunHooks, StopReason } from '../predict-runner.ts';
import { buildReport, type MeasuredLatencies } from './replay-report.ts';
import type { ReplayedChunk } from './replay-scoring.ts';
import { fixRange, readCalls, type InputText, type LoggedCall, type ReplayRange, type ReplaySelection } from './replay-source.ts';
import { countCall, newTally } from './replay-tally.ts';

/** "Replay the last N requests (or a time range) of endpoint E against version C." */
export interface ReplayRequest extends ReplaySelection {
  endpoint: string;
  candidateAlgorithmId: number;
  createdBy?: string;
}

/** What a replay job keeps in jobs.options. */
export interface ReplayOptions {
  replay: ReplayRange;
}

/** single-record runs timed per answering model, after the replay */
const latencySample = 200;

/** Checks the request, fixes the requests it covers, and writes the job row (queued). */
export function createReplayJob(
  deps: { sqlite: Database.Database; store: JobStore; registry: Registry; select(endpoint: string, options: SelectOptions): Selection },
  request: ReplayRequest
): Promise<JobRow> {
  if (typeof request.endpoint !== 'string' || request.endpoint === '') throw invalidInput('endpoint is required', 'endpoint');
  // the candidate must be one of the endpoint's versions (select refuses an unknown endpoint or version)
  const { endpoint, algorithm } = deps.select(request.endpoint, { algorithmId: request.candidateAlgorithmId });
  const { endpoint: _e, candidateAlgorithmId: _c, createdBy, ...selection } = request;
  const range = fixRange(deps.sqlite, endpoint.id, selection);
  const options: ReplayOptions = { replay: range };
  return deps.store.insert({
    kind: 'replay',
    state: 'queued',
    endpointId: endpoint.id,
    algorithmId: algorithm.id,
    createdBy: (createdBy ?? '').trim().slice(0, 200),
    createdAt: nowIso(),
    maxFailedFraction: 1,
    rowsTotal: range.requests,
    options
  });
}

/**
 * Replays the logged requests on the job workers, counts agreement and (with feedback) who was
 * right, times both models on a sample, and stores the report. A replay holds its counts in
 * memory: one interrupted by a restart replays its (fixed) requests again from the first.
 */
export async function runReplayJob(job: JobRow, hooks: RunHooks, deps: { sqlite: Database.Database; registry: Registry; loggedInputText: InputText }): Promise<JobRow> {
  const { replay: range } = job.options as ReplayOptions;
  const candidate = deps.registry.getAlgorithm(job.algorithmId);
  const tally = newTally(candidate.task);
  const sampleEvery = Math.max(1, Math.floor(range.requests / latencySample));
  const sample = new Map<number, string[]>();
  let rowsDone = 0;
  let afterId = 0;
  const inFlight: { calls: LoggedCall[]; replayed: Promise<ReplayedChunk> }[] = [];
  const window = Math.max(2, hooks.feed.size * 2);
  const countNext = async (): Promise<void> => {
    const { calls, replayed } = inFlight.shift()!;
    const { answers, errors } = await replayed;
    calls.forEach((call, i) => {
      countCall(tally, call, answers[i] ?? null, errors[i] ?? null);
      if ((rowsDone + i) % sampleEvery === 0 && call.status === 'OK' && errors[i] === null) {
        const inputs = sample.get(call.algorithmId) ?? [];
        if (inputs.length < latencySample) sample.set(call.algorithmId, [...inputs, call.input]);
      }
    });
    rowsDone += calls.length;
    await hooks.save({ rowsDone, rowsSkipped: skippedCount() });
    hooks.onChunk?.({ rowsDone, rowsFailed: 0, inputOffset: 0 });
  };
  const skippedCount = (): number => [...tally.skipped.values()].reduce((a, n) => a + n, 0);
  await hooks.save({ rowsDone: 0, rowsSkipped: 0 });
  for (;;) {
    if (hooks.signal.aborted) break;
    const calls = readCalls(deps.sqlite, deps.loggedInputText, job.endpointId, range, afterId, jobChunkRows);
    if (!calls.length) break;
    afterId = calls[calls.length - 1]!.id;
    const inputs = calls.map((c) => c.input);
    const replayed = hooks.feed.run([hooks.modelKey], (worker) => worker.replay(hooks.modelKey, inputs));
    replayed.catch(() => undefined);
    inFlight.push({ calls, replayed });
    if (inFlight.length >= window) await countNext();
  }
  while (inFlight.length) await countNext();

  const reason = hooks.signal.aborted ? (hooks.signal.reason as StopReason) : null;
  if (reason === 'shutdown') return hooks.save({ rowsDone: 0, rowsSkipped: 0 });
  const measured = await measureLatencies(hooks, sample);
  const name = (id: number) => {
    const a = deps.registry.getAlgorithm(id);
    return { name: a.name, version: a.version };
  };
  const report = buildReport(tally, { algorithmId: candidate.id, name: candidate.name, version: candidate.version }, name, measured);
  const cancelled = reason === 'cancel';
  return hooks.save({
    rowsDone,
    rowsSkipped: skippedCount(),
    report,
    state: cancelled ? 'cancelled' : 'completed',
    message: cancelled ? `cancelled after ${rowsDone} of ${range.requests} requests: the report covers those` : null
  });
}

/** Each answering model and the candidate, one record per run, taking turns on the same sample. */
async function measureLatencies(hooks: RunHooks, sample: Map<number, string[]>): Promise<MeasuredLatencies> {
  const measured: MeasuredLatencies = new Map();
  for (const [algorithmId, inputs] of sample) {
    const answeredKey = `a${algorithmId}`;
    if (answeredKey === hooks.modelKey) continue;
    const keys = [answeredKey, hooks.modelKey];
    try {
      const [answered, candidate] = await hooks.feed.run(keys, (worker) => worker.time(keys, inputs));
      measured.set(algorithmId, { answered: answered ?? [], candidate: candidate ?? [] });
    } catch {
      // a model that no longer loads (its file gone): the report shows no time for it
    }
  }
  return measured;
}
