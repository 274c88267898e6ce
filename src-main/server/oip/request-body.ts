import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Ajv } from 'ajv';
import { invalidInput } from '../../core/errors.ts';
import { decodeBinaryRequest, parseHeaderLength } from './binary-data.ts';
import { decodeRequestBody } from './body-decoding.ts';

/**
 * How v2 request bodies are read (test/standards/CLIENTS.md, "What follows for a server"):
 * - no Content-Type is JSON (tritonclient never sends one; KServe before v0.20 neither);
 *   application/json and application/octet-stream (KServe's binary requests) are read too,
 *   any other media type is a 415 naming it;
 * - `Content-Encoding: gzip | deflate` is undone first, the body limit applying to the decoded
 *   size (a decompression bomb is a 413);
 * - with `Inference-Header-Content-Length` the body is the binary tensor data extension:
 *   binary inputs come out with their `data`, so the route validates one JSON shape. A header
 *   length of 0 is a raw binary request, decoded once the model is known (rawBinaryBody).
 * Validation does not coerce: "37" must stay a string in a BYTES tensor, true a boolean.
 */

const acceptedMediaTypes = ['application/json', 'application/octet-stream'];

class UnsupportedMediaType extends Error {
  readonly statusCode = 415;
}

const rawBodies = new WeakMap<FastifyRequest, Buffer>();

/** The body of a raw binary request (Inference-Header-Content-Length: 0), if this is one. */
export const rawBinaryBody = (request: FastifyRequest): Buffer | undefined => rawBodies.get(request);

/** Installs the v2 body reading on the (encapsulated) v2 plugin. */
export function installOipBodies(app: FastifyInstance, bodyLimit: number): void {
  app.removeAllContentTypeParsers();
  // '*' also receives bodies sent without any Content-Type
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    const type = request.headers['content-type'];
    const essence = type?.split(';')[0]!.trim().toLowerCase();
    if (essence === undefined || acceptedMediaTypes.includes(essence)) return done(null, body);
    done(
      new UnsupportedMediaType(
        `unsupported media type: Content-Type ${JSON.stringify(type)} is not accepted here; send the inference request as JSON (application/json, or no Content-Type) or as binary tensor data (application/octet-stream with Inference-Header-Content-Length)`
      ),
      undefined
    );
  });

  const ajv = new Ajv({ coerceTypes: false, useDefaults: true, removeAdditional: false, allErrors: false, strict: false });
  app.setValidatorCompiler(({ schema }) => ajv.compile(schema));

  app.addHook('preValidation', async (request) => {
    if (request.method !== 'POST') return;
    const raw = request.body;
    if (!Buffer.isBuffer(raw) || raw.length === 0) throw invalidInput('the request has no body: send an inference request', 'body');
    const body = await decodeRequestBody(raw, request.headers['content-encoding'], bodyLimit);
    const headerLength = parseHeaderLength(request.headers['inference-header-content-length']);
    if (headerLength === 0) {
      rawBodies.set(request, body);
      request.body = { inputs: [], parameters: { binary_data_output: true } };
    } else {
      request.body = headerLength === undefined ? parseJson(body) : decodeBinaryRequest(body, headerLength);
    }
  });
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw invalidInput(`malformed JSON body: ${(err as Error).message}`, 'body');
  }
}
