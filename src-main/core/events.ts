import type { AccessSettings } from './access/access-settings.ts';
import type { ApiKeyRecord } from './access/api-keys.ts';
import type { ReferenceSummary } from '../contract/monitoring.ts';
import type { ImportResult } from './bundle/import.ts';
import type { JobRow } from './jobs/job-store.ts';
import type { AbTest, StopOutcome } from './experiments/types.ts';
import type { MetadataChange } from './registry/metadata.ts';
import type { StatusTransition } from './registry/status-transitions.ts';
import type { Algorithm } from './registry/types.ts';
import type { LoggedRequest } from './requests/request-log.ts';
import type { Refusal } from './requests/refusals.ts';
import type { RequestRow } from './requests/request-writer.ts';
import type { EffectiveServingSettings } from './serving/serving-settings.ts';

/**
 * What the core announces, by event name. Every event is emitted after its change is durable
 * (committed, or saved), synchronously, before the call that made the change returns: a
 * subscriber (the serving cache, the A/B router) is up to date before the client is answered.
 */
export interface CoreEventMap {
  /**
   * Endpoints or algorithms were added or removed. A registration names its algorithm (its first
   * status is announced as status.changed too); an applied import announces itself once, for
   * everything it brought (statuses and A/B tests included), with its report; a deletion (of a
   * version that never served) names what was removed, statuses and metadata included.
   */
  'registry.changed':
    | { cause: 'registered'; algorithm: Algorithm }
    | { cause: 'imported'; result: ImportResult }
    | { cause: 'deleted'; algorithm: Algorithm; artifactRemoved: boolean };
  /**
   * An endpoint's or an algorithm's metadata was edited (description, owner, notes, tags,
   * metrics, input example, the free-text feedback setting): the history row written, with
   * each changed field's value before and after, who and why.
   */
  'metadata.changed': { change: MetadataChange };
  /**
   * Active statuses changed in one transaction, in the order they were written (a promotion's
   * demotion of the previous production comes first). `cause` says who changed them.
   */
  'status.changed': { cause: 'status' | 'registered' | 'experiment.started' | 'experiment.stopped'; transitions: StatusTransition[] };
  /** an A/B test started: its arms are ab_testing (announced as status.changed just before) */
  'experiment.started': { test: AbTest };
  /** an A/B test stopped, with what it promoted or restored and why */
  'experiment.stopped': { test: AbTest; outcome: StopOutcome };
  /** serving settings were saved; `settings` are those in effect now */
  'settings.changed': { settings: EffectiveServingSettings };
  /** the access switches were saved (access.json); `changed` names those that changed */
  'access.changed': { settings: AccessSettings; changed: (keyof AccessSettings)[] };
  /** an API key was created (its record; the secret is never announced) */
  'key.created': { key: ApiKeyRecord };
  /** an API key was revoked: refused from the next request on */
  'key.revoked': { key: ApiKeyRecord };
  /** a request presented a valid API key (per request: metrics count them by key name) */
  'key.used': { key: ApiKeyRecord };
  /** one call's request-log rows committed, with their ids (shadow rows arrive as their own event) */
  'requests.logged': { rows: readonly RequestRow[]; ids: readonly number[] };
  /** ground truth stored for a logged request (not when it is cleared) */
  'feedback.recorded': { request: LoggedRequest };
  /** a logged request's ground truth was cleared */
  'feedback.cleared': { request: LoggedRequest };
  /** an algorithm version got a new reference profile (the previous one, if any, retired) */
  'reference.changed': { algorithmId: number; reference: ReferenceSummary };
  /** a model run started: its rows, and how long each request in it waited for the run */
  'model.ran': { algorithm: Algorithm; rows: number; queuedSeconds: readonly number[] };
  /** a batch job or replay started running; `resumed` when it had run before (a restart) */
  'job.started': { job: JobRow; resumed: boolean };
  /** a batch job or replay ended: completed, failed (with its message) or cancelled */
  'job.finished': { job: JobRow };
  /**
   * A prediction call was answered and its rows are durable (classic, v2, or any caller of
   * infer()), with where its time went: waiting for its model run, in the run, committing the log.
   */
  'request.answered': RequestTimings & { algorithm: Algorithm; abTestId: number | null; records: number; ok: boolean };
  /** a prediction (classic predict or v2 infer) was refused with a 4xx; counted per minute in `refusals` */
  'request.refused': Refusal;
}

/** Seconds one answered call spent in each stage. */
export interface RequestTimings {
  /** waiting in the batcher for its run to start (the longest of its parts) */
  queueSeconds: number;
  /** from the run starting to its predictions (all parts), queue excluded */
  inferenceSeconds: number;
  /** waiting for the request log's commit */
  logSeconds: number;
}

export type CoreEventName = keyof CoreEventMap;
export type CoreListener<K extends CoreEventName> = (payload: CoreEventMap[K]) => void;

/** The subscribing side, which is all the core hands out. */
export interface CoreEventSource {
  /** Calls `listener` for every `event` from now on; returns the function that unsubscribes it. */
  on<K extends CoreEventName>(event: K, listener: CoreListener<K>): () => void;
}

/**
 * The core's one event bus: typed, any number of subscribers per event, called in the order they
 * subscribed. A listener that throws does not stop the others nor fail the change, which is
 * already committed: its error goes to `reportError` (stderr by default). Node's EventEmitter
 * would throw it into the emitting code, mid-way through its subscribers.
 */
export class CoreEvents implements CoreEventSource {
  private readonly listeners: { [K in CoreEventName]?: readonly CoreListener<K>[] } = {};

  constructor(
    private readonly reportError: (err: unknown, event: CoreEventName) => void = (err, event) =>
      console.error(`modeldesk: a listener of "${event}" failed:`, err)
  ) {}

  on<K extends CoreEventName>(event: K, listener: CoreListener<K>): () => void {
    // copy on write: an emit in progress keeps the list it started with
    this.set(event, [...this.get(event), listener]);
    return () => this.set(event, this.get(event).filter((l) => l !== listener));
  }

  emit<K extends CoreEventName>(event: K, payload: CoreEventMap[K]): void {
    const listeners = this.listeners[event] as readonly CoreListener<K>[] | undefined;
    if (!listeners) return;
    for (const listener of listeners) {
      try {
        listener(payload);
      } catch (err) {
        this.reportError(err, event);
      }
    }
  }

  private get<K extends CoreEventName>(event: K): readonly CoreListener<K>[] {
    return (this.listeners[event] as readonly CoreListener<K>[] | undefined) ?? [];
  }

  private set<K extends CoreEventName>(event: K, listeners: readonly CoreListener<K>[]): void {
    (this.listeners as Record<K, readonly CoreListener<K>[]>)[event] = listeners;
  }
}
