/**
 * How a record's keys find a model's fields (DESIGN §3): the exact key first, then the
 * normalised form, so `education-num` feeds `education_num` and "sepal length (cm)" matches
 * `Sepal_Length_cm_`. The server's encoder and the Playground's form both read keys through
 * this module, so a key the UI pre-fills is a key the server accepts.
 */

/** Case-insensitive, each run of non-alphanumerics as one `_`. */
export const normaliseKey = (key: string): string => key.toLowerCase().replace(/[^a-z0-9]+/g, '_');

// Clients send the same keys request after request (`education-num`…): normalise each once.
const normalisedCache = new Map<string, string>();
function normaliseCached(key: string): string {
  let norm = normalisedCache.get(key);
  if (norm === undefined) {
    norm = normaliseKey(key);
    if (normalisedCache.size < 10_000) normalisedCache.set(key, norm);
  }
  return norm;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** normalised key → the record's own key (the first one, when two normalise alike) */
function normalisedKeys(record: Record<string, unknown>): Map<string, string> {
  const map = new Map<string, string>();
  for (const key of Object.keys(record)) {
    const norm = normaliseCached(key);
    if (!map.has(norm)) map.set(norm, key);
  }
  return map;
}

/**
 * The record key that feeds `field`, or undefined when none does. The normalised keys are
 * built on first need and at most once per reader, so exact keys (the common case) cost nothing.
 */
export type KeyFinder = (field: string) => string | undefined;

export function keyFinder(record: Record<string, unknown>): KeyFinder {
  let map: Map<string, string> | undefined;
  // Returned, not assigned, so the per-record closure carries no name (tsx's keepNames would
  // otherwise call Object.defineProperty on each of them, on the hot path).
  return (field) => {
    if (hasOwn.call(record, field)) return field;
    return (map ??= normalisedKeys(record)).get(normaliseCached(field));
  };
}
