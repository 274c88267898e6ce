import { isOneOf } from '../contract/enums.ts';
import type { ContractDifferenceBody } from '../contract/input-contract.ts';

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

/** One bad field of a request, when several are reported at once. */
export interface FieldError {
  field: string;
  message: string;
}

/** What an error answer carries beyond its message: every bad field, or the contract's differences. */
export interface ErrorDetails {
  errors?: FieldError[];
  differences?: ContractDifferenceBody[];
}

export class ModelDeskError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    /** the request field at fault, when there is one (the first, when there are several) */
    readonly field?: string,
    readonly details?: ErrorDetails,
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
export const conflict = (message: string, field?: string, details?: ErrorDetails): ModelDeskError =>
  new ModelDeskError('conflict', message, field, details);

/**
 * Every bad field of a request in one answer (400): the message lists them all, `field` names the
 * first and `errors` each one, so a form can mark all of them after one submit.
 */
export function invalidFields(errors: FieldError[]): ModelDeskError {
  const message = errors.length === 1 ? errors[0]!.message : `${errors.length} fields are invalid: ${errors.map((e) => e.message).join('; ')}`;
  return new ModelDeskError('invalid_input', message, errors[0]?.field, { errors });
}

/** Runs each check; collects the bad fields instead of stopping at the first. */
export class FieldChecks {
  readonly errors: FieldError[] = [];

  /** The check's value, or undefined when it threw a field error (kept for throwIfAny). */
  run<T>(check: () => T): T | undefined {
    try {
      return check();
    } catch (err) {
      if (!(err instanceof ModelDeskError) || err.kind !== 'invalid_input' || err.field === undefined) throw err;
      this.errors.push(...(err.details?.errors ?? [{ field: err.field, message: err.message }]));
      return undefined;
    }
  }

  async runAsync<T>(check: () => Promise<T>): Promise<T | undefined> {
    try {
      return await check();
    } catch (err) {
      return this.run(() => {
        throw err;
      });
    }
  }

  throwIfAny(): void {
    if (this.errors.length) throw invalidFields(this.errors);
  }
}
export const unavailable = (message: string): ModelDeskError => new ModelDeskError('unavailable', message);
export const insufficientStorage = (message: string): ModelDeskError => new ModelDeskError('insufficient_storage', message);
export const storageUnavailable = (message: string): ModelDeskError => new ModelDeskError('storage_unavailable', message);
export const storageBusy = (message: string, retryAfterSeconds: number): ModelDeskError =>
  new ModelDeskError('storage_busy', message, undefined, undefined, retryAfterSeconds);

/** `value` when it is one of `values` (a contract enum), else invalid input naming the field and the choices. */
export function requireOneOf<T extends string>(values: readonly T[], value: unknown, field: string): T {
  if (isOneOf(values, value)) return value;
  throw invalidInput(`${field} must be one of ${values.join(', ')}`, field);
}

export const isModelDeskError = (err: unknown): err is ModelDeskError => err instanceof ModelDeskError;
