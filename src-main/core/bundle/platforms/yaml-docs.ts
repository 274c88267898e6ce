/** Kubernetes manifests as commented YAML (the `yaml` package keeps comments where they belong). */
import YAML, { isMap, isScalar } from 'yaml';

export interface KeyComment {
  /** path to the key, e.g. ['spec', 'predictor', 'canaryTrafficPercent'] */
  path: string[];
  text: string;
}

export interface Manifest {
  /** the object as applied (tests validate it against the CRD) */
  object: Record<string, unknown>;
  /** comment above the document */
  header?: string;
  comments?: KeyComment[];
}

const commentText = (text: string): string =>
  text
    .split('\n')
    .map((line) => ` ${line}`)
    .join('\n');

function document(manifest: Manifest): YAML.Document {
  const doc = new YAML.Document(manifest.object);
  if (manifest.header) doc.commentBefore = commentText(manifest.header);
  for (const { path, text } of manifest.comments ?? []) {
    const parent = doc.getIn(path.slice(0, -1), true);
    const pair = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && p.key.value === path.at(-1)) : undefined;
    if (!pair || !isScalar(pair.key)) throw new Error(`no key ${path.join('.')} to comment`);
    pair.key.commentBefore = commentText(text);
  }
  return doc;
}

/** One file of one or more documents, each starting with `---`. */
export function manifestFile(manifests: Manifest[]): string {
  return manifests.map((m) => `---\n${document(m).toString({ lineWidth: 0 })}`).join('');
}
