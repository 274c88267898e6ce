import type { CoreEventMap, CoreEventName, CoreEventSource } from '../events.ts';
import type { ApiKeyRecord } from './api-keys.ts';
import type { AuditEntryInput, AuditLog } from './audit-log.ts';

/** What a rule may look up to word its summary. */
export interface AuditLookup {
  endpointName(id: number): string;
  /** `random forest 0.0.1 (#1)` */
  algorithmLabel(id: number): string;
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
    const r = e.result;
    const endpoints = [...r.endpoints.new, ...r.endpoints.identical];
    return {
      action: 'registry.imported',
      endpoint: endpoints.length === 1 ? endpoints[0]! : null,
      summary:
        `imported a bundle of ${r.created_at}: ${r.algorithms.new.length} new algorithm(s), ${r.algorithms.identical.length} identical, ` +
        `${r.algorithms.conflicts.length} conflict(s) (${r.on_conflict}), ${r.ab_tests.new.length} A/B test(s), ${r.requests} request(s)`
    };
  },
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
  'key.created': ({ key }) => ({ action: 'key.created', summary: `created API key “${key.name}” (${describeKey(key)})` }),
  'key.revoked': ({ key }) => ({ action: 'key.revoked', summary: `revoked API key “${key.name}” (${key.prefix}…, ${key.scope})` })
};

function describeKey(key: ApiKeyRecord): string {
  const parts: string[] = [`${key.prefix}…`, key.scope];
  if (key.endpoints) parts.push(`endpoints ${key.endpoints.join(', ')}`);
  if (key.expiresAt) parts.push(`expires ${key.expiresAt}`);
  if (key.rateLimit !== null) parts.push(`${key.rateLimit} requests/s`);
  return parts.join(', ');
}

/** Subscribes the audit log to every event that has a rule; returns the function that unsubscribes. */
export function auditChanges(events: CoreEventSource, audit: AuditLog, lookup: AuditLookup, rules: AuditRules = auditRules): () => void {
  const subscriptions = (Object.keys(rules) as CoreEventName[]).map((event) => subscribe(events, audit, lookup, rules, event));
  return () => subscriptions.forEach((unsubscribe) => unsubscribe());
}

function subscribe<K extends CoreEventName>(events: CoreEventSource, audit: AuditLog, lookup: AuditLookup, rules: AuditRules, event: K): () => void {
  const rule = rules[event] as AuditRule<K>;
  return events.on(event, (payload) => {
    const entries = rule(payload, lookup);
    for (const entry of entries === null ? [] : Array.isArray(entries) ? entries : [entries]) audit.record(entry);
  });
}
