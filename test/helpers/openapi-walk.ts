import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Reading ModelDesk's own /openapi.json (already dereferenced by swagger-parser) to judge real
 * answers: which operation a request hit, whether it declares the status it got, and whether
 * the body matches the declared schema for the media type it came with.
 */

type Schema = Record<string, unknown>;
interface ResponseObject {
  content?: Record<string, { schema?: Schema }>;
  headers?: Record<string, unknown>;
}
export interface OperationObject {
  responses?: Record<string, ResponseObject>;
  security?: Record<string, unknown>[];
  requestBody?: { content?: Record<string, unknown> };
}
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OperationObject>>;
}
export interface Operation {
  /** "POST /api/v1/{endpoint_name}/predict" */
  key: string;
  method: string;
  template: string;
  operation: OperationObject;
}
export interface Answer {
  status: number;
  headers: Headers;
  body: Buffer;
}

const methods = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

export function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths).flatMap(([template, item]) =>
    Object.entries(item)
      .filter(([method]) => methods.has(method))
      .map(([method, operation]) => ({ key: `${method.toUpperCase()} ${template}`, method: method.toUpperCase(), template, operation }))
  );
}

const templateRegex = (template: string) => new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);

/** The operation a concrete request hits (literal paths win over templated ones, as in Fastify). */
export function operationFor(operations: Operation[], method: string, path: string): Operation | undefined {
  const clean = path.split('?')[0]!;
  const candidates = operations.filter((o) => o.method === method && templateRegex(o.template).test(clean));
  return candidates.sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0))[0];
}

/** Why an operation cannot be judged: it declares no success answer (with a body schema, or a 204). */
export function declarationProblem(op: Operation): string | null {
  const successes = Object.entries(op.operation.responses ?? {}).filter(([status]) => /^2\d\d$/.test(status));
  if (successes.length === 0) return `${op.key} declares no success response: add schema.response[200] (or 201/204) to the route`;
  for (const [status, response] of successes) {
    if (status === '204') continue;
    const media = Object.entries(response.content ?? {});
    if (media.length === 0 || media.some(([, m]) => !m.schema || Object.keys(m.schema).length === 0)) {
      return `${op.key} declares ${status} without a body schema: give schema.response[${status}] a schema`;
    }
  }
  return null;
}

// OpenAPI 3.0 schemas as JSON Schema: the boolean exclusiveMinimum/Maximum back to numbers; nullable is Ajv's own keyword.
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) out[k] = toJsonSchema(v);
  for (const [keyword, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum']
  ] as const) {
    if (out[keyword] === true) {
      out[keyword] = out[bound];
      delete out[bound];
    } else if (out[keyword] === false) delete out[keyword];
  }
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addFormat('binary', true);
const compiled = new WeakMap<Schema, ValidateFunction>();

/** Everything wrong with an answer by the document: its status, its headers, its body. [] when it conforms. */
export function answerProblems(op: Operation, answer: Answer): string[] {
  const responses = op.operation.responses ?? {};
  const declared = responses[String(answer.status)] ?? responses[`${String(answer.status)[0]}XX`] ?? responses.default;
  const where = `${op.key} → ${answer.status}`;
  if (!declared) return [`${where}: status ${answer.status} is not declared (declared: ${Object.keys(responses).join(', ')}); body: ${answer.body.toString().slice(0, 200)}`];
  const problems: string[] = [];
  if (!answer.headers.get('x-request-id')) problems.push(`${where}: no X-Request-Id header`);
  const content = declared.content ?? {};
  if (Object.keys(content).length === 0) {
    if (answer.body.length > 0) problems.push(`${where}: declares no body but got ${answer.body.length} bytes`);
    return problems;
  }
  const type = answer.headers.get('content-type') ?? '';
  const essence = type.split(';')[0]!.trim();
  const media = content[essence];
  if (!media) return [...problems, `${where}: Content-Type ${JSON.stringify(type)} is not one of ${Object.keys(content).join(', ')}`];
  if (essence === 'application/json') {
    if (type !== 'application/json') problems.push(`${where}: JSON must be "application/json" exactly, got ${JSON.stringify(type)}`);
    let body: unknown;
    try {
      body = JSON.parse(answer.body.toString('utf8'));
    } catch {
      return [...problems, `${where}: body is not JSON: ${answer.body.toString().slice(0, 200)}`];
    }
    const schema = media.schema ?? {};
    let validate = compiled.get(schema);
    if (!validate) compiled.set(schema, (validate = ajv.compile(toJsonSchema(schema) as Schema)));
    if (!validate(body)) {
      problems.push(`${where}: body does not match the declared schema: ${ajv.errorsText(validate.errors)}; body: ${JSON.stringify(body).slice(0, 300)}`);
    }
  }
  return problems;
}
