import { isDeepStrictEqual } from 'node:util';
import { invalidInput } from '../errors.ts';
import { OnnxModel, type ModelSignature } from '../inference/index.ts';
import type { ManifestAlgorithm } from './manifest-schema.ts';
import { describeRef, refKey } from './validate.ts';

/**
 * Imports prove their models (issue 20 item 12): a bundle's hashes say only that the files are
 * the ones its manifest names, not that they are models, nor the models the manifest describes.
 * Before anything is written, each algorithm the import creates is loaded in onnxruntime exactly
 * as registration loads it (OnnxModel.load with the algorithm's options), and the signature read
 * from the file must be the manifest's. One file is held in memory at a time.
 */

/** The signature to store, by bundle refKey: the manifest's, with every field read from the file. */
export type ProvenSignatures = Map<string, ModelSignature>;

/** Proves the algorithms an import creates, one model file at a time, as the files come by. */
export class ModelProver {
  readonly signatures: ProvenSignatures = new Map();
  private readonly pending = new Map<string, ManifestAlgorithm[]>();

  constructor(algorithms: ManifestAlgorithm[]) {
    for (const a of algorithms) this.pending.set(a.artifact_sha256, [...(this.pending.get(a.artifact_sha256) ?? []), a]);
  }

  /** Proves the algorithms whose model file this is (nothing when none of them is created). */
  async prove(sha256: string, bytes: Uint8Array): Promise<void> {
    const users = this.pending.get(sha256);
    if (!users) return;
    this.pending.delete(sha256);
    for (const a of users) this.signatures.set(refKey(a), await proveOne(a, bytes));
  }

  /** Proves the rest: new algorithms whose model file this registry already has. */
  async proveRest(read: (sha256: string) => Uint8Array): Promise<ProvenSignatures> {
    for (const sha of [...this.pending.keys()]) await this.prove(sha, read(sha));
    return this.signatures;
  }
}

async function proveOne(a: ManifestAlgorithm, bytes: Uint8Array): Promise<ModelSignature> {
  let model: OnnxModel;
  try {
    model = await OnnxModel.load(bytes, {
      featureNames: a.feature_names,
      positiveClass: a.positive_class,
      threshold: a.threshold,
      classes: a.classes,
      outputKind: a.output_kind ?? null,
      handlesMissing: a.handles_missing ?? null
    });
  } catch (err) {
    throw invalidInput(
      `invalid bundle: the model file of ${describeRef(a)} (artifacts/${a.artifact_sha256}.onnx) is refused as a registration would refuse it: ${(err as Error).message}`,
      'file'
    );
  }
  const { signature, classes, task } = model;
  await model.close();
  const declared = a.signature as unknown as Record<string, unknown>;
  const read = signature as unknown as Record<string, unknown>;
  // Fields both sides know are compared; a field only one side has comes from an older or newer ModelDesk.
  const differences = Object.keys(read)
    .filter((key) => key in declared)
    .map((key) => firstDifference(read[key], declared[key], `signature.${key}`))
    .filter((d): d is string => d !== null);
  // the task the model serves with (an output_kind makes a tensor model a classifier), as registration stores it
  if (a.task !== task) differences.push(`task: the file is a ${task} model, the manifest says ${a.task}`);
  const classDifference = firstDifference(classes, a.classes, 'classes');
  if (classDifference) differences.push(classDifference);
  if (differences.length) {
    throw invalidInput(
      `invalid bundle: the manifest does not describe the model file of ${describeRef(a)}: ${differences.slice(0, 5).join('; ')}` +
        (differences.length > 5 ? ` and ${differences.length - 5} more` : ''),
      'file'
    );
  }
  return { ...(a.signature as ModelSignature), ...signature };
}

/** The first place two JSON values differ, in words; null when they are equal. */
function firstDifference(fromFile: unknown, declared: unknown, path: string): string | null {
  if (isDeepStrictEqual(fromFile, declared)) return null;
  if (Array.isArray(fromFile) && Array.isArray(declared) && fromFile.length === declared.length) {
    for (let i = 0; i < fromFile.length; i++) {
      const d = firstDifference(fromFile[i], declared[i], `${path}.${i}`);
      if (d) return d;
    }
  }
  const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
  if (isObject(fromFile) && isObject(declared)) {
    for (const key of new Set([...Object.keys(fromFile), ...Object.keys(declared)])) {
      const d = firstDifference(fromFile[key], declared[key], `${path}.${key}`);
      if (d) return d;
    }
  }
  return `${path} is ${JSON.stringify(fromFile) ?? 'absent'} in the file, ${JSON.stringify(declared) ?? 'absent'} in the manifest`;
}
