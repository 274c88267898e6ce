import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { AlgorithmBody, ErrorBody, InspectionBody } from '../../contract/classic.ts';
import { OnnxModel } from '../../core/inference/index.ts';
import { outputKindValues, type OutputKind } from '../../contract/enums.ts';
import { invalidInput, requireOneOf } from '../../core/errors.ts';
import { malformedUpload } from '../uploads.ts';
import type { Core } from '../../core/index.ts';
import type { AlgorithmStatusValue } from '../../core/registry/types.ts';
import { storageErrorResponses } from '../error-handler.ts';
import { algorithmBody } from '../serializers.ts';

type TextField = 'endpoint' | 'name' | 'version' | 'description' | 'owner' | 'code' | 'status' | 'created_by';

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
        if (!file) throw invalidInput('file is required (an .onnx model)', 'file');
        const get = (name: TextField) => fields.get(name);
        const algorithm = await core.registry.register({
          file,
          endpoint: get('endpoint') ?? '',
          name: get('name') ?? '',
          version: get('version') ?? '',
          description: get('description') ?? '',
          owner: get('owner') ?? '',
          code: get('code') ?? '',
          status: (get('status') || 'testing') as AlgorithmStatusValue,
          createdBy: get('created_by') ?? get('owner') ?? '',
          featureNames: parseFeatureNames(fields.get('feature_names')),
          classes: parseClasses(fields.get('classes')),
          positiveClass: parseScalar(fields.get('positive_class')),
          threshold: parseThreshold(fields.get('threshold')),
          outputKind: parseOutputKind(fields.get('output_kind')),
          handlesMissing: parseBoolean(fields.get('handles_missing'), 'handles_missing')
        });
        return reply.code(201).send(algorithmBody(algorithm));
      }
    );

    app.post(
      '/mlalgorithms/inspect',
      uploadRoute({
        description: 'Reads an ONNX file\'s signature (inputs, outputs, task, classes) without registering it.',
        body: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } },
        response: { 200: InspectionBody, 400: ErrorBody, 401: ErrorBody, 413: ErrorBody }
      }),
      async (request) => {
        const { file } = await readUpload(request);
        if (!file) throw invalidInput('file is required (an .onnx model)', 'file');
        const model = await OnnxModel.load(file);
        await model.close();
        return { signature: model.signature, classes: model.classes, bytes: file.byteLength };
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
    config: { admin: true },
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
