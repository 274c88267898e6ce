import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who is acting: the credential behind the change being made, for the audit log. The server's
 * access hook runs each request inside `runAs` with the request's credential and address; the
 * CLI runs its commands as `cli`. Events are emitted synchronously inside the call that made the
 * change (core/events.ts), so the audit log's subscriber reads the actor here without every
 * service and event carrying it (docs/DECISIONS.md, "Who made a change").
 */
export interface Actor {
  /** the credential's name: `owner` (the admin token), an API key's name, `cli`, `system`, `anonymous` */
  name: string;
  /** the API key acting, if one is */
  apiKeyId: number | null;
  /** the HTTP client's address; null outside a request */
  address: string | null;
}

/** changes made outside any request or command: the first start's seed, background work */
export const systemActor: Actor = Object.freeze({ name: 'system', apiKeyId: null, address: null });

const storage = new AsyncLocalStorage<Actor>();
let holders = 0;

/**
 * Runs `fn` (and everything it starts, awaits included) as `actor`. Call it only for work that
 * may change something (the server does for admin writes, not for predictions), inside
 * `holdActorContext`: on Node 20 an enabled AsyncLocalStorage runs a hook for every promise the
 * process creates, and left on it cost the predict path about 45% of its requests per second
 * (docs/DECISIONS.md, "Who made a change").
 */
export function runAs<T>(actor: Actor, fn: () => T): T {
  return storage.run(actor, fn);
}

/**
 * Keeps the actor context on until the returned function is called (once per holder); when the
 * last holder lets go, the storage is disabled, and with it the per-promise hook.
 */
export function holdActorContext(): () => void {
  holders++;
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    if (--holders === 0) storage.disable();
  };
}

/** the actor of the call in progress, or `system` */
export const currentActor = (): Actor => storage.getStore() ?? systemActor;
