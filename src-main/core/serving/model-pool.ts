import { OnnxModel } from '../inference/index.ts';
import type { ArtifactStore } from '../registry/artifact-store.ts';
import type { Algorithm } from '../registry/types.ts';

/**
 * One onnxruntime session per algorithm, loaded on first use and kept while the algorithm is
 * in use (DESIGN §3). Concurrent first requests share one load.
 */
export class ModelPool {
  private readonly loaded = new Map<number, Promise<OnnxModel>>();

  constructor(
    private readonly artifacts: ArtifactStore,
    private readonly intraOpThreads?: number
  ) {}

  get(algorithm: Algorithm): Promise<OnnxModel> {
    const cached = this.loaded.get(algorithm.id);
    if (cached) return cached;
    {
      const model = OnnxModel.load(this.artifacts.read(algorithm.artifactSha256), {
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
  }

  async release(algorithmId: number): Promise<void> {
    const model = this.loaded.get(algorithmId);
    this.loaded.delete(algorithmId);
    if (model) await (await model).close();
  }

  async closeAll(): Promise<void> {
    const all = [...this.loaded.keys()];
    await Promise.allSettled(all.map((id) => this.release(id)));
  }
}
