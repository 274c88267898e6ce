import { notFound } from '../core/errors.ts';

/** Classic detail routes answer 404 for a non-integer id, as DRF did (seed-api §4). */
export function idParam(value: string, what: string): number {
  if (!/^[0-9]{1,15}$/.test(value)) throw notFound(`${what} ${JSON.stringify(value)} not found`);
  return Number(value);
}
