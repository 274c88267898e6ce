/**
 * Names on the other side: Triton model directories that keep endpoint, algorithm and version
 * readable, and Kubernetes object names (DNS-1035 labels) for KServe and Seldon.
 */
import { createHash } from 'node:crypto';
import type { Algorithm } from '../../registry/types.ts';

const tritonUnsafe = /[^A-Za-z0-9._-]+/g;

function tritonPart(text: string): string {
  const part = text.trim().replace(tritonUnsafe, '_').replace(/^[.]+/, '_');
  return part || '_';
}

/**
 * `<endpoint>__<algorithm>__<version>`, e.g. `income_classifier__random_forest__0.0.1`: an
 * endpoint's algorithms often share a version, so the algorithm's name is part of it. Two
 * algorithms that only differ in characters the name cannot hold get their ids appended.
 */
export function tritonModelNames(algorithms: Algorithm[]): Map<number, string> {
  const base = new Map(
    algorithms.map((a) => [a.id, [a.endpointName, a.name, a.version].map(tritonPart).join('__')] as const)
  );
  const counts = new Map<string, number>();
  for (const name of base.values()) counts.set(name, (counts.get(name) ?? 0) + 1);
  return new Map([...base].map(([id, name]) => [id, counts.get(name)! > 1 ? `${name}__${id}` : name]));
}

/**
 * A DNS-1035 label (lowercase letters, digits and "-", starting with a letter, at most 63
 * characters), as InferenceService and Seldon names need. Underscores become "-"; a name
 * that had to be cut keeps a short hash of the whole so two long names stay distinct.
 */
export function kubernetesName(...parts: string[]): string {
  const whole = parts.join('-');
  let name = whole
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  if (!/^[a-z]/.test(name)) name = `m-${name}`.replace(/-$/, '');
  if (name.length > 63) {
    const hash = createHash('sha256').update(whole).digest('hex').slice(0, 8);
    name = `${name.slice(0, 54).replace(/-+$/, '')}-${hash}`;
  }
  return name;
}
