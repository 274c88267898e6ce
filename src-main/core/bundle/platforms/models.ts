/**
 * Each exported algorithm version as a Triton model: the graph ModelDesk serves (ZipMap
 * rewritten), its config.pbtxt and labels file, and the facts the README and the parity check need.
 */
import { inspectModel, type ModelSignature } from '../../inference/index.ts';
import { decodeModel, readGraphFacts } from '../../inference/onnx-graph.ts';
import type { Algorithm } from '../../registry/types.ts';
import type { BatchingOptions } from '../../serving/batcher.ts';
import { labelsFile, labelsFileName, servableOutputs, tritonConfigText, type TritonModelFacts } from './triton-config.ts';

export interface PreparedModel {
  /** the model's directory name in the Triton repository */
  name: string;
  algorithm: Algorithm;
  signature: ModelSignature;
  original: Uint8Array;
  /** model.onnx: what ModelDesk itself runs */
  graph: Uint8Array;
  facts: TritonModelFacts;
  /** labels.txt, when the model has class probabilities and classes */
  labels: string | null;
  /** outputs of the graph Triton cannot return (left out of config.pbtxt) */
  dropped: string[];
}

export interface ModelSource {
  read(sha256: string): Uint8Array;
  batchingFor(algorithmId: number): BatchingOptions;
  intraOpThreads: number;
}

export function prepareModel(algorithm: Algorithm, name: string, source: ModelSource): PreparedModel {
  const original = source.read(algorithm.artifactSha256);
  const { signature, runnable } = inspectModel(original);
  const graph = readGraphFacts(decodeModel(runnable));
  const labelledOutput = signature.probabilityOutput && algorithm.classes ? signature.probabilityOutput : null;
  const served = new Set(servableOutputs(graph.outputs).map((o) => o.name));
  return {
    name,
    algorithm,
    signature,
    original,
    graph: runnable,
    facts: {
      name,
      inputs: graph.inputs,
      outputs: graph.outputs,
      batchable: signature.batchable,
      batching: source.batchingFor(algorithm.id),
      intraOpThreads: source.intraOpThreads,
      labelledOutput
    },
    labels: labelledOutput && algorithm.classes ? labelsFile(algorithm.classes) : null,
    dropped: graph.outputs.filter((o) => !served.has(o.name)).map((o) => o.name)
  };
}

function header(m: PreparedModel, tritonName: string): string {
  const a = m.algorithm;
  const lines = [
    `Exported by ModelDesk: endpoint "${a.endpointName}", algorithm "${a.name}" version ${a.version}`,
    `(algorithm ${a.id}, status ${a.currentStatus ?? 'unknown'}, artifact sha256 ${a.artifactSha256}).`
  ];
  if (tritonName !== m.name) lines.push(`The same model as triton/${m.name}, named after its endpoint for KServe.`);
  if (m.signature.zipmap) {
    lines.push(`model.onnx is the graph ModelDesk serves: skl2onnx's ZipMap is replaced by the float tensor it wraps (${m.signature.probabilityOutput}).`);
  }
  if (m.facts.labelledOutput) lines.push(`${labelsFileName} names the columns of ${m.facts.labelledOutput}, one class per line.`);
  return lines.join('\n');
}

export interface RepositoryFile {
  path: string;
  data: string | Uint8Array;
}

/** The model's folder: `<folder>/<tritonName>/config.pbtxt`, labels.txt, `1/model.onnx`. */
export function modelFiles(m: PreparedModel, folder: string, tritonName = m.name): RepositoryFile[] {
  const dir = `${folder}/${tritonName}`;
  const files: RepositoryFile[] = [
    { path: `${dir}/config.pbtxt`, data: tritonConfigText({ ...m.facts, name: tritonName }, header(m, tritonName)) },
    { path: `${dir}/1/model.onnx`, data: m.graph }
  ];
  if (m.labels) files.push({ path: `${dir}/${labelsFileName}`, data: m.labels });
  return files;
}
