import { and, asc, eq, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/open.ts';
import { algorithmMetadata, algorithms, algorithmStatuses, endpointMetadata, endpoints } from '../../../db/schema.ts';
import { algorithmStatusValues } from '../../contract/enums.ts';
import { nowIso } from '../clock.ts';
import { ContractCheck } from '../compatibility/index.ts';
import { conflict, FieldChecks, notFound, requireOneOf } from '../errors.ts';
import type { CoreEvents } from '../events.ts';
import { OnnxModel, type ModelSignature } from '../inference/index.ts';
import type { ArtifactStore } from './artifact-store.ts';
import { deleteAlgorithm } from './delete-algorithm.ts';
import { checkInputExample } from './metadata-fields.ts';
import { MetadataEditor } from './metadata.ts';
import { validateRegistration, type RegistrationFields } from './registration.ts';
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
    private readonly events: CoreEvents
  ) {
    this.contracts = new ContractCheck(this);
    this.metadata = new MetadataEditor(db, this, events);
  }

  /** Removes a version that never served (409 otherwise: archive it). */
  deleteAlgorithm(id: number): { algorithm: Algorithm; artifactRemoved: boolean } {
    const algorithm = this.getAlgorithm(id);
    return { algorithm, ...deleteAlgorithm(this.db, this.artifacts, this.events, algorithm) };
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
    const checks = new FieldChecks();
    checks.errors.push(...(input.fieldErrors ?? []));
    const fields = validateRegistration(input, checks);
    const model =
      input.file.byteLength === 0
        ? undefined
        : await checks.runAsync(() =>
            OnnxModel.load(input.file, {
              featureNames: input.featureNames ?? null,
              positiveClass: input.positiveClass ?? null,
              threshold: input.threshold ?? null,
              classes: input.classes ?? null
            })
          );
    await model?.close();
    const candidate = model && { signature: model.signature, featureNames: input.featureNames ?? null, task: model.signature.task, classes: model.classes };
    const inputExample = candidate && input.inputExample !== undefined ? checks.run(() => checkInputExample(input.inputExample, candidate)) : undefined;
    checks.throwIfAny();
    if (!fields || !candidate) throw new Error('unreachable: registration checks passed without fields or model');

    const existing = this.findEndpointByName(fields.endpoint);
    if (existing && this.findAlgorithm(existing.id, fields.name, fields.version)) {
      throw conflict(`algorithm "${fields.name}" version "${fields.version}" already exists on endpoint "${fields.endpoint}"`, 'version');
    }
    const accepted =
      existing &&
      this.contracts.enforce(this.contracts.check(existing, candidate), input, `registering "${fields.name}" version "${fields.version}"`);

    const { sha256, created } = this.artifacts.put(input.file);
    let inserted: { id: number; transitions: StatusTransition[] };
    try {
      inserted = this.db.transaction((tx) =>
        this.insertAlgorithm(tx, fields, input, { ...candidate, inputExample: inputExample ?? null }, sha256, accepted ? `registered; ${accepted}` : 'registered')
      );
    } catch (err) {
      if (created && !this.isReferenced(sha256)) this.artifacts.remove(sha256);
      if (err instanceof Error && /UNIQUE constraint failed: algorithms/.test(err.message)) {
        throw conflict(`algorithm "${fields.name}" version "${fields.version}" already exists`, 'version');
      }
      throw err;
    }
    const algorithm = this.getAlgorithm(inserted.id);
    this.events.emit('registry.changed', { cause: 'registered', algorithm });
    this.events.emit('status.changed', { cause: 'registered', transitions: inserted.transitions });
    return algorithm;
  }

  /**
   * A new active status for one algorithm (a new production demotes the previous one). A
   * promotion to production is checked against the endpoint's input contract first. The change
   * is announced as `status.changed`; the model pool closes an archived algorithm's session
   * after the last call using it.
   */
  setStatus(input: SetStatusInput): AlgorithmStatus {
    requireOneOf(algorithmStatusValues, input.status, 'status');
    const algorithm = this.getAlgorithm(input.algorithmId);
    let reason = input.reason ?? '';
    if (input.status === 'production' && algorithm.currentStatus !== 'production') {
      const endpoint = { id: algorithm.endpointId, name: algorithm.endpointName };
      const what = `promoting "${algorithm.name}" version "${algorithm.version}" to production`;
      reason = this.contracts.enforce(this.contracts.check(endpoint, algorithm), input, what) ?? reason;
    }
    const transitions = this.db.transaction((tx) =>
      applyStatusChange(tx, {
        algorithmId: algorithm.id,
        endpointId: algorithm.endpointId,
        status: input.status,
        createdBy: input.createdBy,
        reason
      })
    );
    this.events.emit('status.changed', { cause: 'status', transitions });
    return this.getStatus(transitions.at(-1)!.statusId);
  }

  private insertAlgorithm(
    tx: Db,
    fields: RegistrationFields,
    input: RegisterAlgorithmInput,
    model: { signature: ModelSignature; classes: (string | number)[] | null; inputExample: unknown },
    sha256: string,
    reason: string
  ): { id: number; transitions: StatusTransition[] } {
    const createdAt = nowIso();
    const { signature, classes } = model;
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
        task: signature.task,
        classes,
        positiveClass: input.positiveClass ?? null,
        threshold: input.threshold ?? null,
        featureNames: input.featureNames ?? null,
        createdAt
      })
      .returning({ id: algorithms.id })
      .get();
    const { notes, tags, metrics } = fields;
    if (notes || tags.length || Object.keys(metrics).length || model.inputExample !== null) {
      tx.insert(algorithmMetadata).values({ algorithmId: algorithm.id, notes, tags, metrics, inputExample: model.inputExample }).run();
    }
    const transitions = applyStatusChange(tx, {
      algorithmId: algorithm.id,
      endpointId: endpoint.id,
      status: fields.status,
      createdBy: fields.createdBy,
      reason
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

function toEndpoint(row: { endpoint: typeof endpoints.$inferSelect; meta: typeof endpointMetadata.$inferSelect | null }): Endpoint {
  return {
    ...row.endpoint,
    notes: row.meta?.notes ?? '',
    tags: row.meta?.tags ?? [],
    freeTextFeedback: row.meta?.freeTextFeedback ?? false
  };
}

function toAlgorithm(row: {
  algorithm: AlgorithmRow;
  endpointName: string;
  status: AlgorithmStatusValue | null;
  meta: typeof algorithmMetadata.$inferSelect | null;
}): Algorithm {
  const a = row.algorithm;
  return {
    ...a,
    endpointName: row.endpointName,
    signature: a.signature as ModelSignature,
    currentStatus: row.status,
    notes: row.meta?.notes ?? '',
    tags: row.meta?.tags ?? [],
    metrics: row.meta?.metrics ?? {},
    inputExample: row.meta?.inputExample ?? null
  };
}
