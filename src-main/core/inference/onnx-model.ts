/**
 * A loaded model: signature, option checks, one onnxruntime session, and the
 * record → feeds → predictions pipeline around it.
 */
import * as ort from 'onnxruntime-node';
import { invalidInput, ModelDeskError, unavailable } from '../errors.ts';
import { decodeModel, encodeModel, readGraphFacts, rewriteZipMaps } from './onnx-graph.ts';
import { decodeConfigOf, resolveSettings, type ModelSettings } from './model-settings.ts';
import { decodePredictions, type DecodeConfig, type RawOutput } from './output-decoder.ts';
import { RecordEncoder, type Feed, type ValidRecord } from './record-encoder.ts';
import { deriveSignature, type ModelOptions, type ModelSignature, type OutputKind, type Prediction, type Task } from './signature.ts';

/**
 * Reads the signature and, when the graph ends in ZipMap, returns rewritten bytes that
 * onnxruntime-node can run. Models without ZipMap are returned byte-for-byte unchanged.
 */
export function inspectModel(bytes: Uint8Array): { signature: ModelSignature; runnable: Uint8Array } {
  const model = decodeModel(bytes);
  // Facts come from the original graph, so the signature shows the ZipMap output as the file declares it.
  const facts = readGraphFacts(model);
  const rewritten = rewriteZipMaps(model);
  return { signature: deriveSignature(facts, rewritten), runnable: rewritten ? encodeModel(model) : bytes };
}

/** onnxruntime session options from ModelDesk's (also used for the worker's copy of a model). */
export function sessionOptions(options: Pick<ModelOptions, 'intraOpThreads' | 'allowSpinning'>): ort.InferenceSession.SessionOptions {
  return {
    logSeverityLevel: 3,
    ...(options.intraOpThreads ? { intraOpNumThreads: options.intraOpThreads } : {}),
    ...(options.allowSpinning === false ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {})
  };
}

/**
 * The same model's session somewhere else (in the inference worker, session-worker.ts), loaded
 * from the same bytes with the same options, so a run there answers exactly as one here.
 */
export interface SessionCopy {
  /** false once its thread is gone: runs then happen here */
  readonly alive: boolean;
  run(feeds: Record<string, Feed>, fetches: string[]): Promise<Record<string, RawOutput>>;
}

export class OnnxModel {
  private closed = false;

  private constructor(
    readonly signature: ModelSignature,
    private readonly settings: ModelSettings,
    private readonly session: ort.InferenceSession,
    private readonly encoder: RecordEncoder,
    private readonly decodeConfig: DecodeConfig,
    /** only tensor outputs can cross onnxruntime-node's boundary */
    private readonly fetches: string[]
  ) {}

  get batchable(): boolean {
    return this.signature.batchable;
  }

  /** effective classes: the model's own, else ModelOptions.classes */
  get classes(): (string | number)[] | null {
    return this.settings.classes;
  }

  /** the signature's task, or classification for a tensor model told what its scores are */
  get task(): Task {
    return this.settings.task;
  }

  /** how the classifier's scores read (null: not a classifier) */
  get outputKind(): OutputKind | null {
    return this.settings.outputKind;
  }

  /** whether `null` in a record reaches the model as a missing value */
  get handlesMissing(): boolean {
    return this.settings.handlesMissing;
  }

  static async load(bytes: Uint8Array, options: ModelOptions = {}): Promise<OnnxModel> {
    return OnnxModel.loadInspected(inspectModel(bytes), options);
  }

  /**
   * Loads from the result of inspectModel, which callers may cache (the ZipMap rewrite of a
   * large model costs far more than creating its session).
   */
  static async loadInspected(
    { signature, runnable }: { signature: ModelSignature; runnable: Uint8Array },
    options: ModelOptions = {}
  ): Promise<OnnxModel> {
    const settings = resolveSettings(signature, options);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(runnable, sessionOptions(options));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new ModelDeskError('invalid_input', `model file could not be loaded by onnxruntime: ${message}`, 'file');
    }
    const tensorOutputs = new Set(session.outputMetadata.filter((m) => m.isTensor).map((m) => m.name));
    const fetches = session.outputNames.filter((name) => tensorOutputs.has(name));
    const encoder = new RecordEncoder(signature.inputs, settings.featureNames, { handlesMissing: settings.handlesMissing });
    return new OnnxModel(signature, settings, session, encoder, decodeConfigOf(signature, settings), fetches);
  }

  validate(record: unknown, index?: number): ValidRecord {
    return this.encoder.validate(record, index);
  }

  /**
   * Runs validated records on this thread's session, or on `copy` when one is given and alive
   * (RunPlacement decides). Both compute every row the same way, so where a run happened never
   * changes an answer.
   */
  async run(records: ValidRecord[], copy: SessionCopy | null = null): Promise<Prediction[]> {
    if (this.closed) throw unavailable('model session is closed');
    if (records.length === 0) return [];
    const groups = this.shapeGroups(records);
    if (!groups) return this.runShaped(records, copy);
    // Records that differ in a dynamic dim run separately: never padded, never truncated.
    const predictions: Prediction[] = new Array(records.length);
    for (const indices of groups) {
      const answers = await this.runShaped(indices.map((i) => records[i]!), copy);
      indices.forEach((i, k) => (predictions[i] = answers[k]!));
    }
    return predictions;
  }

  /** Equal for records that may share a run; the batcher groups requests by it. */
  shapeOf(records: ValidRecord[]): string | null {
    const first = this.encoder.shapeOf(records[0]!);
    return records.every((r) => this.encoder.shapeOf(r) === first) ? first : null;
  }

  /** Record indices by shape, or null when all have one shape (the usual case). */
  private shapeGroups(records: ValidRecord[]): number[][] | null {
    if (this.shapeOf(records) !== null) return null;
    const groups = new Map<string, number[]>();
    records.forEach((record, i) => {
      const shape = this.encoder.shapeOf(record);
      const group = groups.get(shape);
      if (group) group.push(i);
      else groups.set(shape, [i]);
    });
    return [...groups.values()];
  }

  /** Records of one shape. */
  private async runShaped(records: ValidRecord[], copy: SessionCopy | null): Promise<Prediction[]> {
    if (this.batchable) return this.runBatch(records, copy);
    // A fixed-shape model takes exactly the batch it declares (normally 1): never batch it.
    const predictions: Prediction[] = [];
    for (const record of records) predictions.push(...(await this.runBatch([record], copy)));
    return predictions;
  }

  async predict(records: unknown[]): Promise<Prediction[]> {
    if (!Array.isArray(records)) throw invalidInput('records must be an array');
    // Validate everything first: a batch with one bad record is refused whole.
    const valid = records.map((record, i) => this.validate(record, i));
    return this.run(valid);
  }

  /** Closes this thread's session (a copy elsewhere is released by whoever loaded it). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.session.release();
  }

  private async runBatch(records: ValidRecord[], copy: SessionCopy | null): Promise<Prediction[]> {
    const feeds = this.encoder.toFeeds(records);
    let results: Record<string, RawOutput>;
    if (copy?.alive) {
      try {
        results = await copy.run(feeds, this.fetches);
      } catch (err) {
        // the model's own error is the answer; a dead worker is not, so run here instead
        if (copy.alive) throw err;
        results = await this.runHere(feeds);
      }
    } else {
      results = await this.runHere(feeds);
    }
    return decodePredictions(results, records.length, this.decodeConfig);
  }

  private async runHere(feeds: Record<string, Feed>): Promise<Record<string, RawOutput>> {
    const tensors: Record<string, ort.Tensor> = {};
    for (const [name, feed] of Object.entries(feeds)) tensors[name] = toTensor(feed);
    return (await this.session.run(tensors, this.fetches)) as Record<string, RawOutput>;
  }
}

function toTensor(feed: Feed): ort.Tensor {
  // ort's overloads are keyed on the literal type; the encoder guarantees data matches type.
  return new ort.Tensor(feed.type as 'float32', feed.data as Float32Array, feed.dims);
}
