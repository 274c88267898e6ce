import { and, asc, eq, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/open.ts';
import { algorithmMetadata, algorithms, algorithmStatuses, endpointMetadata, endpoints } from '../../../db/schema.ts';
import { algorithmStatusValues } from '../../contract/enums.ts';
import { nowIso } from '../clock.ts';
import { ContractCheck } from '../compatibility/index.ts';
import { conflict, invalidInput, notFound, requireOneOf } from '../errors.ts';
import type { CoreEvents } from '../events.ts';
import type { WriteGate } from '../storage/write-gate.ts';
import type { ArtifactStore } from './artifact-store.ts';
import { deleteAlgorithm } from './delete-algorithm.ts';
import { MetadataEditor } from './metadata.ts';
import { checkRegistration, type CheckedRegistration } from './registration.ts';
import { toAlgorithm, toEndpoint } from './rows.ts';
import { applyStatusChange, type StatusTransition } from './status-transitions.ts';
import type {
  Algorithm,
  AlgorithmStatus,
  AlgorithmStatusValue,
  Endpoint,
  RegisterAlgorithmInput,
  RegistryReader,
  SetStatusInput
} from './types.ts';

type AlgorithmRow = typeof algorithms.$inferSelect;

/**
 * Endpoints, algorithm versions and their status history (DESIGN §2). Every change is announced
 * once committed: `registry.changed` for a registration, `status.changed` for statuses.
 */
export class Registry implements RegistryReader {
  /** each endpoint's input contract, and the check of a new algorithm against it */
  readonly contracts: ContractCheck;
  /** descriptions, owners, notes, tags, metrics, input examples, and their history */
  readonly metadata: MetadataEditor;

  constructor(
    private readonly db: Db,
    private readonly artifacts: ArtifactStore,
    private readonly events: CoreEvents,
    private readonly writes: WriteGate
  ) {
    this.contracts = new ContractCheck(this);
    this.metadata = new MetadataEditor(db, this, events, writes);
  }

  /** Removes a version that never served (409 otherwise: archive it). */
  async deleteAlgorithm(id: number): Promise<{ algorithm: Algorithm; artifactRemoved: boolean }> {
    const algorithm = this.getAlgorithm(id);
    return { algorithm, ...(await deleteAlgorithm(this.db, this.writes, this.artifacts, this.events, algorithm)) };
  }

  listEndpoints(): Endpoint[] {
    return this.selectEndpoints().orderBy(asc(endpoints.id)).all().map(toEndpoint);
  }

  getEndpoint(id: number): Endpoint {
    const row = this.selectEndpoints().where(eq(endpoints.id, id)).get();
    if (!row) throw notFound(`endpoint ${id} not found`);
    return toEndpoint(row);
  }

  findEndpointByName(name: string): Endpoint | undefined {
    const row = this.selectEndpoints().where(eq(endpoints.name, name)).get();
    return row && toEndpoint(row);
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

  listStatuses(filter: { algorithmId?: number; endpointId?: number } = {}): AlgorithmStatus[] {
    const conditions: SQL[] = [];
    if (filter.algorithmId !== undefined) conditions.push(eq(algorithmStatuses.algorithmId, filter.algorithmId));
    if (filter.endpointId !== undefined) conditions.push(eq(algorithmStatuses.endpointId, filter.endpointId));
    const where = conditions.length ? and(...conditions) : undefined;
    return this.db.select().from(algorithmStatuses).where(where).orderBy(asc(algorithmStatuses.id)).all();
  }

  getStatus(id: number): AlgorithmStatus {
    const row = this.db.select().from(algorithmStatuses).where(eq(algorithmStatuses.id, id)).get();
    if (!row) throw notFound(`status ${id} not found`);
    return row;
  }

  /**
   * Validates the metadata (every bad field reported at once), loads the model in onnxruntime (a
   * file it cannot run is refused), checks it against the endpoint's input contract, stores the
   * artifact and writes endpoint + algorithm + metadata + first status in one transaction.
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
    const checked: (CheckedRegistration & { reason: string })[] = [];
    for (const input of inputs) checked.push(await this.check(input, checked));
    const stored: { sha256: string; created: boolean }[] = [];
    let inserted: { id: number; transitions: StatusTransition[] }[];
    const what = checked.map(({ fields }) => `algorithm "${fields.name}" version "${fields.version}"`).join(', ');
    try {
      for (const { input } of checked) stored.push(this.artifacts.put(input.file));
      inserted = await this.writes.transaction(what, (tx) => checked.map((c, i) => this.insertAlgorithm(tx, c, stored[i]!.sha256)));
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

  /** A registration checked (registration.ts), not a duplicate, and within the endpoint's input contract. */
  private async check(input: RegisterAlgorithmInput, before: CheckedRegistration[]): Promise<CheckedRegistration & { reason: string }> {
    const checked = await checkRegistration(input);
    const { fields } = checked;
    const existing = this.findEndpointByName(fields.endpoint);
    const twice = before.some((b) => b.fields.endpoint === fields.endpoint && b.fields.name === fields.name && b.fields.version === fields.version);
    if (twice || (existing && this.findAlgorithm(existing.id, fields.name, fields.version))) {
      throw conflict(`algorithm "${fields.name}" version "${fields.version}" already exists on endpoint "${fields.endpoint}"`, 'version');
    }
    const candidate = { signature: checked.signature, featureNames: input.featureNames ?? null, task: checked.effective.task, classes: checked.effective.classes };
    const accepted = existing && this.contracts.enforce(this.contracts.check(existing, candidate), input, `registering "${fields.name}" version "${fields.version}"`);
    return { ...checked, reason: accepted ? `registered; ${accepted}` : 'registered' };
  }

  /**
   * A new active status for one algorithm (a new production demotes the previous one), with
   * `promoteAlgorithmId` promoted first in the same transaction. Whatever goes to production is
   * checked against the endpoint's input contract first; the rules of status-transitions.ts apply
   * (A/B arms, production, ab_testing). The change is announced as `status.changed` before this
   * resolves; the model pool closes an archived algorithm's session after the last call using it.
   * Resolves with the algorithm's new status row.
   */
  async setStatus(input: SetStatusInput): Promise<AlgorithmStatus> {
    requireOneOf(algorithmStatusValues, input.status, 'status');
    const algorithm = this.getAlgorithm(input.algorithmId);
    let reason = input.reason?.trim() ?? '';
    if (input.stopServing && !reason) {
      throw invalidInput('a reason is required with stop_serving: say why the endpoint stops serving', 'reason');
    }
    const successor = input.promoteAlgorithmId === undefined ? undefined : this.successorOf(algorithm, input);
    const promoted = successor ?? (input.status === 'production' ? algorithm : undefined);
    let successorReason = reason || (successor ? `replaces algorithm ${algorithm.id} in production` : '');
    if (promoted && promoted.currentStatus !== 'production') {
      const endpoint = { id: promoted.endpointId, name: promoted.endpointName };
      const what = `promoting "${promoted.name}" version "${promoted.version}" to production`;
      const accepted = this.contracts.enforce(this.contracts.check(endpoint, promoted), input, what);
      if (accepted && successor) successorReason = accepted;
      else if (accepted) reason = accepted;
    }
    const change = { endpointId: algorithm.endpointId, createdBy: input.createdBy };
    const transitions = await this.writes.transaction(`the status of algorithm ${algorithm.id}`, (tx) => [
      ...(successor ? applyStatusChange(tx, { ...change, algorithmId: successor.id, status: 'production', reason: successorReason }) : []),
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

  private insertAlgorithm(tx: Db, checked: CheckedRegistration & { reason: string }, sha256: string): { id: number; transitions: StatusTransition[] } {
    const { fields, input, signature, effective } = checked;
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
    const { notes, tags, metrics } = fields;
    if (notes || tags.length || Object.keys(metrics).length || checked.inputExample !== null) {
      tx.insert(algorithmMetadata).values({ algorithmId: algorithm.id, notes, tags, metrics, inputExample: checked.inputExample }).run();
    }
    const transitions = applyStatusChange(tx, {
      algorithmId: algorithm.id,
      endpointId: endpoint.id,
      status: fields.status,
      createdBy: fields.createdBy,
      reason: checked.reason
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
      .select({ algorithm: algorithms, endpointName: endpoints.name, status: algorithmStatuses.status, meta: algorithmMetadata })
      .from(algorithms)
      .innerJoin(endpoints, eq(endpoints.id, algorithms.endpointId))
      .leftJoin(
        algorithmStatuses,
        and(eq(algorithmStatuses.algorithmId, algorithms.id), eq(algorithmStatuses.active, true))
      )
      .leftJoin(algorithmMetadata, eq(algorithmMetadata.algorithmId, algorithms.id));
  }

  private selectEndpoints() {
    return this.db
      .select({ endpoint: endpoints, meta: endpointMetadata })
      .from(endpoints)
      .leftJoin(endpointMetadata, eq(endpointMetadata.endpointId, endpoints.id));
  }
}
