/**
 * Moving to a serving platform (issue 19 §1–2): the registry as a Triton model repository plus
 * KServe and Seldon Core v2 manifests that keep the A/B split, written only after the exported
 * graphs answered like ModelDesk (parity.ts).
 *
 *   OUT_DIR/README.md
 *   OUT_DIR/triton/<endpoint>__<algorithm>__<version>/{config.pbtxt, labels.txt, 1/model.onnx}
 *   OUT_DIR/kserve/<model>/<endpoint>/…           (one-model repositories KServe revisions load)
 *   OUT_DIR/kubernetes/{kserve,seldon}/<endpoint>.yaml
 */
import { join } from 'node:path';
import type { AbTest } from '../../experiments/types.ts';
import { invalidInput, notFound } from '../../errors.ts';
import type { Algorithm, Endpoint } from '../../registry/types.ts';
import type { LoggedRequest, RequestFilter, Page } from '../../requests/request-log.ts';
import { batchingFor, type BatchingOptions, type BatchingSettings } from '../../serving/batcher.ts';
import { algorithmInputExample } from './input-example.ts';
import { kserveFiles, type PlannedFile } from './kserve.ts';
import { modelFiles, prepareModel, type PreparedModel, type RepositoryFile } from './models.ts';
import { tritonModelNames } from './naming.ts';
import { checkParity, type ParityResult } from './parity.ts';
import { exportReadme } from './readme.ts';
import { seldonFile } from './seldon.ts';
import { endpointTraffic } from './traffic.ts';
import { checkOutDir, writeAtomically } from './write.ts';

export { ParityError, type ParityMismatch, type ParityResult } from './parity.ts';

/** What the export reads; `platformSources(core)` builds it from a running core. */
export interface PlatformExportSources {
  registry: {
    listEndpoints(): Endpoint[];
    findEndpointByName(name: string): Endpoint | undefined;
    listAlgorithms(filter: { endpointId?: number }): Algorithm[];
  };
  artifacts: { read(sha256: string): Uint8Array };
  requests: { list(filter: RequestFilter, page: number, pageSize: number): Page<LoggedRequest> };
  abTests: { running(): AbTest[] };
  /** ModelDesk's batching for one algorithm (serving settings, overrides included) */
  batchingFor(algorithmId: number): BatchingOptions;
  /** onnxruntime intra-op threads ModelDesk runs sessions with (0 = onnxruntime's choice) */
  intraOpThreads: number;
}

export interface PlatformExportOptions {
  /** created by the export; must not exist or be empty */
  outDir: string;
  /** export one endpoint (by name); all when absent */
  endpoint?: string;
  /** where OUT_DIR will be uploaded (s3://…, gs://…, pvc://…); the manifests' storageUri values start with it */
  storageUri: string;
  /** metadata.namespace of every manifest; none when absent */
  namespace?: string;
  /**
   * the algorithm's input example, answered by ModelDesk and by the exported graph; undefined = none.
   * Default: algorithmInputExample (input-example.ts), the one place the registry's example plugs in.
   */
  inputExample?: (algorithm: Algorithm) => unknown;
  /** how many of each algorithm's last logged requests the parity check replays (default 100, at most 1000) */
  parityRequests?: number;
  /**
   * how far a float may differ in the parity check: tolerance × max(1, |value|). Default 1e-6:
   * a float answer depends on the batch it ran in (parity.ts); 0 demands bit-for-bit equality.
   */
  tolerance?: number;
  /** also export archived versions (default: every version that is not archived) */
  includeArchived?: boolean;
  /** for the README (default: now) */
  now?: () => Date;
}

export interface ExportedModel {
  /** directory in OUT_DIR/triton */
  name: string;
  endpoint: string;
  algorithmId: number;
  algorithm: string;
  version: string;
  status: string | null;
  maxBatchSize: number;
  dynamicBatching: boolean;
  labels: boolean;
  zipmapRewritten: boolean;
}

export interface PlatformExportResult {
  outDir: string;
  /** OUT_DIR/triton: pass to tritonserver --model-repository */
  tritonRepository: string;
  models: ExportedModel[];
  /** relative paths of the Kubernetes manifests written */
  manifests: string[];
  parity: ParityResult[];
  warnings: string[];
}

/** The sources from a core (createCore's result), for the CLI, the API and the UI. */
export function platformSources(core: {
  registry: PlatformExportSources['registry'];
  artifacts: PlatformExportSources['artifacts'];
  requests: PlatformExportSources['requests'];
  abTests: PlatformExportSources['abTests'];
  serving: { current: { intraOpThreads: number; batching: BatchingSettings } };
}): PlatformExportSources {
  return {
    registry: core.registry,
    artifacts: core.artifacts,
    requests: core.requests,
    abTests: core.abTests,
    batchingFor: (id) => batchingFor(core.serving.current.batching, id),
    intraOpThreads: core.serving.current.intraOpThreads
  };
}

/** parity.ts explains why floats get a tolerance at all */
export const defaultParityTolerance = 1e-6;

function checkOptions(options: PlatformExportOptions) {
  const storageUri = String(options.storageUri ?? '').trim().replace(/\/+$/, '');
  if (!/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(storageUri)) {
    throw invalidInput('storage_uri must be a URI with a scheme, e.g. s3://bucket/modeldesk or pvc://models', 'storage_uri');
  }
  const parityRequests = options.parityRequests ?? 100;
  if (!Number.isInteger(parityRequests) || parityRequests < 0 || parityRequests > 1000) {
    throw invalidInput('parity_requests must be an integer from 0 to 1000', 'parity_requests');
  }
  const tolerance = options.tolerance ?? defaultParityTolerance;
  if (!(typeof tolerance === 'number' && tolerance >= 0 && Number.isFinite(tolerance))) {
    throw invalidInput('tolerance must be a number of at least 0', 'tolerance');
  }
  const namespace = options.namespace?.trim() || null;
  if (namespace !== null && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) {
    throw invalidInput('namespace must be a Kubernetes namespace name (lowercase letters, digits, "-")', 'namespace');
  }
  return { storageUri, parityRequests, tolerance, namespace };
}

function selectEndpoints(sources: PlatformExportSources, name: string | undefined): Endpoint[] {
  if (name === undefined) return sources.registry.listEndpoints();
  const endpoint = sources.registry.findEndpointByName(name);
  if (!endpoint) throw notFound(`endpoint "${name}" not found`, 'endpoint');
  return [endpoint];
}

function exportedModel(m: PreparedModel): ExportedModel {
  const a = m.algorithm;
  return {
    name: m.name,
    endpoint: a.endpointName,
    algorithmId: a.id,
    algorithm: a.name,
    version: a.version,
    status: a.currentStatus,
    maxBatchSize: m.facts.batchable ? Math.max(1, m.facts.batching.maxBatchSize) : 0,
    dynamicBatching: m.facts.batchable && m.facts.batching.maxBatchSize > 1,
    labels: m.labels !== null,
    zipmapRewritten: m.signature.zipmap
  };
}

/**
 * Checks, then writes, the export. Nothing is written unless every exported graph passed the
 * parity check (a ParityError lists the differing answers) and OUT_DIR is new or empty.
 */
export async function exportPlatforms(sources: PlatformExportSources, options: PlatformExportOptions): Promise<PlatformExportResult> {
  const { storageUri, parityRequests, tolerance, namespace } = checkOptions(options);
  checkOutDir(options.outDir);
  const warnings: string[] = [];
  const running = sources.abTests.running();
  const endpoints = selectEndpoints(sources, options.endpoint);

  const perEndpoint = endpoints.map((endpoint) => ({
    endpoint,
    algorithms: sources.registry
      .listAlgorithms({ endpointId: endpoint.id })
      .filter((a) => options.includeArchived || a.currentStatus !== 'archived')
  }));
  const names = tritonModelNames(perEndpoint.flatMap((e) => e.algorithms));
  const models: PreparedModel[] = [];
  for (const { endpoint, algorithms } of perEndpoint) {
    if (!algorithms.length) warnings.push(`endpoint "${endpoint.name}" has no version to export`);
    for (const a of algorithms) {
      models.push(prepareModel(a, names.get(a.id)!, { read: (sha) => sources.artifacts.read(sha), batchingFor: sources.batchingFor, intraOpThreads: sources.intraOpThreads }));
    }
  }
  if (!models.length) throw invalidInput('nothing to export: no algorithm version found', 'endpoint');

  const byId = new Map(models.map((m) => [m.algorithm.id, m]));
  const files: RepositoryFile[] = models.flatMap((m) => modelFiles(m, 'triton'));
  const manifests: PlannedFile[] = [];
  const kserveRepos = new Set<number>();
  for (const { endpoint, algorithms } of perEndpoint) {
    const traffic = endpointTraffic(endpoint.name, algorithms, running.find((t) => t.endpointId === endpoint.id) ?? null);
    const kserve = kserveFiles({ traffic, repositoryOf: (id) => `kserve/${byId.get(id)!.name}`, storageUri, namespace });
    const seldon = seldonFile({ traffic, folderOf: (id) => `triton/${byId.get(id)!.name}`, storageUri, namespace });
    manifests.push(...kserve.files, ...(seldon.file ? [seldon.file] : []));
    warnings.push(...kserve.warnings, ...seldon.warnings);
    kserve.algorithmIds.forEach((id) => kserveRepos.add(id));
  }
  for (const id of kserveRepos) {
    const m = byId.get(id)!;
    files.push(...modelFiles(m, `kserve/${m.name}`, m.algorithm.endpointName));
  }
  for (const m of models) {
    if (m.dropped.length) warnings.push(`${m.name}: outputs ${m.dropped.join(', ')} are not tensors and are left out of config.pbtxt`);
  }

  const parity = await checkParity({
    subjects: models.map((m) => ({ model: m.name, algorithm: m.algorithm, original: m.original, exported: m.graph, signature: m.signature })),
    intraOpThreads: sources.intraOpThreads,
    loggedRequests: (algorithmId) =>
      parityRequests === 0 ? [] : sources.requests.list({ algorithmId, status: 'OK', order: 'desc' }, 1, parityRequests).results,
    inputExample: options.inputExample ?? algorithmInputExample,
    tolerance
  });

  const manifestPaths = manifests.map((f) => f.path);
  const readme = exportReadme({
    createdAt: (options.now?.() ?? new Date()).toISOString(),
    storageUri,
    models,
    manifests: manifestPaths,
    parity,
    tolerance,
    warnings
  });
  const outDir = writeAtomically(options.outDir, [{ path: 'README.md', data: readme }, ...files, ...manifests.map((f) => ({ path: f.path, data: f.text }))]);
  return {
    outDir,
    tritonRepository: join(outDir, 'triton'),
    models: models.map(exportedModel),
    manifests: manifestPaths,
    parity,
    warnings
  };
}
