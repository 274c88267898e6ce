import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { AlgorithmBody, ErrorBody, InspectionBody } from '../../contract/classic.ts';
import { OnnxModel } from '../../core/inference/index.ts';
import { outputKindValues, type OutputKind } from '../../contract/enums.ts';
import { FieldChecks, invalidInput, requireOneOf } from '../../core/errors.ts';
import { malformedUpload } from '../uploads.ts';
import type { Core } from '../../core/index.ts';
import type { AlgorithmStatusValue } from '../../core/registry/types.ts';
import { storageErrorResponses } from '../error-handler.ts';
import { algorithmBody } from '../serializers.ts';

type TextField = 'endpoint' | 'name' | 'version' | 'description' | 'owner' | 'code' | 'status' | 'created_by' | 'notes' | 'reason';

/** POST /mlalgorithms: multipart `file` (.onnx) plus metadata fields (DESIGN §4.1). */
export const registerAlgorithmRoute =
  (core: Core): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post(
      '/mlalgorithms',
      uploadRoute({
        description:
          'Registers an ONNX model. The model is loaded in onnxruntime before it is accepted; the endpoint is created if new.',
        body: {
          type: 'object',
          required: ['file', 'endpoint', 'name', 'version'],
          properties: {
            file: { type: 'string', format: 'binary', description: 'the .onnx file' },
            endpoint: { type: 'string', pattern: '^[a-z0-9_-]+$' },
            name: { type: 'string' },
            version: { type: 'string' },
            description: { type: 'string' },
            owner: { type: 'string' },
            code: { type: 'string' },
            status: { type: 'string', description: 'initial status (default testing)' },
            feature_names: { type: 'string', description: 'JSON array, for models with one 2-D input' },
            classes: { type: 'string', description: 'JSON array of class labels, when the model has none' },
            positive_class: { type: 'string' },
            threshold: { type: 'string', description: 'number in [0,1], binary classifiers' },
            metrics: { type: 'string', description: 'JSON object of name → number, e.g. {"accuracy": 0.8635}' },
            input_example: { type: 'string', description: 'JSON: a record the model accepts (the Playground and snippets start from it)' },
            notes: { type: 'string' },
            tags: { type: 'string', description: 'JSON array of short labels' },
            allow_breaking_change: { type: 'string', description: '"true" to register although the model breaks the endpoint\'s input contract (needs reason)' },
            reason: { type: 'string', description: 'why a breaking change is accepted (kept in the status history)' },
            output_kind: {
              type: 'string',
              enum: [...outputKindValues],
              description:
                'what the score output holds: probabilities, logits (softmax, or sigmoid for one column, is applied) or scores (label only). ' +
                'Given (or classes given) for a tensor model such as a PyTorch export, the model answers as a classifier; default: suggested from the graph'
            },
            handles_missing: {
              type: 'string',
              enum: ['true', 'false'],
              description: 'whether the model handles missing values (null in a record); default: true when the graph has an Imputer, IsNaN or trees that route NaN'
            }
          }
        },
        response: { 201: AlgorithmBody, 400: ErrorBody, 401: ErrorBody, 409: ErrorBody, 413: ErrorBody, ...storageErrorResponses }
      }),
      async (request, reply) => {
        const { file, fields } = await readUpload(request);
        const get = (name: TextField) => fields.get(name);
        // every field is read, and every bad one reported in one answer with the registry's own checks
        const checks = new FieldChecks();
        const parsed = <T>(parse: () => T) => checks.run(parse) ?? undefined;
        const optional = <T>(value: T | undefined) => (value === undefined ? {} : value);
        const algorithm = await core.registry.register({
          file: file ?? Buffer.alloc(0),
          endpoint: get('endpoint') ?? '',
          name: get('name') ?? '',
          version: get('version') ?? '',
          description: get('description') ?? '',
          owner: get('owner') ?? '',
          code: get('code') ?? '',
          notes: get('notes') ?? '',
          status: (get('status') || 'testing') as AlgorithmStatusValue,
          createdBy: get('created_by') ?? get('owner') ?? '',
          featureNames: parsed(() => parseFeatureNames(fields.get('feature_names'))) ?? null,
          classes: parsed(() => parseClasses(fields.get('classes'))) ?? null,
          positiveClass: parseScalar(fields.get('positive_class')),
          threshold: parsed(() => parseThreshold(fields.get('threshold'))) ?? null,
          outputKind: parsed(() => parseOutputKind(fields.get('output_kind'))) ?? null,
          handlesMissing: parsed(() => parseBoolean(fields.get('handles_missing'), 'handles_missing')) ?? null,
          ...optional(parsed(() => jsonField(fields.get('metrics'), 'metrics', (metrics) => ({ metrics: metrics as Record<string, number> })))),
          ...optional(parsed(() => jsonField(fields.get('input_example'), 'input_example', (inputExample) => ({ inputExample })))),
          ...optional(parsed(() => jsonField(fields.get('tags'), 'tags', (tags) => ({ tags: tags as string[] })))),
          ...optional(parsed(() => breakingChangeField(fields.get('allow_breaking_change')))),
          ...(get('reason') === undefined ? {} : { reason: get('reason') }),
          fieldErrors: checks.errors
        });
        return reply.code(201).send(algorithmBody(algorithm));
      }
    );

    app.post(
      '/mlalgorithms/inspect',
      uploadRoute({
        description:
          'Reads an ONNX file\'s signature (inputs, outputs, task, classes) without registering it. With `endpoint` naming an existing ' +
          'endpoint (and the `feature_names` and `classes` the registration would send), also compares it with that endpoint\'s input contract.',
        body: {
          type: 'object',
          required: ['file'],
          properties: {
            file: { type: 'string', format: 'binary' },
            endpoint: { type: 'string' },
            feature_names: { type: 'string', description: 'JSON array' },
            classes: { type: 'string', description: 'JSON array' }
          }
        },
        response: { 200: InspectionBody, 400: ErrorBody, 401: ErrorBody, 413: ErrorBody }
      }),
      async (request) => {
        const { file, fields } = await readUpload(request);
        if (!file) throw invalidInput('file is required (an .onnx model)', 'file');
        const model = await OnnxModel.load(file);
        await model.close();
        const inspection = { signature: model.signature, classes: model.classes, bytes: file.byteLength };
        const endpoint = core.registry.findEndpointByName(fields.get('endpoint')?.trim() ?? '');
        if (!endpoint) return inspection;
        // the options only shape the comparison: a bad value is the registration's to report
        const featureNames = safely(() => parseFeatureNames(fields.get('feature_names')));
        const classes = model.classes ?? safely(() => parseClasses(fields.get('classes')));
        const candidate = { signature: model.signature, featureNames, task: model.signature.task, classes };
        return { ...inspection, compatibility: core.registry.contracts.check(endpoint, candidate) };
      }
    );
  };

/**
 * Options of an admin route that takes a model upload. The body is multipart: it is read and
 * checked field by field (readUpload and the parsers below), with messages that name the
 * field, so schema validation is off for it and the schema only documents it.
 */
function uploadRoute(schema: { description: string; body: object; response: Record<number, unknown> }) {
  return {
    validatorCompiler: () => () => true,
    schema: { tags: ['registry'], security: [{ bearer: [] }], consumes: ['multipart/form-data'], ...schema }
  };
}

/** Reads a multipart body: the one `file` part into memory, the other parts as text fields. */
async function readUpload(request: FastifyRequest): Promise<{ file: Buffer | undefined; fields: Map<string, string> }> {
  if (!request.isMultipart()) {
    throw invalidInput('send multipart/form-data with a "file" part (the .onnx model) and metadata fields', 'file');
  }
  const fields = new Map<string, string>();
  let file: Buffer | undefined;
  let unexpected: string | undefined;
  // Every part is read to its end, even a wrong one: throwing mid-stream would leave the
  // request half-consumed and its connection hanging.
  try {
    for await (const part of request.parts()) {
      if (part.type !== 'file') fields.set(part.fieldname, String(part.value));
      else if (part.fieldname === 'file') file = await readFile(part);
      else {
        unexpected ??= part.fieldname;
        part.file.resume();
      }
    }
  } catch (err) {
    throw malformedUpload(err);
  }
  if (unexpected !== undefined) throw invalidInput(`unexpected file part "${unexpected}"; send the model as "file"`, unexpected);
  return { file, fields };
}

async function readFile(part: MultipartFile): Promise<Buffer> {
  const bytes = await part.toBuffer();
  if (part.file.truncated) throw invalidInput('file is larger than the upload limit', 'file');
  return bytes;
}

function parseJsonField(value: string, field: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw invalidInput(`${field} must be valid JSON`, field);
  }
}

function safely<T>(parse: () => T | null): T | null {
  try {
    return parse();
  } catch {
    return null;
  }
}

/** An optional JSON field, handed to `wrap` when present and not blank. */
function jsonField<T>(value: string | undefined, field: string, wrap: (parsed: unknown) => T): T | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return wrap(parseJsonField(value, field));
}

function breakingChangeField(value: string | undefined): { allowBreakingChange: boolean } | undefined {
  const allowed = parseBoolean(value, 'allow_breaking_change');
  return allowed === null ? undefined : { allowBreakingChange: allowed };
}

function parseFeatureNames(value: string | undefined): string[] | null {
  if (value === undefined || value.trim() === '') return null;
  const parsed = parseJsonField(value, 'feature_names');
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((n) => typeof n === 'string' && n !== '')) {
    throw invalidInput('feature_names must be a JSON array of non-empty strings', 'feature_names');
  }
  if (new Set(parsed).size !== parsed.length) throw invalidInput('feature_names must not repeat a name', 'feature_names');
  return parsed as string[];
}

function parseClasses(value: string | undefined): (string | number)[] | null {
  if (value === undefined || value.trim() === '') return null;
  const parsed = parseJsonField(value, 'classes');
  if (!Array.isArray(parsed) || parsed.length < 2 || !parsed.every((c) => typeof c === 'string' || typeof c === 'number')) {
    throw invalidInput('classes must be a JSON array of at least two strings or numbers', 'classes');
  }
  return parsed as (string | number)[];
}

/** positive_class arrives as text; "1" also matches an integer class, which the model checks. */
function parseScalar(value: string | undefined): string | number | null {
  if (value === undefined || value === '') return null;
  return /^-?[0-9]+$/.test(value) ? Number(value) : value;
}

function parseThreshold(value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return null;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw invalidInput('threshold must be a number from 0 to 1', 'threshold');
  return n;
}

function parseOutputKind(value: string | undefined): OutputKind | null {
  if (value === undefined || value.trim() === '') return null;
  return requireOneOf(outputKindValues, value.trim(), 'output_kind');
}

function parseBoolean(value: string | undefined, field: string): boolean | null {
  if (value === undefined || value.trim() === '') return null;
  const text = value.trim().toLowerCase();
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw invalidInput(`${field} must be true or false`, field);
}
