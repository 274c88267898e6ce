import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { inspectModel, type ModelSignature } from '../inference/index.ts';
import { ArtifactStore } from '../registry/artifact-store.ts';
import type { Algorithm } from '../registry/types.ts';

/**
 * The bytes onnxruntime runs for an algorithm: its artifact, checked against its SHA-256 (a file
 * swapped for another model under the same name is refused: ArtifactHashError), or for a ZipMap
 * model the rewritten graph, derived from the checked artifact and cached beside the artifacts
 * by hash so it is derived once, not at every start. The cached graph is used only while it
 * still hashes to what was written (`<sha>.onnx.sha256` beside it); else it is derived again.
 * Failing to write the cache (full disk) does not fail the load.
 */
export function readRunnableModel(artifacts: ArtifactStore, algorithm: Algorithm): { signature: ModelSignature; runnable: Uint8Array } {
  const sha = algorithm.artifactSha256;
  const bytes = artifacts.readVerified(sha);
  const signature = currentSignature(bytes, algorithm);
  if (!signature.zipmap) return { signature, runnable: bytes };
  const derived = join(artifacts.dir, 'derived', `${sha}.onnx`);
  const cached = readDerived(derived);
  if (cached) return { signature, runnable: cached };
  const inspected = inspectModel(bytes);
  writeDerived(derived, inspected.runnable);
  return inspected;
}

function readDerived(path: string): Buffer | null {
  try {
    const bytes = readFileSync(path);
    return readFileSync(`${path}.sha256`, 'utf8').trim() === ArtifactStore.hash(bytes) ? bytes : null;
  } catch {
    return null;
  }
}

function writeDerived(path: string, bytes: Uint8Array): void {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(`${path}.sha256`, ArtifactStore.hash(bytes));
    writeFileSync(temp, bytes);
    renameSync(temp, path);
  } catch {
    try {
      rmSync(temp, { force: true });
    } catch {
      // a read-only directory never got the file
    }
  }
}

/**
 * The stored signature, with what later versions read from the graph filled in for algorithms
 * registered before them (whether it handles missing values, the id ranges of its embedding
 * inputs, its output kind hint): read once from the artifact when such a model loads.
 */
function currentSignature(bytes: Uint8Array, algorithm: Algorithm): ModelSignature {
  const stored = algorithm.signature;
  if (typeof stored.imputes === 'boolean') return stored;
  const fresh = inspectModel(bytes).signature;
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
