import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AlgorithmStatusValue, RegisterAlgorithmInput } from './types.ts';
import type { Registry } from './registry.ts';

interface SeedManifest {
  endpoints: {
    name: string;
    owner?: string;
    algorithms: {
      file: string;
      name: string;
      version: string;
      status: AlgorithmStatusValue;
      owner?: string;
      description?: string;
      code?: string;
      /** name → number, shown and compared on the Models page */
      metrics?: Record<string, number>;
      /** a record the model accepts: where the Playground and the snippets start */
      input_example?: unknown;
    }[];
  }[];
}

/**
 * Fills an empty registry from the shipped models/ folder; a registry with anything in it is left
 * alone. All of it is one registration (Registry.registerAll: files first, then every row in one
 * transaction), so a first start killed half-way leaves an empty registry, seeded whole at the
 * next start, never one of the two shipped algorithms for good (issue 20, item 13).
 */
export async function seedIfEmpty(registry: Registry, modelsDir: string): Promise<boolean> {
  if (registry.listEndpoints().length > 0) return false;
  const manifest = JSON.parse(readFileSync(join(modelsDir, 'manifest.json'), 'utf8')) as SeedManifest;
  const inputs: RegisterAlgorithmInput[] = [];
  for (const endpoint of manifest.endpoints) {
    for (const a of endpoint.algorithms) {
      inputs.push({
        file: readFileSync(join(modelsDir, a.file)),
        endpoint: endpoint.name,
        name: a.name,
        version: a.version,
        status: a.status,
        owner: a.owner ?? endpoint.owner ?? '',
        description: a.description ?? '',
        code: a.code ?? '',
        ...(a.metrics ? { metrics: a.metrics } : {}),
        ...(a.input_example === undefined ? {} : { inputExample: a.input_example }),
        createdBy: a.owner ?? 'modeldesk'
      });
    }
  }
  await registry.registerAll(inputs);
  return true;
}
