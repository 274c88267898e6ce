import { and, asc, eq, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/open.ts';
import { algorithms, algorithmStatuses, endpoints } from '../../../db/schema.ts';
import { algorithmStatusValues } from '../../contract/enums.ts';
import { nowIso } from '../clock.ts';
import { conflict, invalidInput, notFound, requireOneOf } from '../errors.ts';
import type { CoreEvents } from '../events.ts';
import { OnnxModel, type ModelSignature } from '../inference/index.ts';
import type { WriteGate } from '../storage/write-gate.ts';
import type { ArtifactStore } from './artifact-store.ts';
import { abTestingByHand, applyStatusChange, type StatusTransition } from './status-transitions.ts';
import type {
  Algorithm,
  AlgorithmStatus,
  AlgorithmStatusValue,
  Endpoint,
  RegisterAlgorithmInput,
  RegistryReader,
  SetStatusInput
} from './types.ts';

const endpointNamePattern = /^[a-z0-9_-]+$/;

type AlgorithmRow = typeof algorithms.$inferSelect;

interface CheckedRegistration {
  input: RegisterAlgorithmInput;
  fields: ReturnType<typeof validateRegistration>;
  signature: ModelSignature;
  /** what the model serves as, once its options are applied (task, classes, output kind, missing values) */
  effective: Pick<Algorithm, 'task' | 'classes' | 'outputKind'> & { handlesMissing: boolean };
}

/**
 * Endpoints, algorithm versions and their status history (DESIGN §2). Every change is announced
 * once committed: `registry.changed` for a registration, `status.changed` for statuses.
 */
export class Registry implements RegistryReader {
  constructor(
    private readonly db: Db,
    private readonly artifacts: ArtifactStore,
    private readonly events: CoreEvents,
    private readonly writes: WriteGate
  ) {}

  listEndpoints(): Endpoint[] {
    return this.db.select().from(endpoints).orderBy(asc(endpoints.id)).all();
  }

  getEndpoint(id: number): Endpoint {
    const row = this.db.select().from(endpoints).where(eq(endpoints.id, id)).get();
    if (!row) throw notFound(`endpoint ${id} not found`);
    return row;
  }

  findEndpointByName(name: string): Endpoint | undefined {
    return this.db.select().from(endpoints).where(eq(endpoints.name, name)).get();
  }

  listAlgorithms(filter: { endpointId?: number; status?: AlgorithmStatusValue } = {}): Algorithm[] {
    const conditions: SQL[] = [];
    if (filter.endpointId !== undefined) conditions.push(eq(algorithms.endpointId, filter.endpointId));
    if (filter.status !== undefined) conditions.push(eq(algorithmStatuses.status, filter.status));
    return this.selectAlgorithms()
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(asc(algorithms.id))
      .all()
      .map(toAlgorithm);
  }

  getAlgorithm(id: number): Algorithm {
    const row = this.selectAlgorithms().where(eq(algorithms.id, id)).get();
    if (!row) throw notFound(`algorithm ${id} not found`);
    return toAlgorithm(row);
  }

  listStatuses(filter: { algorithmId?: number } = {}): AlgorithmStatus[] {
    const where = filter.algorithmId === undefined ? undefined : eq(algorithmStatuses.algorithmId, filter.algorithmId);
    return this.db.select().from(algorithmStatuses).where(where).orderBy(asc(algorithmStatuses.id)).all();
  }

  getStatus(id: number): AlgorithmStatus {
    const row = this.db.select().from(algorithmStatuses).where(eq(algorithmStatuses.id, id)).get();
    if (!row) throw notFound(`status ${id} not found`);
    return row;
  }

  /**
   * Validates the metadata, loads the model in onnxruntime (a file it cannot run is refused),
   * stores the artifact and writes endpoint + algorithm + first status in one transaction.
   * On any failure nothing remains: no row without its file, no new file without its row.
   */
  async register(input: RegisterAlgorithmInput): Promise<Algorithm> {
    return (await this.registerAll([input]))[0]!;
  }

  /**
   * Several algorithms, all or none (first-start seeding: a crash leaves both shipped models or
   * neither). Every model is checked and loaded first, then every file is stored, then all rows
   * are written in one transaction; the registrations are announced in order once it committed.
   */
  async registerAll(inputs: RegisterAlgorithmInput[]): Promise<Algorithm[]> {
    const checked: CheckedRegistration[] = [];
    for (const input of inputs) checked.push(await this.check(input, checked));
    const stored: { sha256: string; created: boolean }[] = [];
    let inserted: { id: number; transitions: StatusTransition[] }[];
    const what = checked.map(({ fields }) => `algorithm "${fields.name}" version "${fields.version}"`).join(', ');
    try {
      for (const { input } of checked) stored.push(this.artifacts.put(input.file));
      inserted = await this.writes.transaction(what, (tx) =>
        checked.map(({ fields, input, signature, effective }, i) => this.insertAlgorithm(tx, fields, input, signature, effective, stored[i]!.sha256))
      );
    } catch (err) {
      for (const { sha256, created } of stored) if (created && !this.isReferenced(sha256)) this.artifacts.remove(sha256);
      if (err instanceof Error && /UNIQUE constraint failed: algorithms/.test(err.message)) {
        throw conflict(`${what} already exists`, 'version');
      }
      throw err;
    }
    return inserted.map(({ id, transitions }) => {
      const algorithm = this.getAlgorithm(id);
      this.events.emit('registry.changed', { cause: 'registered', algorithm });
      this.events.emit('status.changed', { cause: 'registered', transitions });
      return algorithm;
    });
  }

  /** A registration's fields, checked, and its model's signature as onnxruntime loads it. */
  private async check(input: RegisterAlgorithmInput, before: CheckedRegistration[]): Promise<CheckedRegistration> {
    const fields = validateRegistration(input);
    const existing = this.findEndpointByName(fields.endpoint);
    const twice = before.some((b) => b.fields.endpoint === fields.endpoint && b.fields.name === fields.name && b.fields.version === fields.version);
    if (twice || (existing && this.findAlgorithm(existing.id, fields.name, fields.version))) {
      throw conflict(`algorithm "${fields.name}" version "${fields.version}" already exists on endpoint "${fields.endpoint}"`, 'version');
    }
    const model = await OnnxModel.load(input.file, {
      featureNames: input.featureNames ?? null,
      positiveClass: input.positiveClass ?? null,
      threshold: input.threshold ?? null,
      classes: input.classes ?? null,
      outputKind: input.outputKind ?? null,
      handlesMissing: input.handlesMissing ?? null
    });
    const { signature } = model;
    const effective = { task: model.task, classes: model.classes, outputKind: model.outputKind, handlesMissing: model.handlesMissing };
    await model.close();
    return { input, fields, signature, effective };
  }

  /**
   * A new active status for one algorithm (a new production demotes the previous one), with
   * `promoteAlgorithmId` promoted first in the same transaction. The rules of
   * status-transitions.ts apply (A/B arms, production, ab_testing). The change is announced as
   * `status.changed` before this resolves; the model pool closes an archived algorithm's session
   * after the last call using it. Resolves with the algorithm's new status row.
   */
  async setStatus(input: SetStatusInput): Promise<AlgorithmStatus> {
    requireOneOf(algorithmStatusValues, input.status, 'status');
    const algorithm = this.getAlgorithm(input.algorithmId);
    const reason = input.reason?.trim() ?? '';
    if (input.stopServing && !reason) {
      throw invalidInput('a reason is required with stop_serving: say why the endpoint stops serving', 'reason');
    }
    const successor = input.promoteAlgorithmId === undefined ? undefined : this.successorOf(algorithm, input);
    const change = { endpointId: algorithm.endpointId, createdBy: input.createdBy };
    const transitions = await this.writes.transaction(`the status of algorithm ${algorithm.id}`, (tx) => [
      ...(successor
        ? applyStatusChange(tx, { ...change, algorithmId: successor.id, status: 'production', reason: reason || `replaces algorithm ${algorithm.id} in production` })
        : []),
      ...applyStatusChange(tx, { ...change, algorithmId: algorithm.id, status: input.status, reason, stopServing: input.stopServing === true })
    ]);
    this.events.emit('status.changed', { cause: 'status', transitions });
    return this.getStatus(transitions.at(-1)!.statusId);
  }

  private successorOf(algorithm: Algorithm, input: SetStatusInput): Algorithm {
    const id = input.promoteAlgorithmId!;
    const field = 'promote_mlalgorithm';
    if (input.status === 'production') throw invalidInput(`${field} promotes a successor when a change takes production away; this change is to production`, field);
    if (id === algorithm.id) throw invalidInput(`${field} must name another algorithm than parent_mlalgorithm`, field);
    let successor: Algorithm;
    try {
      successor = this.getAlgorithm(id);
    } catch {
      throw invalidInput(`${field}: algorithm ${id} does not exist`, field);
    }
    if (successor.endpointId !== algorithm.endpointId) {
      throw invalidInput(`${field}: algorithm ${id} is on endpoint "${successor.endpointName}", not "${algorithm.endpointName}"`, field);
    }
    return successor;
  }

  private insertAlgorithm(
    tx: Db,
    fields: ReturnType<typeof validateRegistration>,
    input: RegisterAlgorithmInput,
    signature: ModelSignature,
    effective: Pick<Algorithm, 'task' | 'classes' | 'outputKind'> & { handlesMissing: boolean },
    sha256: string
  ): { id: number; transitions: StatusTransition[] } {
    const createdAt = nowIso();
    const endpoint =
      tx.select().from(endpoints).where(eq(endpoints.name, fields.endpoint)).get() ??
      tx
        .insert(endpoints)
        .values({ name: fields.endpoint, owner: fields.owner, description: '', createdAt })
        .returning()
        .get();
    const algorithm = tx
      .insert(algorithms)
      .values({
        endpointId: endpoint.id,
        name: fields.name,
        version: fields.version,
        description: fields.description,
        owner: fields.owner,
        code: fields.code,
        artifactSha256: sha256,
        artifactBytes: input.file.byteLength,
        signature,
        task: effective.task,
        classes: effective.classes,
        outputKind: effective.outputKind,
        handlesMissing: effective.handlesMissing,
        positiveClass: input.positiveClass ?? null,
        threshold: input.threshold ?? null,
        featureNames: input.featureNames ?? null,
        createdAt
      })
      .returning({ id: algorithms.id })
      .get();
    const transitions = applyStatusChange(tx, {
      algorithmId: algorithm.id,
      endpointId: endpoint.id,
      status: fields.status,
      createdBy: fields.createdBy,
      reason: 'registered'
    });
    return { id: algorithm.id, transitions };
  }

  private isReferenced(sha256: string): boolean {
    return !!this.db.select({ id: algorithms.id }).from(algorithms).where(eq(algorithms.artifactSha256, sha256)).get();
  }

  private findAlgorithm(endpointId: number, name: string, version: string): AlgorithmRow | undefined {
    return this.db
      .select()
      .from(algorithms)
      .where(and(eq(algorithms.endpointId, endpointId), eq(algorithms.name, name), eq(algorithms.version, version)))
      .get();
  }

  private selectAlgorithms() {
    return this.db
      .select({ algorithm: algorithms, endpointName: endpoints.name, status: algorithmStatuses.status })
      .from(algorithms)
      .innerJoin(endpoints, eq(endpoints.id, algorithms.endpointId))
      .leftJoin(
        algorithmStatuses,
        and(eq(algorithmStatuses.algorithmId, algorithms.id), eq(algorithmStatuses.active, true))
      );
  }
}

function validateRegistration(input: RegisterAlgorithmInput) {
  const text = (value: string | undefined, field: string, max: number, required: boolean): string => {
    const v = (value ?? '').trim();
    if (required && !v) throw invalidInput(`${field} is required`, field);
    if (v.length > max) throw invalidInput(`${field} must be at most ${max} characters`, field);
    return v;
  };
  const endpoint = text(input.endpoint, 'endpoint', 128, true);
  if (!endpointNamePattern.test(endpoint)) {
    throw invalidInput('endpoint must use only lowercase letters, digits, "_" and "-"', 'endpoint');
  }
  const status = requireOneOf(algorithmStatusValues, input.status ?? 'testing', 'status');
  if (status === 'ab_testing') throw abTestingByHand();
  if (input.file.byteLength === 0) throw invalidInput('file is required (an .onnx model)', 'file');
  const owner = text(input.owner, 'owner', 128, false);
  return {
    endpoint,
    name: text(input.name, 'name', 128, true),
    version: text(input.version, 'version', 128, true),
    description: text(input.description, 'description', 1000, false),
    owner,
    code: text(input.code, 'code', 50000, false),
    status,
    createdBy: (input.createdBy ?? owner) || 'api'
  };
}

function toAlgorithm(row: {
  algorithm: AlgorithmRow;
  endpointName: string;
  status: AlgorithmStatusValue | null;
}): Algorithm {
  const a = row.algorithm;
  return {
    ...a,
    endpointName: row.endpointName,
    signature: a.signature as ModelSignature,
    currentStatus: row.status
  };
}
