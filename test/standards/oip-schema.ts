import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { parse } from 'yaml';
import type { ClientResult } from './client-readers.ts';

/**
 * The Open Inference Protocol's own REST schemas (open-inference-protocol/open_inference_rest.yaml,
 * loaded as published) as validators, plus the rules that only inference_rest.md states.
 * Use: `expect(oipErrors('inference_response', body)).toEqual([])`.
 */

const spec = parse(readFileSync(new URL('./third_party/open-inference-protocol/open_inference_rest.yaml', import.meta.url), 'utf8')) as {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: { $ref: string } }> }> }>>;
  components: { schemas: Record<string, unknown> };
};
export const oipSpec = spec;

const specId = 'open_inference_rest.yaml';
// The spec is OpenAPI 3.0: its schemas are JSON Schema plus `x-examples`/`title`, which strict mode would refuse.
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addSchema(spec, specId);

/** Shapes inference_rest.md defines but the YAML leaves without content. */
const mdSchemas = {
  /** inference_rest.md:56-60 */
  ready_model_response: { type: 'object', required: ['name', 'ready'], properties: { name: { type: 'string' }, ready: { type: 'boolean' } } },
  /** inference_rest.md:69-72 says "live" (a copy slip); clients read "ready" (kserve/inference_client.py:602) */
  ready_server_response: { type: 'object', required: ['ready'], properties: { ready: { type: 'boolean' } } },
  /** inference_rest.md:82-85 */
  live_server_response: { type: 'object', required: ['live'], properties: { live: { type: 'boolean' } } }
} as const;
for (const [name, schema] of Object.entries(mdSchemas)) ajv.addSchema(schema, `md#${name}`);

export type OipSchemaName =
  | 'metadata_server_response'
  | 'metadata_server_error_response'
  | 'metadata_model_response'
  | 'metadata_model_error_response'
  | 'metadata_tensor'
  | 'inference_request'
  | 'request_input'
  | 'request_output'
  | 'response_output'
  | 'inference_response'
  | 'inference_error_response'
  | 'tensor_data'
  | 'parameters'
  | keyof typeof mdSchemas;

const format = (e: ErrorObject) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''}`;

/** Everything in `value` that the spec's schema `name` (or the md's parameter rule) refuses; [] when valid. */
export function oipErrors(name: OipSchemaName, value: unknown): string[] {
  const key = name in mdSchemas ? `md#${name}` : `${specId}#/components/schemas/${name}`;
  const validate = ajv.getSchema(key);
  if (!validate) throw new Error(`no schema ${key}`);
  const errors = validate(value) ? [] : (validate.errors ?? []).map(format);
  return [...errors, ...parameterErrors(value)];
}

/**
 * inference_rest.md:376 `$parameter = $string : $string | $number | $boolean` (the YAML only
 * says "object"): parameters of the request/response and of each tensor.
 */
function parameterErrors(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const v = value as { parameters?: unknown; inputs?: unknown; outputs?: unknown };
  const out: string[] = [];
  const check = (path: string, parameters: unknown) => {
    if (parameters === undefined) return;
    if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) return void out.push(`${path} must be an object`);
    for (const [k, p] of Object.entries(parameters)) {
      if (!['string', 'number', 'boolean'].includes(typeof p)) out.push(`${path}/${k} must be a string, number or boolean (inference_rest.md §Parameters), got ${JSON.stringify(p)}`);
    }
  };
  check('/parameters', v.parameters);
  for (const list of ['inputs', 'outputs'] as const) {
    const tensors = v[list];
    if (Array.isArray(tensors)) tensors.forEach((t, i) => check(`/${list}/${i}/parameters`, (t as { parameters?: unknown } | null)?.parameters));
  }
  return out;
}

const specPaths = Object.keys(spec.paths).map((key) => {
  const pattern = key
    .replace(/[.*+?^()|[\]\\]/g, '\\$&')
    .replace('/versions/${MODEL_VERSION}', '(?:/versions/[^/]+)?') // inference_rest.md:13-18: the version part is optional
    .replace('${MODEL_NAME}', '[^/]+')
    .replace(/\/$/, '/?');
  return { key, regex: new RegExp(`^${pattern}/?$`) };
});

/**
 * The schema a v2 response must match, by the spec: `null` where the spec declares no body
 * (health and ready: status only), the md's ready/live shapes where it names them, and for
 * any 4xx/5xx the operation's error schema (the md: "must be indicated by an HTTP error status
 * (typically 400)" with `{"error": …}`). Undefined for a path the spec does not have.
 */
export function oipResponseSchema(method: 'GET' | 'POST', path: string, status: number): OipSchemaName | null | undefined {
  const cleanPath = path.split('?')[0]!;
  const found = specPaths.find((p) => p.regex.test(cleanPath) && spec.paths[p.key]![method.toLowerCase()]);
  if (!found) return undefined;
  const responses = spec.paths[found.key]![method.toLowerCase()]!.responses;
  const refOf = (code: string) => responses[code]?.content?.['application/json']?.schema.$ref.split('/').pop() as OipSchemaName | undefined;
  if (status >= 400) {
    return refOf('400') ?? (found.key.endsWith('${MODEL_VERSION}') ? 'metadata_model_error_response' : 'inference_error_response');
  }
  const ok = refOf(String(status));
  if (ok) return ok;
  if (found.key.endsWith('/ready')) return found.key.includes('MODEL_NAME') ? 'ready_model_response' : 'ready_server_response';
  if (found.key.endsWith('/live')) return 'live_server_response';
  return null;
}

/**
 * A binary-extension response as the JSON response it stands for (binary outputs get their
 * decoded values as `data`), so the spec's inference_response schema can judge it.
 */
export function asJsonResponse(result: ClientResult): Record<string, unknown> {
  const outputs = (result.header.outputs as Record<string, unknown>[]).map((o, i) => {
    const read = result.outputs[i]!;
    if (!read.binary) return o;
    return { ...o, data: read.values.map((v) => (typeof v === 'bigint' ? Number(v) : v)) };
  });
  return { ...result.header, outputs };
}
