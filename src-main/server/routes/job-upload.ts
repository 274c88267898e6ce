import { rmSync } from 'node:fs';
import type { FastifyRequest } from 'fastify';
import { Ajv } from 'ajv';
import { CreatePathJobBody, uploadFieldNames, type CreatePathJob } from '../../contract/job-schemas.ts';
import { inputFormatValues, type InputFormat } from '../../contract/jobs.ts';
import { invalidInput, requireOneOf } from '../../core/errors.ts';
import type { Core } from '../../core/index.ts';
import type { PredictJobRequest } from '../../core/jobs/job-creation.ts';
import type { ReceivedFile } from '../../core/jobs/input-files.ts';

const ajv = new Ajv({ coerceTypes: false, removeAdditional: false, strict: false, allErrors: false });
const checkPathBody = ajv.compile(CreatePathJobBody);

/** A JSON body naming a file on the server's disk, checked against the schema (errors name the field, as every route's do). */
export function readPathBody(body: unknown): CreatePathJob {
  if (checkPathBody(body)) return body as CreatePathJob;
  const err = Object.assign(new Error('invalid body'), { validation: checkPathBody.errors ?? [], validationContext: 'body' });
  throw err;
}

export function predictRequestOf(fields: Partial<CreatePathJob>): PredictJobRequest {
  return {
    endpoint: fields.endpoint ?? '',
    ...(fields.algorithm_id === undefined ? {} : { algorithmId: fields.algorithm_id }),
    ...(fields.version === undefined ? {} : { version: fields.version }),
    ...(fields.status === undefined ? {} : { status: fields.status }),
    ...(fields.format === undefined ? {} : { format: fields.format }),
    ...(fields.output_format === undefined ? {} : { outputFormat: fields.output_format }),
    ...(fields.max_failed_fraction === undefined ? {} : { maxFailedFraction: fields.max_failed_fraction }),
    ...(fields.created_by === undefined ? {} : { createdBy: fields.created_by })
  };
}

/**
 * A multipart job: the `file` part streams to the data directory while it arrives (a 1 GB file
 * never sits in memory), the other parts are its fields. Every part is read to its end, even a
 * wrong one, so a refused request still closes cleanly; a refused job leaves no file.
 */
export async function readUploadJob(core: Core, request: FastifyRequest): Promise<{ file: ReceivedFile; name: string; fields: PredictJobRequest }> {
  const fields = new Map<string, string>();
  let file: ReceivedFile | undefined;
  let name = '';
  let problem: Error | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type !== 'file') {
        fields.set(part.fieldname, String(part.value));
        continue;
      }
      if (part.fieldname !== 'file' || file) {
        problem ??= invalidInput(`unexpected file part "${part.fieldname}"; send the input as one part named "file"`, part.fieldname);
        part.file.resume();
        continue;
      }
      name = part.filename || 'upload';
      file = await core.jobs.receiveUpload(part.file, () => part.file.truncated);
    }
    if (problem) throw problem;
    if (!file) throw invalidInput('send the input as a multipart part named "file" (or a JSON body with "path")', 'file');
    return { file, name, fields: parseFields(fields) };
  } catch (err) {
    if (file) rmSync(file.path, { force: true });
    throw err;
  }
}

function parseFields(fields: Map<string, string>): PredictJobRequest {
  for (const key of fields.keys()) {
    if (!(uploadFieldNames as readonly string[]).includes(key)) throw invalidInput(`${key} is not a field of this request (a typo?)`, key);
  }
  const text = (key: string) => {
    const value = fields.get(key)?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const integer = (key: string) => {
    const value = text(key);
    if (value === undefined) return undefined;
    if (!/^[1-9][0-9]*$/.test(value)) throw invalidInput(`${key} must be a positive integer`, key);
    return Number(value);
  };
  const format = (key: string): InputFormat | undefined => {
    const value = text(key);
    return value === undefined ? undefined : requireOneOf(inputFormatValues, value, key);
  };
  const fraction = text('max_failed_fraction');
  if (fraction !== undefined && !Number.isFinite(Number(fraction))) throw invalidInput('max_failed_fraction must be a number from 0 to 1', 'max_failed_fraction');
  return predictRequestOf({
    endpoint: text('endpoint') ?? '',
    ...(integer('algorithm_id') === undefined ? {} : { algorithm_id: integer('algorithm_id')! }),
    ...(text('version') === undefined ? {} : { version: text('version')! }),
    ...(text('status') === undefined ? {} : { status: text('status')! }),
    ...(format('format') === undefined ? {} : { format: format('format')! }),
    ...(format('output_format') === undefined ? {} : { output_format: format('output_format')! }),
    ...(fraction === undefined ? {} : { max_failed_fraction: Number(fraction) }),
    ...(text('created_by') === undefined ? {} : { created_by: text('created_by')! })
  });
}
