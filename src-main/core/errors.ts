import { isOneOf } from '../contract/enums.ts';

/**
 * Domain errors. The core never speaks HTTP; the server maps each kind to a status code
 * (see src-main/server/error-handler.ts). Messages are user-facing: they name the field
 * or the thing that is wrong.
 */
export type ErrorKind =
  | 'invalid_input' // a request body or parameter is wrong → 400
  | 'not_found' // a named thing does not exist → 404
  | 'conflict' // the thing exists already / state forbids it → 409
  | 'unavailable' // no algorithm can serve this request → 400 (classic API keeps 400)
  | 'too_large' // a body or upload is over a limit → 413
  | 'insufficient_storage' // the disk cannot hold what was asked → 507
  | 'storage_unavailable' // the data directory, database or a model file cannot be used now → 503
  | 'storage_busy'; // another connection holds the database's write lock; retry → 503 + Retry-After

export class ModelDeskError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    /** the request field at fault, when there is one */
    readonly field?: string,
    /** seconds after which a retry may succeed (HTTP Retry-After), for passing conditions */
    readonly retryAfterSeconds?: number
  ) {
    super(message);
    this.name = 'ModelDeskError';
  }
}

export const invalidInput = (message: string, field?: string): ModelDeskError =>
  new ModelDeskError('invalid_input', message, field);
export const notFound = (message: string, field?: string): ModelDeskError => new ModelDeskError('not_found', message, field);
export const conflict = (message: string, field?: string): ModelDeskError =>
  new ModelDeskError('conflict', message, field);
export const unavailable = (message: string): ModelDeskError => new ModelDeskError('unavailable', message);
export const insufficientStorage = (message: string): ModelDeskError => new ModelDeskError('insufficient_storage', message);
export const storageUnavailable = (message: string): ModelDeskError => new ModelDeskError('storage_unavailable', message);
export const storageBusy = (message: string, retryAfterSeconds: number): ModelDeskError =>
  new ModelDeskError('storage_busy', message, undefined, retryAfterSeconds);

/** `value` when it is one of `values` (a contract enum), else invalid input naming the field and the choices. */
export function requireOneOf<T extends string>(values: readonly T[], value: unknown, field: string): T {
  if (isOneOf(values, value)) return value;
  throw invalidInput(`${field} must be one of ${values.join(', ')}`, field);
}

export const isModelDeskError = (err: unknown): err is ModelDeskError => err instanceof ModelDeskError;
