import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspectModel, OnnxModel } from '../inference/index.ts';
import type { ArtifactStore } from '../registry/artifact-store.ts';
import type { Algorithm } from '../registry/types.ts';

/**
 * One onnxruntime session per algorithm, loaded on first use and kept while the algorithm is
 * in use (DESIGN §3). Concurrent first requests share one load. A ZipMap model's rewritten
 * graph is cached beside the artifacts by hash, so it is derived once, not at every start.
 */
export class ModelPool {
  private readonly loaded = new Map<number, Promise<OnnxModel>>();
  private readonly derivedDir: string;

  constructor(
    private readonly artifacts: ArtifactStore,
    private readonly intraOpThreads?: number
  ) {
    this.derivedDir = join(artifacts.dir, 'derived');
  }

  get(algorithm: Algorithm): Promise<OnnxModel> {
    const cached = this.loaded.get(algorithm.id);
    if (cached) return cached;
    const model = OnnxModel.loadInspected(this.runnable(algorithm), {
      featureNames: algorithm.featureNames,
      positiveClass: algorithm.positiveClass,
      threshold: algorithm.threshold,
      classes: algorithm.classes,
      ...(this.intraOpThreads ? { intraOpThreads: this.intraOpThreads } : {})
    });
    this.loaded.set(algorithm.id, model);
    // A failed load must not poison the cache: the next request tries again.
    model.catch(() => this.loaded.delete(algorithm.id));
    return model;
  }

  async release(algorithmId: number): Promise<void> {
    const model = this.loaded.get(algorithmId);
    this.loaded.delete(algorithmId);
    if (model) await (await model).close();
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.loaded.keys()].map((id) => this.release(id)));
  }

  private runnable(algorithm: Algorithm) {
    const sha = algorithm.artifactSha256;
    if (!algorithm.signature.zipmap) return { signature: algorithm.signature, runnable: this.artifacts.read(sha) };
    const derived = join(this.derivedDir, `${sha}.onnx`);
    if (existsSync(derived)) return { signature: algorithm.signature, runnable: readFileSync(derived) };
    const inspected = inspectModel(this.artifacts.read(sha));
    mkdirSync(this.derivedDir, { recursive: true });
    const temp = `${derived}.${process.pid}.tmp`;
    writeFileSync(temp, inspected.runnable);
    renameSync(temp, derived);
    return inspected;
  }
}
