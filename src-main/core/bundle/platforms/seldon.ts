/**
 * Seldon Core v2 manifests (mlops.seldon.io/v1alpha1): a Model per served version, on Seldon's
 * Triton server, and while an A/B test runs an Experiment with the test's split (candidates
 * weighted like its arms) or, for a shadow test, a mirror. The production Model is named after
 * the endpoint and is the Experiment's `default`, so clients keep calling one model name and
 * Seldon splits or mirrors behind it.
 */
import type { Algorithm } from '../../registry/types.ts';
import type { PlannedFile } from './kserve.ts';
import { kubernetesName } from './naming.ts';
import { challengers, type EndpointTraffic } from './traffic.ts';
import { manifestFile, type Manifest } from './yaml-docs.ts';

export interface SeldonInput {
  traffic: EndpointTraffic;
  /** `triton/<model>`: the model's folder in the exported Triton repository */
  folderOf: (algorithmId: number) => string;
  storageUri: string;
  namespace: string | null;
}

export interface SeldonFile {
  file: PlannedFile | null;
  warnings: string[];
}

const label = (a: Algorithm): string => `"${a.name}" ${a.version} (algorithm ${a.id})`;

export function seldonFile(input: SeldonInput): SeldonFile {
  const { traffic } = input;
  const primary = traffic.primary;
  if (!primary) {
    return { file: null, warnings: [`Seldon: endpoint "${traffic.endpointName}" has no production version; no Model written`] };
  }
  const warnings: string[] = [];
  const metadata = (name: string) => ({
    name,
    ...(input.namespace ? { namespace: input.namespace } : {}),
    labels: { 'app.kubernetes.io/managed-by': 'modeldesk' },
    annotations: { 'modeldesk/endpoint': traffic.endpointName }
  });
  const modelName = (a: Algorithm): string =>
    a.id === primary.id ? kubernetesName(traffic.endpointName) : kubernetesName(traffic.endpointName, a.name, a.version);
  const model = (a: Algorithm, role: string): Manifest => ({
    object: {
      apiVersion: 'mlops.seldon.io/v1alpha1',
      kind: 'Model',
      metadata: metadata(modelName(a)),
      spec: { storageUri: `${input.storageUri}/${input.folderOf(a.id)}`, requirements: ['onnx'] }
    },
    header: `${role} of ModelDesk endpoint "${traffic.endpointName}": ${label(a)}, served by Seldon's Triton server.`
  });

  const test = traffic.test;
  const others = challengers(traffic);
  const manifests: Manifest[] = [model(primary, 'Production version')];
  for (const arm of others) manifests.push(model(arm.algorithm, `Arm of A/B test ${test!.id}`));

  if (test && others.length > 0) {
    const spec: Record<string, unknown> = { default: modelName(primary) };
    let comment: string;
    if (test.mode === 'split') {
      spec.candidates = test.arms.map((arm) => ({ name: modelName(arm.algorithm), weight: arm.percent }));
      comment = `weights in percent of traffic, from the test's weights ${test.arms.map((a) => a.weight).join(':')}`;
    } else {
      const [mirrored, ...rest] = others;
      if (rest.length) {
        warnings.push(`Seldon: shadow test ${test.id} on "${traffic.endpointName}" has ${others.length} shadow arms and a Seldon Experiment mirrors one; only ${label(mirrored!.algorithm)} is mirrored`);
      }
      spec.candidates = [{ name: modelName(primary), weight: 100 }];
      spec.mirror = { name: modelName(mirrored!.algorithm), percent: 100 };
      comment = 'shadow mode: production answers every request; each is also sent to the mirror, whose answer is not returned';
    }
    manifests.push({
      object: { apiVersion: 'mlops.seldon.io/v1alpha1', kind: 'Experiment', metadata: metadata(kubernetesName(traffic.endpointName, 'ab', String(test.id))), spec },
      header: [
        `ModelDesk A/B test ${test.id} "${test.title}" (${test.mode}).`,
        `Requests to model ${modelName(primary)} go through this Experiment while it exists; delete it to end the test.`
      ].join('\n'),
      comments: [{ path: ['spec', test.mode === 'split' ? 'candidates' : 'mirror'], text: comment }]
    });
  }
  const path = `kubernetes/seldon/${traffic.endpointName}.yaml`;
  const header = `Seldon Core v2 manifests for ModelDesk endpoint "${traffic.endpointName}": kubectl apply -f ${path}`;
  manifests[0] = { ...manifests[0]!, header: `${header}\n\n${manifests[0]!.header}` };
  return { file: { path, text: manifestFile(manifests), manifests }, warnings };
}
