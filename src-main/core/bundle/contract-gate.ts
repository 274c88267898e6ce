import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../db/open.ts';
import { algorithms, algorithmStatuses, endpoints } from '../../../db/schema.ts';
import type { ContractDifferenceBody } from '../../contract/input-contract.ts';
import type { BreakingChangeConsent, ContractCheck } from '../compatibility/index.ts';
import { conflict } from '../errors.ts';
import type { ModelSignature } from '../inference/index.ts';
import { applyStatusChange } from '../registry/status-transitions.ts';
import type { Decisions } from './plan.ts';

/** A bundle's algorithm that would break the input contract of an endpoint already here. */
export interface ContractBreak {
  endpoint: string;
  name: string;
  /** the version it gets here (differs when renamed) */
  version: string;
  summary: string;
  differences: ContractDifferenceBody[];
}

/**
 * Imports are checked like registrations (issue 12 §1): each new algorithm of an endpoint this
 * registry already has is compared with that endpoint's contract. Algorithms of endpoints the
 * bundle creates are not: they come with the contract they had where they were exported.
 */
export function findContractBreaks(db: Db, contracts: ContractCheck, decisions: Decisions): ContractBreak[] {
  const found: ContractBreak[] = [];
  for (const { algorithm: a, version } of decisions.inserts.values()) {
    if (decisions.newEndpoints.includes(a.endpoint)) continue;
    const endpoint = db.select({ id: endpoints.id, name: endpoints.name }).from(endpoints).where(eq(endpoints.name, a.endpoint)).get();
    if (!endpoint) continue;
    const result = contracts.check(endpoint, { signature: a.signature as ModelSignature, featureNames: a.feature_names, task: a.task, classes: a.classes });
    if (!result.compatible) found.push({ endpoint: a.endpoint, name: a.name, version, summary: result.summary, differences: result.differences });
  }
  return found;
}

/**
 * Refuses an import with breaking algorithms (409, with the first one's differences) unless the
 * request consents with a reason; returns the status-history note for each accepted one.
 */
export function consentToBreaks(contracts: ContractCheck, breaks: ContractBreak[], consent: BreakingChangeConsent): Map<ContractBreak, string> {
  const notes = new Map<ContractBreak, string>();
  if (breaks.length > 1 && !consent.allowBreakingChange) {
    const names = breaks.map((b) => `"${b.endpoint}/${b.name}" version "${b.version}"`).join(', ');
    throw conflict(
      `import refused, nothing was changed: ${breaks.length} algorithms would break the input contract of their endpoint (${names}); a dry run lists each one's differences. Send allow_breaking_change=true with a reason to import them anyway.`,
      'allow_breaking_change',
      { differences: breaks[0]!.differences }
    );
  }
  for (const b of breaks) {
    const note = contracts.enforce(
      { endpoint: b.endpoint, contract: null, compatible: false, differences: b.differences, summary: b.summary },
      consent,
      `importing "${b.name}" version "${b.version}"`
    );
    if (note) notes.set(b, note);
  }
  return notes;
}

/** Inside the import's transaction: one status row per accepted break, so the history says why. */
export function recordAcceptedBreaks(tx: Db, notes: Map<ContractBreak, string>): void {
  for (const [b, note] of notes) {
    const row = tx
      .select({ id: algorithms.id, endpointId: algorithms.endpointId, status: algorithmStatuses.status })
      .from(algorithms)
      .innerJoin(endpoints, eq(endpoints.id, algorithms.endpointId))
      .innerJoin(algorithmStatuses, and(eq(algorithmStatuses.algorithmId, algorithms.id), eq(algorithmStatuses.active, true)))
      .where(and(eq(endpoints.name, b.endpoint), eq(algorithms.name, b.name), eq(algorithms.version, b.version)))
      .get();
    if (!row) continue;
    applyStatusChange(tx, { algorithmId: row.id, endpointId: row.endpointId, status: row.status, createdBy: 'import', reason: `imported; ${note}`, by: 'import' });
  }
}
