/**
 * A loaded model: signature, option checks, one onnxruntime session, and the
 * record → feeds → predictions pipeline around it.
 */
import * as ort from 'onnxruntime-node';
import { FieldChecks, invalidInput, ModelDeskError, unavailable } from '../errors.ts';
import { decodeModel, encodeModel, readGraphFacts, rewriteZipMaps } from './onnx-graph.ts';
import { decodePredictions, type DecodeConfig, type RawOutput } from './output-decoder.ts';
import { RecordEncoder, type Feed, type ValidRecord } from './record-encoder.ts';
import { columnWidth, deriveSignature, type ModelOptions, type ModelSignature, type Prediction } from './signature.ts';

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

/** Option values as they will be applied, after checking them against the signature. */
interface Settings {
  featureNames: string[] | null;
  classes: (string | number)[] | null;
  positiveIndex: number | null;
  threshold: number | null;
}

function checkOptions(signature: ModelSignature, options: ModelOptions): Settings {
  // every option is checked, so a registration hears of all its bad fields at once
  const checks = new FieldChecks();
  const featureNames = checks.run(() => checkFeatureNames(signature, options.featureNames ?? null)) ?? null;
  const probs = signature.outputs.find((o) => o.name === signature.probabilityOutput);
  const width = probs ? columnWidth(probs) : null;

  let classes = signature.classes;
  if (!classes && options.classes != null && signature.task === 'classification') {
    classes = checks.run(() => checkClasses(options.classes, width)) ?? null;
  }

  const binary = signature.task === 'classification' && !!probs && (classes?.length ?? width) === 2;
  let positiveIndex: number | null = binary ? 1 : null;
  if (options.positiveClass != null) {
    const index = classes ? classes.findIndex((c) => String(c) === String(options.positiveClass)) : -1;
    if (index < 0) {
      const known = classes ? `one of ${classes.map((c) => JSON.stringify(c)).join(', ')}` : 'a class, but the model has none';
      checks.run(() => {
        throw invalidInput(`positive_class must be ${known}`, 'positive_class');
      });
    } else if (binary) positiveIndex = index;
  }

  const threshold = options.threshold ?? null;
  if (threshold !== null) {
    checks.run(() => {
      if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) {
        throw invalidInput('threshold must be a number between 0 and 1', 'threshold');
      }
      if (!binary) throw invalidInput('threshold applies only to binary classifiers with probabilities', 'threshold');
    });
  }
  checks.throwIfAny();
  return { featureNames, classes, positiveIndex, threshold };
}

function checkClasses(given: unknown, width: number | null): (string | number)[] {
  if (!Array.isArray(given) || given.some((c) => typeof c !== 'string' && typeof c !== 'number')) {
    throw invalidInput('classes must be an array of strings or numbers', 'classes');
  }
  if (new Set(given.map(String)).size !== given.length) throw invalidInput('classes must be unique', 'classes');
  if (width !== null && given.length !== width) {
    throw invalidInput(`classes has ${given.length} entries but the model outputs ${width} probabilities`, 'classes');
  }
  return [...(given as (string | number)[])];
}

function checkFeatureNames(signature: ModelSignature, names: unknown): string[] | null {
  if (names === null || names === undefined) return null;
  const fail = (message: string) => invalidInput(message, 'feature_names');
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string' || n.trim() === '')) {
    throw fail('feature_names must be an array of non-empty strings');
  }
  if (new Set(names).size !== names.length) throw fail('feature_names must be unique');
  const [input, ...others] = signature.inputs;
  if (!input || others.length > 0) {
    throw fail(`feature_names applies only to models with one 2-D input; this model has ${signature.inputs.length} inputs`);
  }
  if (input.shape?.length !== 2) throw fail(`feature_names needs a 2-D input; "${input.name}" is not [N, K]`);
  const width = input.shape[1];
  if (typeof width === 'number' && width !== names.length) {
    throw fail(`feature_names has ${names.length} names but input "${input.name}" has ${width} columns`);
  }
  return names as string[];
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
    /** effective classes: the model's own, else ModelOptions.classes */
    readonly classes: (string | number)[] | null,
    private readonly session: ort.InferenceSession,
    private readonly encoder: RecordEncoder,
    private readonly decodeConfig: DecodeConfig,
    /** only tensor outputs can cross onnxruntime-node's boundary */
    private readonly fetches: string[]
  ) {}

  get batchable(): boolean {
    return this.signature.batchable;
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
    const settings = checkOptions(signature, options);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(runnable, sessionOptions(options));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new ModelDeskError('invalid_input', `model file could not be loaded by onnxruntime: ${message}`, 'file');
    }
    const tensorOutputs = new Set(session.outputMetadata.filter((m) => m.isTensor).map((m) => m.name));
    const fetches = session.outputNames.filter((name) => tensorOutputs.has(name));
    const single = signature.outputs.length === 1 ? signature.outputs[0]!.name : null;
    const decodeConfig: DecodeConfig = {
      task: signature.task,
      classes: settings.classes,
      labelOutput: signature.labelOutput,
      probabilityOutput: signature.probabilityOutput,
      predictionOutput: signature.task === 'regression' ? single : null,
      positiveIndex: settings.positiveIndex,
      threshold: settings.threshold
    };
    const encoder = new RecordEncoder(signature.inputs, settings.featureNames);
    return new OnnxModel(signature, settings.classes, session, encoder, decodeConfig, fetches);
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
