/**
 * KServe InferenceService manifests (serving.kserve.io/v1beta1, Open Inference Protocol v2 on
 * the Triton runtime): the production version as the predictor and, while a split A/B test
 * runs with one challenger, a canary step that gives the challenger the test's share.
 *
 * KServe's canary is a change to a running InferenceService, not a field of a new one: it
 * splits traffic between the revision last rolled out at 100% and the latest. So the canary is
 * its own file, applied once the production revision is ready.
 */
import { kubernetesName } from './naming.ts';
import { challengers, type EndpointTraffic } from './traffic.ts';
import { manifestFile, type Manifest } from './yaml-docs.ts';

export interface PlannedFile {
  /** relative to the export's root */
  path: string;
  text: string;
  manifests: Manifest[];
}

export interface KServeInput {
  traffic: EndpointTraffic;
  /** `kserve/<model>`: a one-model Triton repository whose model is named after the endpoint */
  repositoryOf: (algorithmId: number) => string;
  /** where the export's folder will be uploaded, e.g. s3://bucket/modeldesk */
  storageUri: string;
  namespace: string | null;
}

export interface KServeFiles {
  files: PlannedFile[];
  /** algorithms whose one-model repository the manifests point at */
  algorithmIds: number[];
  warnings: string[];
}

const label = (a: { name: string; version: string }): string => `"${a.name}" ${a.version}`;

function inferenceService(input: KServeInput, algorithmId: number, canaryPercent: number | null): Record<string, unknown> {
  const { traffic } = input;
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: {
      name: kubernetesName(traffic.endpointName),
      ...(input.namespace ? { namespace: input.namespace } : {}),
      labels: { 'app.kubernetes.io/managed-by': 'modeldesk' },
      annotations: {
        'modeldesk/endpoint': traffic.endpointName,
        // the canary needs Knative; both steps must name the same mode, or the update is refused
        ...(traffic.test?.mode === 'split' && challengers(traffic).length === 1
          ? { 'serving.kserve.io/deploymentMode': 'Serverless' }
          : {})
      }
    },
    spec: {
      predictor: {
        ...(canaryPercent === null ? {} : { canaryTrafficPercent: canaryPercent }),
        model: {
          modelFormat: { name: 'triton' },
          runtime: 'kserve-tritonserver',
          protocolVersion: 'v2',
          storageUri: `${input.storageUri}/${input.repositoryOf(algorithmId)}`
        }
      }
    }
  };
}

export function kserveFiles(input: KServeInput): KServeFiles {
  const { traffic } = input;
  const primary = traffic.primary;
  const warnings: string[] = [];
  if (!primary) {
    return { files: [], algorithmIds: [], warnings: [`KServe: endpoint "${traffic.endpointName}" has no production version; no InferenceService written`] };
  }
  const name = kubernetesName(traffic.endpointName);
  const base = `kubernetes/kserve/${traffic.endpointName}`;
  const others = challengers(traffic);
  const calls = `Clients call /v2/models/${traffic.endpointName}/infer on the InferenceService's URL (the Triton model is named after the endpoint).`;
  const production: Manifest = {
    object: inferenceService(input, primary.id, null),
    header: [
      `ModelDesk endpoint "${traffic.endpointName}": production version ${label(primary)} (algorithm ${primary.id}).`,
      calls,
      `kubectl apply -f ${base}.yaml`
    ].join('\n')
  };
  const files: PlannedFile[] = [{ path: `${base}.yaml`, text: '', manifests: [production] }];
  const algorithmIds = [primary.id];

  const test = traffic.test;
  if (test && test.mode === 'shadow') {
    warnings.push(`KServe: A/B test ${test.id} on "${traffic.endpointName}" is in shadow mode, which KServe cannot mirror; only production is deployed (the Seldon Experiment mirrors it)`);
  } else if (test && others.length > 1) {
    warnings.push(`KServe: A/B test ${test.id} on "${traffic.endpointName}" has ${others.length} challengers, and KServe's canary takes one; only production is deployed (the Seldon Experiment splits all arms)`);
  } else if (test && others.length === 1) {
    const challenger = others[0]!;
    const weights = test.arms.map((arm) => arm.weight).join(':');
    files.push({
      path: `${base}.canary.yaml`,
      text: '',
      manifests: [
        {
          object: inferenceService(input, challenger.algorithm.id, challenger.percent),
          header: [
            `ModelDesk A/B test ${test.id} "${test.title}" on endpoint "${traffic.endpointName}": the challenger`,
            `${label(challenger.algorithm)} (algorithm ${challenger.algorithm.id}) as the canary, production ${label(primary)} keeps the rest.`,
            '',
            "Canary rollout needs KServe's serverless (Knative) deployment mode; in raw deployment",
            '(Standard) mode canaryTrafficPercent is ignored and this spec would replace production outright.',
            'KServe splits traffic between the revision last rolled out at 100% and the latest one, so',
            'apply production first and this file once production is ready:',
            `  kubectl apply -f ${base}.yaml`,
            `  kubectl wait --for=condition=Ready inferenceservice/${name}`,
            `  kubectl apply -f ${base}.canary.yaml`,
            'Ending the test: set canaryTrafficPercent to 100 to promote, or re-apply the production file to roll back.',
            calls
          ].join('\n'),
          comments: [
            {
              path: ['spec', 'predictor', 'canaryTrafficPercent'],
              text: `the test's weights ${weights} give the challenger ${challenger.percent}% (${(100 - challenger.percent)}% stay on production)`
            }
          ]
        }
      ]
    });
    algorithmIds.push(challenger.algorithm.id);
  }
  return { files: files.map((f) => ({ ...f, text: manifestFile(f.manifests) })), algorithmIds, warnings };
}
