import { and, asc, eq, isNull, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/open.ts';
import { algorithmMetadata, algorithms, endpointMetadata, endpoints, metadataChanges } from '../../../db/schema.ts';
import { nowIso } from '../clock.ts';
import { FieldChecks, invalidInput } from '../errors.ts';
import type { CoreEvents } from '../events.ts';
import type { WriteGate } from '../storage/write-gate.ts';
import { checkBoolean, checkInputExample, checkMetrics, checkTags, checkText, metadataLimits } from './metadata-fields.ts';
import type { Algorithm, Endpoint } from './types.ts';

/** Who edits, and why (kept in the history). */
export interface EditAuthor {
  createdBy: string;
  reason?: string;
}

/** An edit as the API names its fields; only the fields present change. */
export interface EndpointEdit {
  description?: unknown;
  owner?: unknown;
  notes?: unknown;
  tags?: unknown;
  allow_free_text_feedback?: unknown;
}

export interface AlgorithmEdit {
  description?: unknown;
  owner?: unknown;
  notes?: unknown;
  tags?: unknown;
  /** replaces the whole map */
  metrics?: unknown;
  /** a record the model accepts; null removes it */
  input_example?: unknown;
}

export type FieldChanges = Record<string, { before: unknown; after: unknown }>;

/** One row of the metadata history. */
export interface MetadataChange {
  id: number;
  endpointId: number;
  /** null: the endpoint's own metadata */
  algorithmId: number | null;
  changes: FieldChanges;
  createdBy: string;
  reason: string;
  createdAt: string;
}

interface Reads {
  getEndpoint(id: number): Endpoint;
  getAlgorithm(id: number): Algorithm;
}

/**
 * Editing descriptions, owners, notes, tags, metrics and input examples (issue 12 §5). Every
 * field is checked before anything is written (all bad fields reported at once); the values and
 * one history row go in one write transaction (storage/write-gate.ts); the edit is announced as
 * `metadata.changed`.
 */
export class MetadataEditor {
  constructor(
    private readonly db: Db,
    private readonly reads: Reads,
    private readonly events: CoreEvents,
    private readonly writes: WriteGate
  ) {}

  async editEndpoint(id: number, edit: EndpointEdit, author: EditAuthor): Promise<Endpoint> {
    const endpoint = this.reads.getEndpoint(id);
    const checks = new FieldChecks();
    const next = {
      description: pick(checks, edit.description, (v) => checkText(v, 'description', metadataLimits.description), endpoint.description),
      owner: pick(checks, edit.owner, (v) => checkText(v, 'owner', metadataLimits.owner), endpoint.owner),
      notes: pick(checks, edit.notes, (v) => checkText(v, 'notes', metadataLimits.notes), endpoint.notes),
      tags: pick(checks, edit.tags, checkTags, endpoint.tags),
      allow_free_text_feedback: pick(checks, edit.allow_free_text_feedback, (v) => checkBoolean(v, 'allow_free_text_feedback'), endpoint.freeTextFeedback)
    };
    const by = checkAuthor(checks, author);
    checks.throwIfAny();
    const before = { description: endpoint.description, owner: endpoint.owner, notes: endpoint.notes, tags: endpoint.tags, allow_free_text_feedback: endpoint.freeTextFeedback };
    const changes = diff(before, next);
    if (!changes) return endpoint;
    const change = await this.writes.transaction(`the metadata of endpoint ${id}`, (tx) => {
      tx.update(endpoints).set({ description: next.description, owner: next.owner }).where(eq(endpoints.id, id)).run();
      const meta = { notes: next.notes, tags: next.tags, freeTextFeedback: next.allow_free_text_feedback };
      tx.insert(endpointMetadata).values({ endpointId: id, ...meta }).onConflictDoUpdate({ target: endpointMetadata.endpointId, set: meta }).run();
      return insertChange(tx, { endpointId: id, algorithmId: null, changes, ...by });
    });
    this.events.emit('metadata.changed', { change });
    return this.reads.getEndpoint(id);
  }

  async editAlgorithm(id: number, edit: AlgorithmEdit, author: EditAuthor): Promise<Algorithm> {
    const algorithm = this.reads.getAlgorithm(id);
    const checks = new FieldChecks();
    const next = {
      description: pick(checks, edit.description, (v) => checkText(v, 'description', metadataLimits.description), algorithm.description),
      owner: pick(checks, edit.owner, (v) => checkText(v, 'owner', metadataLimits.owner), algorithm.owner),
      notes: pick(checks, edit.notes, (v) => checkText(v, 'notes', metadataLimits.notes), algorithm.notes),
      tags: pick(checks, edit.tags, checkTags, algorithm.tags),
      metrics: pick(checks, edit.metrics, checkMetrics, algorithm.metrics),
      input_example: pick(checks, edit.input_example, (v) => checkInputExample(v, algorithm), algorithm.inputExample)
    };
    const by = checkAuthor(checks, author);
    checks.throwIfAny();
    const before = { description: algorithm.description, owner: algorithm.owner, notes: algorithm.notes, tags: algorithm.tags, metrics: algorithm.metrics, input_example: algorithm.inputExample };
    const changes = diff(before, next);
    if (!changes) return algorithm;
    const change = await this.writes.transaction(`the metadata of algorithm ${id}`, (tx) => {
      tx.update(algorithms).set({ description: next.description, owner: next.owner }).where(eq(algorithms.id, id)).run();
      const meta = { notes: next.notes, tags: next.tags, metrics: next.metrics, inputExample: next.input_example };
      tx.insert(algorithmMetadata).values({ algorithmId: id, ...meta }).onConflictDoUpdate({ target: algorithmMetadata.algorithmId, set: meta }).run();
      return insertChange(tx, { endpointId: algorithm.endpointId, algorithmId: id, changes, ...by });
    });
    this.events.emit('metadata.changed', { change });
    return this.reads.getAlgorithm(id);
  }

  /** The history, oldest first: an endpoint's own edits, or one algorithm's, or everything. */
  history(filter: { endpointId?: number; algorithmId?: number; endpointOnly?: boolean } = {}): MetadataChange[] {
    const conditions: SQL[] = [];
    if (filter.endpointId !== undefined) conditions.push(eq(metadataChanges.endpointId, filter.endpointId));
    if (filter.algorithmId !== undefined) conditions.push(eq(metadataChanges.algorithmId, filter.algorithmId));
    if (filter.endpointOnly) conditions.push(isNull(metadataChanges.algorithmId));
    return this.db
      .select()
      .from(metadataChanges)
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(asc(metadataChanges.id))
      .all();
  }
}

/** The edited value when the field is present (checked), else the current one. */
function pick<T>(checks: FieldChecks, value: unknown, check: (v: unknown) => T, current: T): T {
  if (value === undefined) return current;
  const checked = checks.run(() => check(value));
  return checked === undefined ? current : checked;
}

function checkAuthor(checks: FieldChecks, author: EditAuthor): { createdBy: string; reason: string } {
  const createdBy =
    checks.run(() => {
      const name = checkText(author.createdBy, 'created_by', 128);
      if (!name) throw invalidInput('created_by is required (who made the edit)', 'created_by');
      return name;
    }) ?? '';
  const reason = checks.run(() => checkText(author.reason ?? '', 'reason', 1000)) ?? '';
  return { createdBy, reason };
}

/** The fields whose value changed (compared as JSON), or null when none did. */
function diff(before: Record<string, unknown>, after: Record<string, unknown>): FieldChanges | null {
  const changes: FieldChanges = {};
  for (const [field, value] of Object.entries(after)) {
    if (JSON.stringify(value) !== JSON.stringify(before[field])) changes[field] = { before: before[field], after: value };
  }
  return Object.keys(changes).length ? changes : null;
}

function insertChange(tx: Db, row: Omit<MetadataChange, 'id' | 'createdAt'>): MetadataChange {
  return tx.insert(metadataChanges).values({ ...row, createdAt: nowIso() }).returning().get();
}
