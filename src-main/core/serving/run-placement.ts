import { SessionWorker, sessionOptions, type ModelOptions, type OnnxModel, type Prediction, type ValidRecord, type WorkerSession } from '../inference/index.ts';
import { OnDemandWorker } from '../on-demand-worker.ts';

/** runs of at least this many rows go to the inference worker, when worker threads are on */
export const largeRunRows = 256;
/** the inference worker stops after this long without a large run */
const workerIdleMs = 10_000;

/** How a model's copy is loaded in the inference worker: the bytes onnxruntime runs, and its options. */
export interface CopySource {
  /** read when a copy is first needed, not kept in memory meanwhile */
  runnable(): Uint8Array;
  options: ModelOptions;
}

interface WorkerCopy {
  /** null while loading, and for good if the load failed (runs stay here) */
  session: WorkerSession | null;
  loaded: Promise<void>;
}

/**
 * Where each model run happens: the one owner of that decision (docs/DECISIONS.md, "How a run is
 * placed"). A run goes to the inference worker only when worker threads are on, it has
 * largeRunRows rows or more, and the model's copy there is loaded; everything else runs on this
 * thread's session. Handing a run to another thread and back costs ~100–170 µs of copying and
 * wake-ups on this thread (the income forest's 14 inputs), more than a small run costs; a large
 * one computes on the other core while this thread parses, answers and logs other requests.
 *
 * The worker costs memory (a second session of each model it runs, ~17 MB for the income
 * forest, and its own heap), so it starts with the first large run, loads a model's copy there
 * in the background while that run happens here, and stops once large runs stop coming.
 */
export class RunPlacement {
  private readonly inferenceWorker: OnDemandWorker<SessionWorker>;
  private readonly copies = new Map<OnnxModel, WorkerCopy>();

  constructor(private readonly workerThreads: boolean) {
    // a stopped worker took its copies with it
    this.inferenceWorker = new OnDemandWorker(() => SessionWorker.start(), workerIdleMs, () => this.copies.clear());
  }

  /** Runs validated records where they should run (see the class comment). */
  run(model: OnnxModel, records: ValidRecord[], source: CopySource): Promise<Prediction[]> {
    return model.run(records, this.copyFor(model, records.length, source));
  }

  /** Releases the model's copy in the worker, if it has one (the model is being closed). */
  async forget(model: OnnxModel): Promise<void> {
    const copy = this.copies.get(model);
    this.copies.delete(model);
    // a copy still loading is released by loadCopy when it finds itself forgotten
    await copy?.session?.release();
  }

  /** runs handed to the inference worker since it last started */
  get workerRuns(): number {
    return this.inferenceWorker.running?.runs ?? 0;
  }

  /** Resolves once every copy a large run asked for is loaded (or failed to load): tests, bench. */
  async workerReady(): Promise<void> {
    await Promise.all([...this.copies.values()].map((copy) => copy.loaded));
  }

  /** Stops the inference worker once the runs it holds are done. */
  async close(): Promise<void> {
    await this.inferenceWorker.close();
  }

  private copyFor(model: OnnxModel, rows: number, source: CopySource): WorkerSession | null {
    if (!this.workerThreads || rows < largeRunRows) return null;
    const worker = this.inferenceWorker.use();
    if (!worker) return null;
    const copy = this.copies.get(model);
    if (copy) return copy.session;
    this.copies.set(model, this.loadCopy(model, worker, source));
    return null;
  }

  private loadCopy(model: OnnxModel, worker: SessionWorker, source: CopySource): WorkerCopy {
    const copy: WorkerCopy = { session: null, loaded: Promise.resolve() };
    copy.loaded = (async () => {
      try {
        const session = await worker.load(source.runnable(), sessionOptions(source.options));
        // the model closed, or the worker was let go, while the copy loaded
        if (this.copies.get(model) !== copy) await session.release();
        else copy.session = session;
      } catch {
        // no copy: this model's runs stay on this thread
      }
    })();
    return copy;
  }
}

/**
 * The [from, to) parts a call of n records runs in: parts of at least largeRunRows records, one
 * part for anything smaller than two. While the model computes one part (on the inference
 * worker), this thread turns the previous part's predictions into answers and log rows.
 */
export function runParts(n: number): [number, number][] {
  const count = Math.max(1, Math.floor(n / largeRunRows));
  const ranges: [number, number][] = [];
  for (let k = 0; k < count; k++) ranges.push([Math.floor((k * n) / count), Math.floor(((k + 1) * n) / count)]);
  return ranges;
}
