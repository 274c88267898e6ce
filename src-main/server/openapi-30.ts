/**
 * OpenAPI 3.0's Schema Object is an older JSON Schema dialect than the one TypeBox writes. The
 * few keywords our schemas use that 3.0 lacks are rewritten in the served document only (request
 * validation keeps the originals), so /openapi.json validates as OpenAPI 3.0 (openapi.test.ts
 * checks it with @apidevtools/swagger-parser):
 * - numeric `exclusiveMinimum`/`exclusiveMaximum` → `minimum`/`maximum` plus the boolean form;
 * - `const` → a one-value `enum`;
 * - `propertyNames` and `patternProperties` (3.0 has neither) → `additionalProperties` and a note.
 * Pure: a document in, a new document out.
 */
export function toOpenApi30<T>(document: T): T {
  return rewrite(document) as T;
}

function rewrite(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewrite);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = rewrite(value);
  for (const [keyword, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum']
  ] as const) {
    if (typeof out[keyword] === 'number') {
      out[bound] = out[keyword];
      out[keyword] = true;
    }
  }
  if ('const' in out) {
    out.enum = [out.const];
    delete out.const;
  }
  const notes: string[] = [];
  if (out.propertyNames && typeof out.propertyNames === 'object') {
    const names = out.propertyNames as { pattern?: string };
    if (names.pattern) notes.push(`keys match ${names.pattern}`);
    delete out.propertyNames;
  }
  if (out.patternProperties && typeof out.patternProperties === 'object') {
    const entries = Object.entries(out.patternProperties as Record<string, unknown>);
    if (entries.length === 1 && out.additionalProperties === undefined) {
      const [pattern, schema] = entries[0]!;
      out.additionalProperties = schema;
      if (pattern !== '^.*$' && pattern !== '^(.*)$') notes.push(`keys match ${pattern}`);
    }
    delete out.patternProperties;
  }
  if (notes.length) out.description = [out.description, `(${notes.join('; ')})`].filter(Boolean).join(' ');
  return out;
}
