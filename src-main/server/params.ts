import { notFound } from '../core/errors.ts';
import type { Core } from '../core/index.ts';

/** Classic detail routes answer 404 for a non-integer id, as DRF did (seed-api §4). */
export function idParam(value: string, what: string): number {
  if (!/^[0-9]{1,15}$/.test(value)) throw notFound(`${what} ${JSON.stringify(value)} not found`);
  return Number(value);
}

/** A list filter's `endpoint` (name or id) → its id; -1 (matching nothing) for an unknown name. */
export function endpointIdOf(core: Core, endpoint: string): number {
  if (/^[0-9]+$/.test(endpoint)) return Number(endpoint);
  return core.registry.findEndpointByName(endpoint)?.id ?? -1;
}
