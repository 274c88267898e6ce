import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isModelDeskError, type ErrorDetails, type ErrorKind } from '../core/errors.ts';
import { tensorDataProblem } from './oip/tensor-inputs.ts';
import { faultError, faultKindOf } from '../core/storage/faults.ts';
import { ErrorBody } from '../contract/classic.ts';

/**
 * The answers of a route that writes, when storage fails (issue 20, items 6-7): 507 the disk is
 * full; 503 the database is locked by another connection (with Retry-After), read-only or
 * damaged, or a model file is missing or altered. Each message says what and where.
 */
export const storageErrorResponses = { 503: ErrorBody, 507: ErrorBody };

const statusOf: Record<ErrorKind, number> = {
  invalid_input: 400,
  not_found: 404,
  conflict: 409,
  unavailable: 400,
  too_large: 413,
  insufficient_storage: 507,
  storage_unavailable: 503,
  storage_busy: 503
};

/** The HTTP status a domain error kind is answered with. */
export const httpStatusOf = (kind: ErrorKind): number => statusOf[kind];

export interface DescribedError {
  status: number;
  message: string;
  field?: string;
  details?: ErrorDetails;
  /** seconds, for the Retry-After header (a locked database) */
  retryAfter?: number;
}

/** Any thrown error → status, user-facing message and field. A 5xx never shows its internals. */
export function describeError(err: FastifyError, request: FastifyRequest): DescribedError {
  if (isModelDeskError(err)) {
    const status = statusOf[err.kind];
    // storage faults were logged where they happened (core/storage/health.ts)
    return {
      status,
      message: err.message,
      ...(err.field === undefined ? {} : { field: err.field }),
      ...(err.details === undefined ? {} : { details: err.details }),
      ...(err.retryAfterSeconds === undefined ? {} : { retryAfter: err.retryAfterSeconds })
    };
  }
  // a storage fault no core path translated: still 507/503 saying what, never a bare 500
  const fault = faultKindOf(err);
  if (fault) {
    const where = (err as NodeJS.ErrnoException).path ?? 'the data directory';
    request.log.error({ err, url: request.url }, 'storage fault');
    const described = faultError(fault, { what: `the data of ${request.method} ${request.url.split('?')[0]}`, where }, err);
    return describeError(described as unknown as FastifyError, request);
  }
  if (err.validation) {
    const first = err.validation[0];
    // a key that breaks propertyNames: AJV puts the key on the error itself, not in params
    const badKey = (first as { propertyName?: unknown } | undefined)?.propertyName;
    const params = typeof badKey === 'string' ? { ...first?.params, propertyName: badKey } : (first?.params ?? {});
    const field = fieldOf(first?.instancePath, params, err.validationContext);
    const inTensor = err.validationContext === 'body' && isOipPath(request.url) ? tensorDataProblem(first?.instancePath, request.body) : null;
    if (inTensor) return { status: 400, message: inTensor, ...(field === undefined ? {} : { field }) };
    let message = `${field ?? err.validationContext ?? 'request'} ${first?.message ?? 'is invalid'}`;
    if (typeof params.additionalProperty === 'string') message = `${field} is not a field of this request (a typo?)`;
    if (typeof params.propertyName === 'string') message = `${field} is not an allowed key: ${first?.message ?? 'invalid name'}`;
    if (Array.isArray(params.type)) message = `${field ?? 'request'} must be ${(params.type as string[]).join(' or ')}`;
    // the contract's enums (statuses, modes, metrics…): name the choices, as the core's checks do
    if (Array.isArray(params.allowedValues)) message = `${field ?? 'request'} must be one of ${params.allowedValues.join(', ')}`;
    return { status: 400, message, ...(field === undefined ? {} : { field }) };
  }
  const status = err.statusCode ?? 500;
  if (status < 500) return { status, message: clientMessage(err, request) };
  // a failure worded for the client (the model's own error, an output JSON cannot carry)
  if ((err as { expose?: unknown }).expose === true) return { status, message: err.message };
  request.log.error({ err, url: request.url, method: request.method }, 'unhandled error');
  return { status: 500, message: 'Internal Server Error' };
}

/**
 * The one place errors become HTTP: on /v2 the Open Inference Protocol's `{"error": "…"}`
 * (unknown routes and wrong methods included), elsewhere the classic API's
 * `{"status":"Error","message":…}` (plus `field` when one field is at fault, `errors` when
 * several are, and `differences` when a change would break an endpoint's input contract).
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const { status, message, field, retryAfter, details } = describeError(err, request);
    return sendError(request, reply, status, message, field, retryAfter, details);
  });
}

/** Whether a path is the Open Inference Protocol's (its errors have their own shape). */
export const isOipPath = (url: string): boolean => url === '/v2' || url.startsWith('/v2/') || url.startsWith('/v2?');

/** An error answer in the shape of the request's API. */
export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  message: string,
  field?: string,
  retryAfter?: number,
  details?: ErrorDetails
) {
  if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
  // An error answered before the request's body was read to its end (an upload cut short, a disk
  // that filled mid-stream, a size refused up front) closes the connection after the answer: the
  // rest of the body would otherwise be taken for the next request, or leave the keep-alive
  // connection waiting for bytes nobody reads (issue 20, item 11).
  if (!request.raw.complete) reply.header('connection', 'close');
  return reply.code(status).send(isOipPath(request.url) ? { error: message } : { ...errorBody(message, field), ...details });
}

export const errorBody = (message: string, field?: string) =>
  field === undefined ? { status: 'Error' as const, message } : { status: 'Error' as const, message, field };

function fieldOf(path: string | undefined, params: Record<string, unknown> | undefined, context?: string) {
  const missing = params?.missingProperty ?? params?.requiredProperties ?? params?.additionalProperty ?? params?.propertyName;
  const fromPath = path ? path.replace(/^\//, '').replaceAll('/', '.') : '';
  if (typeof missing === 'string') return fromPath ? `${fromPath}.${missing}` : missing;
  return fromPath || (context === 'body' ? undefined : context);
}

function clientMessage(err: FastifyError, request: FastifyRequest): string {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return `malformed JSON body: ${err.message}`;
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'request body is too large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return refusedMediaType(request);
    case 'FST_REQ_FILE_TOO_LARGE':
      return 'uploaded file is too large';
    default:
      return err.message;
  }
}

/** A 415's message names the media type refused (or its absence) and what the route takes. */
function refusedMediaType(request: FastifyRequest): string {
  const given = request.headers['content-type'];
  const accepted = request.routeOptions.schema?.consumes ?? ['application/json', 'application/x-www-form-urlencoded'];
  const what = given === undefined ? 'a body without Content-Type' : `Content-Type ${JSON.stringify(given)}`;
  return `unsupported media type: ${what} is not accepted here; send ${accepted.join(', ')}`;
}
