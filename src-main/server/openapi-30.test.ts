import { describe, expect, it } from 'vitest';
import { toOpenApi30 } from './openapi-30.ts';

describe('toOpenApi30', () => {
  it('rewrites the JSON Schema keywords OpenAPI 3.0 lacks, anywhere in the document', () => {
    const doc = {
      paths: {
        '/x': {
          post: {
            schema: {
              type: 'object',
              properties: {
                d: { type: 'number', exclusiveMinimum: 0 },
                mode: { const: 'split' },
                algorithms: { type: 'object', propertyNames: { pattern: '^[1-9][0-9]*$' }, additionalProperties: { type: 'integer' } },
                tags: { type: 'object', patternProperties: { '^.*$': { type: 'string' } } }
              }
            }
          }
        }
      }
    };
    const p = toOpenApi30(doc).paths['/x'].post.schema.properties as Record<string, Record<string, unknown>>;
    expect(p.d).toEqual({ type: 'number', minimum: 0, exclusiveMinimum: true });
    expect(p.mode).toEqual({ enum: ['split'] });
    expect(p.algorithms).toEqual({ type: 'object', additionalProperties: { type: 'integer' }, description: '(keys match ^[1-9][0-9]*$)' });
    expect(p.tags).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
  });
});
