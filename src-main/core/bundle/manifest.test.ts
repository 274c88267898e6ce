import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { sampleManifest } from '../../../test/helpers/sample-manifest.ts';
import { manifestJsonSchema } from './manifest-schema.ts';
import { parseManifest, parseRequestLine } from './validate.ts';

const schemaFile = join(dirname(fileURLToPath(import.meta.url)), 'manifest.schema.json');

const parse = (m: unknown) => parseManifest(Buffer.from(JSON.stringify(m)));

describe('the manifest schema', () => {
  it('manifest.schema.json is generated from manifest-schema.ts (UPDATE_SCHEMA=1 rewrites it)', () => {
    const generated = `${JSON.stringify(manifestJsonSchema(), null, 2)}\n`;
    if (process.env.UPDATE_SCHEMA) writeFileSync(schemaFile, generated);
    expect(readFileSync(schemaFile, 'utf8')).toBe(generated);
  });

  it('the JSON file is a usable draft-07 schema on its own', () => {
    const ajv = new Ajv({ strict: false });
    (((addFormats as any).default ?? addFormats) as (a: Ajv) => Ajv)(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')));
    expect(validate(sampleManifest())).toBe(true);
    expect(validate({ ...sampleManifest(), endpoints: [{ name: 'Bad Name' }] })).toBe(false);
  });

  it('accepts a valid manifest', () => {
    expect(parse(sampleManifest()).algorithms).toHaveLength(2);
  });

  it('checks the format version before the schema, so a newer bundle gets "upgrade"', () => {
    expect(() => parse({ format_version: 3, whatever: true })).toThrow(/format version 3 is newer.*upgrade ModelDesk/);
    expect(() => parse({ format_version: '1' })).toThrow(/format_version must be a positive integer/);
    expect(() => parse([])).toThrow(/format_version/);
  });

  it('names the first schema violation', () => {
    const m: any = sampleManifest();
    m.algorithms[0].artifact_sha256 = 'abc';
    expect(() => parse(m)).toThrow(/algorithms\.0\.artifact_sha256 must match pattern/);
    const n: any = sampleManifest();
    n.extra = 1;
    expect(() => parse(n)).toThrow(/must NOT have additional properties \(extra\)/);
    const o: any = sampleManifest();
    o.created_at = 'yesterday';
    expect(() => parse(o)).toThrow(/created_at must match format "date-time"/);
  });

  it('checks what the schema cannot: references, uniqueness, one active status, one production', () => {
    const dangling: any = sampleManifest();
    dangling.statuses[0].algorithm.version = '9';
    expect(() => parse(dangling)).toThrow(/refers to algorithm "iris\/lr" version "9"/);
    const twice: any = sampleManifest();
    twice.algorithms[1].version = '1';
    expect(() => parse(twice)).toThrow(/listed twice/);
    const twoProd: any = sampleManifest();
    twoProd.statuses[1].status = 'production';
    expect(() => parse(twoProd)).toThrow(/two active production/);
    const sizes: any = sampleManifest();
    sizes.algorithms[1].artifact_sha256 = sizes.algorithms[0].artifact_sha256;
    sizes.algorithms[1].artifact_bytes = 5;
    expect(() => parse(sizes)).toThrow(/two different sizes/);
    const noEndpoint: any = sampleManifest();
    noEndpoint.endpoints = [];
    expect(() => parse(noEndpoint)).toThrow(/does not list/);
    const arm: any = sampleManifest();
    arm.ab_tests = [{ endpoint: 'iris', title: 't', mode: 'split', metric: 'accuracy', created_by: '', created_at: '2024-01-01T00:00:00.000Z', ended_at: null, state: 'running', summary: null, result: null, arms: [{ position: 0, algorithm: { endpoint: 'iris', name: 'x', version: '1' }, weight: 1 }] }];
    expect(() => parse(arm)).toThrow(/arm "iris\/x" version "1" that the bundle does not list/);
  });

  it('reads format 1 (no registry id, no origins) and format 2, which must name its registry', () => {
    expect(parse(sampleManifest()).registry_id).toBeUndefined();
    expect(parse({ ...sampleManifest(), format_version: 2, registry_id: '7d0f6c1e-0b1a-4c1e-9d59-3f0c2a1b4e5f' }).format_version).toBe(2);
    expect(() => parse({ ...sampleManifest(), format_version: 2 })).toThrow(/registry_id is required from format version 2/);
    expect(() => parse({ ...sampleManifest(), format_version: 2, registry_id: 'no spaces' })).toThrow(/registry_id must match pattern/);
  });

  it('validates request log lines', () => {
    const line = { algorithm: { endpoint: 'iris', name: 'lr', version: '1' }, ab_test: null, shadow: false, input: '{}', response: '{}', label: '1', status: 'OK', latency_us: 5, client_key: null, feedback: '1', feedback_at: null, created_at: '2024-01-01T00:00:00.000Z' };
    expect(parseRequestLine(JSON.stringify(line), 1).label).toBe('1');
    expect(() => parseRequestLine('{', 3)).toThrow(/line 3 is not valid JSON/);
    expect(() => parseRequestLine(JSON.stringify({ ...line, status: 'Maybe' }), 4)).toThrow(/line 4: status/);
    expect(parseRequestLine(JSON.stringify({ ...line, origin: { registry_id: 'abc-1', request_id: 7 } }), 5).origin).toEqual({ registry_id: 'abc-1', request_id: 7 });
    expect(() => parseRequestLine(JSON.stringify({ ...line, origin: { registry_id: 'abc-1', request_id: 0 } }), 6)).toThrow(/line 6: origin\.request_id/);
  });
});
