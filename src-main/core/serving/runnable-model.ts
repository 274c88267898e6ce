import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { inspectModel, type ModelSignature } from '../inference/index.ts';
import type { ArtifactStore } from '../registry/artifact-store.ts';
import type { Algorithm } from '../registry/types.ts';

/**
 * The bytes onnxruntime runs for an algorithm: its artifact, or for a ZipMap model the rewritten
 * graph, cached beside the artifacts by hash so it is derived once, not at every start.
 */
export function readRunnableModel(artifacts: ArtifactStore, algorithm: Algorithm): { signature: ModelSignature; runnable: Uint8Array } {
  const sha = algorithm.artifactSha256;
  const signature = currentSignature(artifacts, algorithm);
  if (!signature.zipmap) return { signature, runnable: artifacts.read(sha) };
  const derivedDir = join(artifacts.dir, 'derived');
  const derived = join(derivedDir, `${sha}.onnx`);
  if (existsSync(derived)) return { signature, runnable: readFileSync(derived) };
  const inspected = inspectModel(artifacts.read(sha));
  mkdirSync(derivedDir, { recursive: true });
  const temp = `${derived}.${process.pid}.tmp`;
  writeFileSync(temp, inspected.runnable);
  renameSync(temp, derived);
  return inspected;
}

/**
 * The stored signature, with what later versions read from the graph filled in for algorithms
 * registered before them (whether it handles missing values, the id ranges of its embedding
 * inputs, its output kind hint): read once from the artifact when such a model loads.
 */
function currentSignature(artifacts: ArtifactStore, algorithm: Algorithm): ModelSignature {
  const stored = algorithm.signature;
  if (typeof stored.imputes === 'boolean') return stored;
  const fresh = inspectModel(artifacts.read(algorithm.artifactSha256)).signature;
  const ranges = new Map(fresh.inputs.map((i) => [i.name, i.range]));
  return {
    ...stored,
    inputs: stored.inputs.map((input) => (ranges.get(input.name) ? { ...input, range: ranges.get(input.name)! } : input)),
    imputes: fresh.imputes ?? false,
    outputKindHint: fresh.outputKindHint ?? null
  };
}

let fullGc: (() => void) | null | undefined;

/**
 * One full collection after a model load. Reading and rewriting a large graph (ZipMap) leaves
 * hundreds of MB of protobuf objects behind, and V8 would keep that heap resident long after:
 * the shipped forest alone took the process from ~250 MB to ~600 MB. A load is rare, and the
 * collection costs tens of milliseconds because almost nothing is alive.
 */
export function collectGarbage(): void {
  try {
    if (fullGc === undefined) {
      setFlagsFromString('--expose-gc');
      fullGc = runInNewContext('gc') as () => void;
    }
    fullGc?.();
  } catch {
    fullGc = null;
  }
}
