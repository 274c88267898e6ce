import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeRequestBody, parseContentEncoding, UnsupportedContentEncoding } from './body-decoding.ts';
import { tritonRequest } from '../../../test/standards/fixtures/index.ts';

const json = Buffer.from(JSON.stringify({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1.5] }] }));

describe('request bodies with Content-Encoding', () => {
  it('decodes the gzip and deflate bodies tritonclient.http sends', async () => {
    for (const name of ['regressor, binary input, gzip request, gzip response asked', 'regressor, JSON FP64 input, deflate request']) {
      const fixture = tritonRequest(name);
      const decoded = await decodeRequestBody(fixture.body, fixture.headers['Content-Encoding'], 1 << 20);
      expect(decoded.subarray(0, 12).toString('latin1')).toBe('{"inputs":[{');
      expect(decoded.length).toBeGreaterThan(fixture.body.length);
    }
  });

  it('also takes bare deflate, x-gzip, identity, and codings applied in turn', async () => {
    expect(await decodeRequestBody(deflateRawSync(json), 'deflate', 1024)).toEqual(json);
    expect(await decodeRequestBody(deflateSync(json), 'Deflate', 1024)).toEqual(json);
    expect(await decodeRequestBody(gzipSync(json), 'x-gzip', 1024)).toEqual(json);
    expect(await decodeRequestBody(json, 'identity', 1024)).toEqual(json);
    expect(await decodeRequestBody(json, undefined, 1024)).toEqual(json);
    expect(await decodeRequestBody(gzipSync(deflateSync(json)), 'deflate, gzip', 1024)).toEqual(json);
    expect(await decodeRequestBody(Buffer.alloc(0), 'gzip', 1024)).toEqual(Buffer.alloc(0));
  });

  it('applies the size limit to the decoded body: a decompression bomb is a 413', async () => {
    const limit = 1 << 20;
    const bomb = gzipSync(Buffer.alloc(64 * limit)); // 64 MiB of zeros in about 64 KiB
    await expect(decodeRequestBody(bomb, 'gzip', limit)).rejects.toMatchObject({
      kind: 'too_large',
      message: `request body is larger than ${limit} bytes once decompressed (Content-Encoding: gzip)`
    });
    await expect(decodeRequestBody(deflateSync(Buffer.alloc(limit + 1)), 'deflate', limit)).rejects.toMatchObject({ kind: 'too_large' });
    expect((await decodeRequestBody(deflateSync(Buffer.alloc(limit)), 'deflate', limit)).length).toBe(limit);
  });

  it('answers bytes that are not what the header says with a 400, and unknown codings with a 415', async () => {
    await expect(decodeRequestBody(json, 'gzip', 1024)).rejects.toMatchObject({
      kind: 'invalid_input',
      message: expect.stringMatching(/^request body is not valid gzip data \(Content-Encoding: gzip\)/)
    });
    await expect(decodeRequestBody(gzipSync(json).subarray(0, 20), 'gzip', 1024)).rejects.toMatchObject({ kind: 'invalid_input' });
    expect(() => parseContentEncoding('br')).toThrow(UnsupportedContentEncoding);
    await expect(decodeRequestBody(json, 'gzip, br', 1024)).rejects.toMatchObject({
      statusCode: 415,
      message: 'unsupported Content-Encoding "br": send the body as is, or with gzip or deflate'
    });
  });
});
