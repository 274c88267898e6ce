import { constants } from 'node:buffer';
import { promisify } from 'node:util';
import { gunzip, inflate, inflateRaw, type InputType, type ZlibOptions } from 'node:zlib';
import { invalidInput, ModelDeskError } from '../../core/errors.ts';

/**
 * Request bodies sent with `Content-Encoding` (RFC 9110 §8.4): tritonclient.http compresses
 * with `gzip` or `deflate` when asked (test/standards/third_party/tritonclient/http/_client.py, infer()).
 * The body size limit applies to the DECODED size: inflating stops as soon as the output
 * passes the limit (zlib's maxOutputLength), so a decompression bomb is a 413, never an
 * out-of-memory. Pure: a Buffer in, a Buffer out, no HTTP framework.
 */

export type ContentCoding = 'gzip' | 'deflate';

/** A content coding we cannot decode: 415 (RFC 9110 §15.5.16 names Content-Encoding). */
export class UnsupportedContentEncoding extends Error {
  readonly statusCode = 415;
  constructor(readonly coding: string) {
    super(`unsupported Content-Encoding ${JSON.stringify(coding)}: send the body as is, or with gzip or deflate`);
    this.name = 'UnsupportedContentEncoding';
  }
}

/**
 * The codings of a Content-Encoding header, in the order they were applied. `identity` and
 * empty entries drop out; `x-gzip` is gzip (RFC 9110 §8.4.1.3).
 */
export function parseContentEncoding(header: string | string[] | undefined): ContentCoding[] {
  if (header === undefined) return [];
  const names = (Array.isArray(header) ? header.join(',') : header)
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '' && name !== 'identity');
  return names.map((name) => {
    if (name === 'gzip' || name === 'x-gzip') return 'gzip';
    if (name === 'deflate') return 'deflate';
    throw new UnsupportedContentEncoding(name);
  });
}

const run = {
  gunzip: promisify<InputType, ZlibOptions, Buffer>(gunzip),
  inflate: promisify<InputType, ZlibOptions, Buffer>(inflate),
  inflateRaw: promisify<InputType, ZlibOptions, Buffer>(inflateRaw)
};

/**
 * Undo the request's Content-Encoding. Errors: 415 for a coding we do not know, 400 for bytes
 * that are not what the header says, 413 when the decoded body would exceed `limitBytes`.
 */
export async function decodeRequestBody(raw: Buffer, contentEncoding: string | string[] | undefined, limitBytes: number): Promise<Buffer> {
  const codings = parseContentEncoding(contentEncoding);
  let body = raw;
  // Codings are listed in the order they were applied, so they come off in reverse.
  for (const coding of [...codings].reverse()) {
    if (body.length === 0) break; // an empty body stays empty: the JSON parser will say so
    const options: ZlibOptions = { maxOutputLength: Math.min(Math.max(1, limitBytes), constants.MAX_LENGTH) };
    try {
      body = coding === 'gzip' ? await run.gunzip(body, options) : await (hasZlibHeader(body) ? run.inflate : run.inflateRaw)(body, options);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new ModelDeskError('too_large', `request body is larger than ${limitBytes} bytes once decompressed (Content-Encoding: ${coding})`);
      }
      throw invalidInput(`request body is not valid ${coding} data (Content-Encoding: ${coding}): ${(err as Error).message}`, 'Content-Encoding');
    }
    if (body.length > limitBytes) {
      throw new ModelDeskError('too_large', `request body is larger than ${limitBytes} bytes once decompressed (Content-Encoding: ${coding})`);
    }
  }
  return body;
}

/**
 * "deflate" means the zlib format (RFC 9110 §8.4.1.2; tritonclient uses zlib.compress), but
 * some clients send a bare deflate stream: a zlib header is CM=8 and a multiple-of-31 check.
 */
function hasZlibHeader(body: Buffer): boolean {
  if (body.length < 2) return false;
  const cmf = body[0]!;
  const flg = body[1]!;
  return (cmf & 0x0f) === 8 && (cmf >> 4) <= 7 && ((cmf << 8) | flg) % 31 === 0;
}
