import { planOutcomes, type PlanCounts } from '../../contract/bundles.ts';
import type { CoreEventMap, CoreEventName, CoreEventSource } from '../events.ts';
import type { ApiKeyRecord } from './api-keys.ts';
import type { AuditEntryInput, AuditLog } from './audit-log.ts';

/** What a rule may look up to word its summary. */
export interface AuditLookup {
  endpointName(id: number): string;
  /** `random forest 0.0.1 (#1)` */
  algorithmLabel(id: number): string;
  /** the name of the endpoint an algorithm belongs to */
  endpointOfAlgorithm(id: number): string;
}

type AuditRule<K extends CoreEventName> = (payload: CoreEventMap[K], lookup: AuditLookup) => AuditEntryInput | AuditEntryInput[] | null;
export type AuditRules = { [K in CoreEventName]?: AuditRule<K> };

/**
 * Which changes the audit log records, and in what words: one rule per event of the core's bus
 * (core/events.ts). To audit a new kind of change, add its event there and a rule here; an
 * event without a rule (per-request ones: requests.logged, key.used…) is not audited. A rule
 * returns null for an event that another rule already records (a registration's first status).
 * The actor (credential name and address) is not the rule's business: AuditLog.record reads it.
 */
export const auditRules: AuditRules = {
  'registry.changed': (e) => {
    if (e.cause === 'registered') {
      const a = e.algorithm;
      return {
        action: 'algorithm.registered',
        endpoint: a.endpointName,
        summary: `registered ${a.endpointName} / ${a.name} ${a.version} (#${a.id}) as ${a.currentStatus ?? 'testing'}, model sha256 ${a.artifactSha256.slice(0, 12)}…`
      };
    }
    if (e.cause === 'deleted') {
      const a = e.algorithm;
      return {
        action: 'algorithm.deleted',
        endpoint: a.endpointName,
        summary: `deleted ${a.endpointName} / ${a.name} ${a.version} (#${a.id}), which never served${e.artifactRemoved ? '; its model file removed' : ''}`
      };
    }
    const r = e.result;
    const endpoints = [...r.endpoints.added, ...r.endpoints.identical].map((x) => x.name);
    return {
      action: 'registry.imported',
      endpoint: endpoints.length === 1 ? endpoints[0]! : null,
      summary:
        `imported a bundle of ${r.created_at}${r.registry_id ? ` from registry ${r.registry_id}` : ''} (${r.on_conflict}): ` +
        (['algorithms', 'ab_tests', 'requests'] as const).map((kind) => `${kindWords[kind]} ${outcomeWords(r.counts[kind])}`).join('; ') +
        `; ${r.algorithms.conflicts.length} conflict(s)`
    };
  },
  'metadata.changed': ({ change }, lookup) => ({
    action: 'metadata.changed',
    endpoint: lookup.endpointName(change.endpointId),
    summary:
      `edited the metadata of ${change.algorithmId === null ? `endpoint ${lookup.endpointName(change.endpointId)}` : lookup.algorithmLabel(change.algorithmId)}: ` +
      `${Object.keys(change.changes).join(', ')}${change.reason ? ` (“${change.reason}”)` : ''}${change.createdBy ? `, by ${change.createdBy}` : ''}`
  }),
  'status.changed': (e, lookup) => {
    // a registration's first status and an A/B test's moves are recorded by their own rules
    if (e.cause !== 'status') return null;
    return e.transitions.map((t) => ({
      action: 'status.changed',
      endpoint: lookup.endpointName(t.endpointId),
      summary: `${lookup.algorithmLabel(t.algorithmId)}: ${t.from ?? 'new'} → ${t.to}${t.reason ? ` (“${t.reason}”)` : ''}${t.createdBy ? `, by ${t.createdBy}` : ''}`
    }));
  },
  'experiment.started': ({ test }, lookup) => ({
    action: 'abtest.started',
    endpoint: test.endpointName,
    summary: `started A/B test #${test.id} “${test.title}” (${test.mode}, ${test.metric}): ${test.arms.map((a) => `${lookup.algorithmLabel(a.algorithmId)} ×${a.weight}`).join(' vs ')}`
  }),
  'experiment.stopped': ({ test, outcome }, lookup) => ({
    action: 'abtest.stopped',
    endpoint: test.endpointName,
    summary:
      `stopped A/B test #${test.id} “${test.title}”: ` +
      (outcome.promotedAlgorithmId === null ? 'no winner promoted' : `promoted ${lookup.algorithmLabel(outcome.promotedAlgorithmId)}`) +
      `${outcome.forced ? ' (forced)' : ''}${outcome.reason ? `; ${outcome.reason}` : ''}`
  }),
  'settings.changed': ({ settings }) => ({
    action: 'settings.changed',
    summary: `serving settings saved: ${Object.entries(settings)
      .filter(([, v]) => typeof v !== 'object')
      .map(([k, v]) => `${k} ${String(v)}`)
      .join(', ')}`
  }),
  'access.changed': ({ settings, changed }) => ({
    action: 'access.changed',
    summary: `access settings saved: ${changed.map((name) => `${name} ${settings[name] ? 'on' : 'off'}`).join(', ')}${changed.includes('lan') ? ' (LAN applies at the next start)' : ''}`
  }),
  // a batch job or replay: who started it (a resume after a restart is not a new start) and how it ended
  'job.started': ({ job, resumed }, lookup) =>
    resumed
      ? null
      : {
          action: 'job.started',
          endpoint: lookup.endpointName(job.endpointId),
          summary:
            job.kind === 'replay'
              ? `started replay #${job.id} against ${lookup.algorithmLabel(job.algorithmId)} (${job.rowsTotal ?? 0} logged requests)`
              : `started batch job #${job.id} with ${lookup.algorithmLabel(job.algorithmId)} on ${job.inputName ?? 'a file'} (${job.inputBytes ?? 0} bytes, sha256 ${(job.inputSha256 ?? '').slice(0, 12)}…)`
        },
  'job.finished': ({ job }, lookup) => ({
    action: `job.${job.state}`,
    endpoint: lookup.endpointName(job.endpointId),
    summary: `${job.kind === 'replay' ? 'replay' : 'batch job'} #${job.id} ${job.state}: ${job.rowsDone} rows, ${job.rowsFailed} failed${job.message ? `; ${job.message}` : ''}`
  }),
  'reference.changed': ({ algorithmId, reference }, lookup) => ({
    action: 'reference.set',
    endpoint: lookup.endpointOfAlgorithm(algorithmId),
    summary: `set the drift reference of ${lookup.algorithmLabel(algorithmId)}: ${reference.rows} rows from ${reference.source}${reference.description ? ` (“${reference.description}”)` : ''}, by ${reference.created_by || 'unknown'}`
  }),
  'key.created': ({ key }) => ({ action: 'key.created', summary: `created API key “${key.name}” (${describeKey(key)})` }),
  'key.revoked': ({ key }) => ({ action: 'key.revoked', summary: `revoked API key “${key.name}” (${key.prefix}…, ${key.scope})` })
};

const kindWords = { algorithms: 'algorithms', ab_tests: 'A/B tests', requests: 'request rows' } as const;

/** `2 added, 1 identical, 0 skipped, 0 renamed` */
function outcomeWords(counts: PlanCounts[keyof PlanCounts]): string {
  return planOutcomes.map((o) => `${counts[o]} ${o}`).join(', ');
}

function describeKey(key: ApiKeyRecord): string {
  const parts: string[] = [`${key.prefix}…`, key.scope];
  if (key.endpoints) parts.push(`endpoints ${key.endpoints.join(', ')}`);
  if (key.expiresAt) parts.push(`expires ${key.expiresAt}`);
  if (key.rateLimit !== null) parts.push(`${key.rateLimit} requests/s`);
  return parts.join(', ');
}

/** What the subscription needs besides the log: lookups for the rules, and where a failed write is reported. */
export interface AuditWiring extends AuditLookup {
  /** an entry could not be written (the change itself is already committed and stands) */
  failed(err: unknown, entry: AuditEntryInput): void;
}

/** Subscribes the audit log to every event that has a rule; returns the function that unsubscribes. */
export function auditChanges(events: CoreEventSource, audit: AuditLog, wiring: AuditWiring, rules: AuditRules = auditRules): () => void {
  const subscriptions = (Object.keys(rules) as CoreEventName[]).map((event) => subscribe(events, audit, wiring, rules, event));
  return () => subscriptions.forEach((unsubscribe) => unsubscribe());
}

function subscribe<K extends CoreEventName>(events: CoreEventSource, audit: AuditLog, wiring: AuditWiring, rules: AuditRules, event: K): () => void {
  const rule = rules[event] as AuditRule<K>;
  return events.on(event, (payload) => {
    const entries = rule(payload, wiring);
    for (const entry of entries === null ? [] : Array.isArray(entries) ? entries : [entries]) {
      audit.record(entry).catch((err: unknown) => wiring.failed(err, entry));
    }
  });
}
