import type { AlgorithmStatusValue, OutputKind } from '../../contract/enums.ts';
import type { FieldError } from '../errors.ts';
import type { ModelSignature, Task } from '../inference/index.ts';

export type { AlgorithmStatusValue };

export interface Endpoint {
  id: number;
  name: string;
  description: string;
  owner: string;
  createdAt: string;
  notes: string;
  tags: string[];
  /** feedback may be any text (else a classifier's feedback must be one of its classes) */
  freeTextFeedback: boolean;
}

/** Metrics of an algorithm version: name → number (accuracy, auc, …). */
export type Metrics = Record<string, number>;

export interface Algorithm {
  id: number;
  endpointId: number;
  endpointName: string;
  name: string;
  version: string;
  description: string;
  owner: string;
  code: string;
  artifactSha256: string;
  artifactBytes: number;
  signature: ModelSignature;
  task: Task;
  classes: (string | number)[] | null;
  positiveClass: string | number | null;
  threshold: number | null;
  featureNames: string[] | null;
  /** classifiers: what the score output holds (null: not a classifier, or registered before output kinds) */
  outputKind: OutputKind | null;
  /** whether null in a record reaches the model as a missing value; null: as the graph says */
  handlesMissing: boolean | null;
  createdAt: string;
  /** the active status (null only for a registration that failed half-way, which never commits) */
  currentStatus: AlgorithmStatusValue | null;
  notes: string;
  tags: string[];
  metrics: Metrics;
  /** a record this model accepts (checked when set); null when none was given */
  inputExample: unknown;
}

export interface AlgorithmStatus {
  id: number;
  algorithmId: number;
  endpointId: number;
  status: AlgorithmStatusValue;
  active: boolean;
  createdBy: string;
  reason: string;
  createdAt: string;
}

export interface RegisterAlgorithmInput {
  file: Uint8Array;
  endpoint: string;
  name: string;
  version: string;
  description?: string;
  owner?: string;
  code?: string;
  status?: AlgorithmStatusValue;
  featureNames?: string[] | null;
  positiveClass?: string | number | null;
  threshold?: number | null;
  classes?: (string | number)[] | null;
  /** what the score output holds; for a tensor model, makes it a classifier */
  outputKind?: OutputKind | null;
  /** declared by the registration; absent: as the graph says (an Imputer, IsNaN, trees routing NaN) */
  handlesMissing?: boolean | null;
  createdBy?: string;
  metrics?: Metrics;
  inputExample?: unknown;
  notes?: string;
  tags?: string[];
  /** bad fields found while reading the request (multipart parsing), reported with the registry's own */
  fieldErrors?: FieldError[];
  /** go ahead although the model breaks the endpoint's input contract (with a reason) */
  allowBreakingChange?: boolean;
  reason?: string;
}

export interface SetStatusInput {
  algorithmId: number;
  status: AlgorithmStatusValue;
  createdBy: string;
  reason?: string;
  /** promoting a model that breaks the endpoint's input contract, knowingly (reason required) */
  allowBreakingChange?: boolean;
  /**
   * Another algorithm of the same endpoint promoted to production in the same transaction,
   * first: how the production algorithm is archived (or demoted) without a gap.
   */
  promoteAlgorithmId?: number;
  /** the production algorithm may leave production with no successor (needs a reason) */
  stopServing?: boolean;
}

/**
 * The lookups that choose an algorithm for a call (algorithm-selector.ts). The registry
 * answers them from SQLite; the serving path reads them through a cache (registry-cache.ts).
 */
export interface RegistryReader {
  findEndpointByName(name: string): Endpoint | undefined;
  listAlgorithms(filter?: { endpointId?: number; status?: AlgorithmStatusValue }): Algorithm[];
  getAlgorithm(id: number): Algorithm;
}
