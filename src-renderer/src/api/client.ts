import type { ApiError as ApiErrorBody } from '../../../src-main/contract/classic.ts';

type FieldErrors = NonNullable<ApiErrorBody['errors']>;
type Differences = NonNullable<ApiErrorBody['differences']>;

/**
 * An error answer from the API: its message and, when one field is at fault, that field; every
 * bad field when there are several; the contract's differences for a breaking change.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly field: string | undefined;
  readonly errors: FieldErrors;
  readonly differences: Differences;
  /** the whole error answer, for routes that say more than a message (e.g. a 409's list) */
  readonly body: unknown;

  constructor(status: number, message: string, field?: string, body?: Partial<ApiErrorBody> | null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.field = field;
    this.errors = body?.errors ?? (field === undefined ? [] : [{ field, message }]);
    this.differences = body?.differences ?? [];
    this.body = body;
  }

  /** The message about `field`, when the answer names it (alone or among several). */
  messageFor(field: string): string | undefined {
    return this.errors.find((e) => e.field === field)?.message;
  }
}

let adminToken: string | null = null;

export function setToken(token: string | null): void {
  adminToken = token;
}

export function getToken(): string | null {
  return adminToken;
}

export const apiBase = (): string => `${window.location.origin}/api/v1`;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** JSON body (serialized here) */
  json?: unknown;
  /** multipart or other raw body */
  body?: BodyInit;
  query?: Record<string, string | number | boolean | undefined | null>;
  signal?: AbortSignal;
  /** content type of a raw body */
  contentType?: string;
}

export function buildUrl(path: string, query?: RequestOptions['query']): string {
  const url = new URL(`${apiBase()}${path}`);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value));
  }
  return url.toString();
}

/** fetch against /api/v1 with the admin token; non-2xx answers throw an ApiError. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await apiResponse(path, options);
  const text = await response.text();
  return (text ? safeJson(text) : null) as T;
}

/** The raw response (downloads); non-2xx answers throw an ApiError like api(). */
export async function apiResponse(path: string, options: RequestOptions = {}): Promise<Response> {
  const headers = new Headers();
  if (adminToken) headers.set('authorization', `Bearer ${adminToken}`);
  if (options.json !== undefined) headers.set('content-type', 'application/json');
  if (options.contentType) headers.set('content-type', options.contentType);
  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body: options.json !== undefined ? JSON.stringify(options.json) : (options.body ?? null),
      ...(options.signal ? { signal: options.signal } : {})
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'Cannot reach the ModelDesk server. Is it still running?');
  }
  if (!response.ok) {
    const text = await response.text();
    const error = (text ? safeJson(text) : null) as Partial<ApiErrorBody> | null;
    throw new ApiError(response.status, error?.message ?? `${response.status} ${response.statusText}`, error?.field, error);
  }
  return response;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}

export const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : 'Something went wrong';

/**
 * Has the browser follow a download link itself (it streams the file to disk and shows its own
 * progress; Electron asks where to save it). `url` is used exactly as the server issued it: a
 * one-time ticket opens that URL and no other. The file name comes from Content-Disposition.
 */
export function followDownload(url: string): void {
  const link = document.createElement('a');
  link.href = new URL(url, window.location.origin).toString();
  link.download = '';
  document.body.append(link);
  link.click();
  link.remove();
}
