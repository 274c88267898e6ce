import { invalidInput, isModelDeskError } from '../core/errors.ts';

/**
 * An upload the server could not read to its end, as the client should see it: a multipart body
 * the parser gave up on (cut short before its closing boundary, a broken part header) or a body
 * stream that ended early is the client's fault, a 400 saying so rather than a 500 (issue 20,
 * item 11). Our own refusals (4xx, storage faults) pass through unchanged. The error handler
 * closes the connection of any request answered before its body was read to the end.
 */
export function malformedUpload(err: unknown): unknown {
  if (isModelDeskError(err) || !(err instanceof Error)) return err;
  const status = (err as { statusCode?: number }).statusCode;
  if (status !== undefined && status < 500) return err;
  return invalidInput(`the upload could not be read (${err.message}): it was cut short or is malformed; send it again`, 'file');
}
