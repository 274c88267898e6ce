/**
 * The parity check an export must pass before anything is written: each exported graph, loaded
 * in onnxruntime directly (as Triton's ONNX Runtime backend loads model.onnx, with the same
 * intra-op threads), answers the algorithm's input example and its last logged requests
 * exactly as ModelDesk answered them.
 *
 * An answer is read from the graph's tensors the way the export's README tells a Triton client
 * to: probabilities named by labels.txt, the label from the label output (or from the
 * threshold, when the algorithm has one). Every raw output is compared too, so the tensors
 * Triton returns are checked, not only what ModelDesk makes of them.
 *
 * Labels, strings and integers must be equal. Floats may differ by a tolerance (default 1e-6,
 * index.ts), because a float answer depends on the batch it ran in: onnxruntime's linear
 * kernels (MatMul/Gemm in skl2onnx's logistic regressions) round differently for a batch of 20
 * than for one row, by up to 2.1e-7 on iris_lr (tree ensembles agree bit for bit). The log does
 * not say which rows ModelDesk's batcher ran together, and Triton's batcher will group them
 * differently again, so a replay can match bit for bit only where batching cannot matter.
 */
import * as ort from 'onnxruntime-node';
import { invalidInput, ModelDeskError } from '../../errors.ts';
import { OnnxModel, type ModelSignature, type Prediction } from '../../inference/index.ts';
import { decodeConfigOf, resolveSettings, type ModelSettings } from '../../inference/model-settings.ts';
import { sessionOptions } from '../../inference/onnx-model.ts';
import { decodePredictions, type DecodeConfig, type RawOutput } from '../../inference/output-decoder.ts';
import { RecordEncoder } from '../../inference/record-encoder.ts';
import { registeredModelOptions } from '../../registry/registered-options.ts';
import type { Algorithm } from '../../registry/types.ts';
import type { LoggedRequest } from '../../requests/request-log.ts';

export interface ParityMismatch {
  /** the exported model's name in the Triton repository */
  model: string;
  algorithmId: number;
  source: 'input_example' | 'request';
  /** the logged request's id; null for the input example */
  requestId: number | null;
  /** label, probability, probabilities, prediction, outputs.<name>, or input (a record the graph could not take) */
  field: string;
  /** what ModelDesk answered */
  expected: unknown;
  /** what the exported graph answers */
  actual: unknown;
}

/** The export was stopped: listed answers of the exported graphs differ from ModelDesk's. */
export class ParityError extends ModelDeskError {
  constructor(readonly mismatches: ParityMismatch[]) {
    const shown = mismatches.slice(0, 10).map((m) => {
      const where = m.source === 'request' ? `request ${m.requestId}` : 'input example';
      return `${m.model} ${where} ${m.field}: ModelDesk ${JSON.stringify(m.expected)}, exported ${JSON.stringify(m.actual)}`;
    });
    const more = mismatches.length > shown.length ? `\n… and ${mismatches.length - shown.length} more` : '';
    super('conflict', `export stopped: the exported models answer ${mismatches.length} field(s) differently from ModelDesk\n${shown.join('\n')}${more}`, 'parity');
    this.name = 'ParityError';
  }
}

export interface ParitySubject {
  model: string;
  algorithm: Algorithm;
  /** the stored artifact (what ModelDesk loads) */
  original: Uint8Array;
  /** the graph being exported */
  exported: Uint8Array;
  signature: ModelSignature;
}

export interface ParityInput {
  subjects: ParitySubject[];
  intraOpThreads: number;
  /** the algorithm's last OK requests, newest first */
  loggedRequests: (algorithmId: number) => LoggedRequest[];
  inputExample?: ((algorithm: Algorithm) => unknown) | undefined;
  /** numbers may differ by tolerance × max(1, |value|); 0 = bit for bit */
  tolerance: number;
}

export interface ParityResult {
  model: string;
  algorithmId: number;
  inputExample: boolean;
  requests: number;
  /** the largest difference between a number ModelDesk answered and the exported graph's (0: bit for bit) */
  largestDifference: number;
}

type Answer = Pick<Prediction, 'label' | 'probability' | 'probabilities' | 'prediction'> & { outputs?: Record<string, unknown> };

/** ModelDesk's decoding of the graph's tensors, with the options the algorithm was registered with. */
function settingsOf(a: Algorithm, signature: ModelSignature): { settings: ModelSettings; decode: DecodeConfig } {
  const settings = resolveSettings(signature, registeredModelOptions(a));
  return { settings, decode: decodeConfigOf(signature, settings) };
}

const toJson = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

/**
 * Equal JSON values; numbers may differ by `tolerance` × max(1, |a|, |b|) (absolute below 1,
 * relative above). `largest` collects the largest difference between numbers seen.
 */
function same(a: unknown, b: unknown, tolerance: number, largest: { value: number }): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a === b) return true;
    const difference = Math.abs(a - b);
    if (Number.isFinite(difference)) largest.value = Math.max(largest.value, difference);
    return difference <= tolerance * Math.max(1, Math.abs(a), Math.abs(b));
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i], tolerance, largest));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => k in b && same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], tolerance, largest));
  }
  return a === b;
}

/** Field-by-field differences; null and absent are the same (the log writes a missing probability as null). */
function differences(expected: Answer, actual: Answer, tolerance: number, largest: { value: number }): { field: string; expected: unknown; actual: unknown }[] {
  const out: { field: string; expected: unknown; actual: unknown }[] = [];
  const norm = (v: unknown) => (v === null ? undefined : toJson(v));
  for (const field of ['label', 'probability', 'probabilities', 'prediction'] as const) {
    const e = norm(expected[field]);
    const a = norm(actual[field]);
    if (!same(e, a, tolerance, largest)) out.push({ field, expected: e ?? null, actual: a ?? null });
  }
  const names = new Set([...Object.keys(expected.outputs ?? {}), ...Object.keys(actual.outputs ?? {})]);
  for (const name of names) {
    const e = norm(expected.outputs?.[name]);
    const a = norm(actual.outputs?.[name]);
    if (!same(e, a, tolerance, largest)) out.push({ field: `outputs.${name}`, expected: e ?? null, actual: a ?? null });
  }
  return out;
}

function loggedAnswer(row: LoggedRequest): Answer {
  const body = JSON.parse(row.response) as Answer;
  return { label: body.label, probability: body.probability, probabilities: body.probabilities, prediction: body.prediction, outputs: body.outputs };
}

async function checkOne(subject: ParitySubject, input: ParityInput, mismatches: ParityMismatch[]): Promise<ParityResult> {
  const { algorithm: a, signature } = subject;
  const session = await ort.InferenceSession.create(subject.exported, sessionOptions({ intraOpThreads: input.intraOpThreads, allowSpinning: false }));
  const { settings, decode } = settingsOf(a, signature);
  const encoder = new RecordEncoder(signature.inputs, a.featureNames, { handlesMissing: settings.handlesMissing });
  const largest = { value: 0 };
  const tensorOutputs = new Set(session.outputMetadata.filter((m) => m.isTensor).map((m) => m.name));
  const fetches = session.outputNames.filter((n) => tensorOutputs.has(n));
  const exported = async (record: unknown): Promise<Answer> => {
    const feeds = encoder.toFeeds([encoder.validate(record)]);
    const tensors: Record<string, ort.Tensor> = {};
    for (const [name, feed] of Object.entries(feeds)) tensors[name] = new ort.Tensor(feed.type as 'float32', feed.data as Float32Array, feed.dims);
    const results = (await session.run(tensors, fetches)) as Record<string, RawOutput>;
    return decodePredictions(results, 1, decode)[0]!;
  };
  const compare = async (record: unknown, expected: Answer, source: ParityMismatch['source'], requestId: number | null) => {
    let actual: Answer;
    try {
      actual = await exported(record);
    } catch (err) {
      mismatches.push({ model: subject.model, algorithmId: a.id, source, requestId, field: 'input', expected: 'an answer', actual: (err as Error).message });
      return;
    }
    for (const d of differences(expected, actual, input.tolerance, largest)) mismatches.push({ model: subject.model, algorithmId: a.id, source, requestId, ...d });
  };

  try {
    const example = input.inputExample?.(a);
    if (example !== undefined && example !== null) {
      const own = await OnnxModel.load(subject.original, { ...registeredModelOptions(a), intraOpThreads: input.intraOpThreads });
      try {
        let answer: Prediction;
        try {
          [answer] = (await own.predict([example])) as [Prediction];
        } catch (err) {
          throw invalidInput(`the input example of algorithm ${a.id} is not a record ModelDesk can answer: ${(err as Error).message}`, 'input_example');
        }
        await compare(example, answer, 'input_example', null);
      } finally {
        await own.close();
      }
    }
    const rows = input.loggedRequests(a.id);
    for (const row of rows) await compare(JSON.parse(row.input), loggedAnswer(row), 'request', row.id);
    return { model: subject.model, algorithmId: a.id, inputExample: example !== undefined && example !== null, requests: rows.length, largestDifference: largest.value };
  } finally {
    await session.release();
  }
}

/** Checks every subject; throws one ParityError listing every difference found, or returns what was checked. */
export async function checkParity(input: ParityInput): Promise<ParityResult[]> {
  const mismatches: ParityMismatch[] = [];
  const results: ParityResult[] = [];
  for (const subject of input.subjects) results.push(await checkOne(subject, input, mismatches));
  if (mismatches.length) throw new ParityError(mismatches);
  return results;
}
