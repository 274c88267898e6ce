import { describe, expect, it } from 'vitest';
import {
  binaryOutputSelector,
  decodeBinaryRequest,
  decodeRawBinaryRequest,
  encodeInferResponse,
  parseHeaderLength,
  type InferRequestBody
} from './binary-data.ts';
import { decodeRequestBody } from './body-decoding.ts';
import { halfToNumber, numberToHalf } from './binary-tensors.ts';
import {
  modelDeskResponses,
  numpyFloat16,
  tritonReadResponses,
  tritonRequest,
  tritonRequests,
  type TritonRequestFixture
} from '../../../test/standards/fixtures/index.ts';
import { responseCases } from '../../../test/standards/fixtures/response-cases.ts';

/** The request a server sees once Content-Encoding and the binary extension are undone. */
async function decode(fixture: Pick<TritonRequestFixture, 'body' | 'headers' | 'header_length'>): Promise<InferRequestBody> {
  const body = await decodeRequestBody(fixture.body, fixture.headers['Content-Encoding'], 1 << 20);
  return fixture.header_length === null ? (JSON.parse(body.toString('utf8')) as InferRequestBody) : decodeBinaryRequest(body, fixture.header_length);
}

const defaults = () => tritonRequest("classifier, binary inputs, no outputs named (tritonclient's defaults)");
const int64 = () => tritonRequest('int64 model on a pinned version, label binary, probabilities JSON');

/** Re-assemble a fixture's body with a changed JSON header and/or changed binary data. */
function rebuild(fixture: TritonRequestFixture, edit: { header?: (h: any) => void; binary?: (b: Buffer) => Buffer }) {
  const header = JSON.parse(fixture.body.subarray(0, fixture.header_length!).toString('utf8'));
  edit.header?.(header);
  const json = Buffer.from(JSON.stringify(header));
  const binary = Buffer.from(fixture.body.subarray(fixture.header_length!));
  return { body: Buffer.concat([json, edit.binary ? edit.binary(binary) : binary]), headerLength: json.length };
}
const refused = (build: { body: Buffer; headerLength: number }) => () => decodeBinaryRequest(build.body, build.headerLength);

describe('binary tensor data extension: requests as tritonclient.http sends them', () => {
  it.each(tritonRequests().map((f) => [f.name, f] as const))('decodes "%s" to the values tritonclient meant', async (_name, fixture) => {
    const request = await decode(fixture);
    expect(request.inputs.map(({ name, datatype, shape, data }) => ({ name, datatype, shape, data }))).toEqual(fixture.expected_inputs);
    for (const input of request.inputs) expect(input.parameters?.binary_data_size).toBeUndefined();
  });

  it('keeps the rest of the request and says which outputs go back binary', async () => {
    const pinned = await decode(int64());
    const wantsBinary = binaryOutputSelector(pinned);
    expect([wantsBinary('label'), wantsBinary('probabilities')]).toEqual([true, false]);

    // tritonclient without named outputs asks for every output in binary, JSON inputs or not
    const plain = await decode(tritonRequest('regressor, JSON FP64 input, deflate request'));
    expect(plain.parameters).toEqual({ binary_data_output: true });
    expect(binaryOutputSelector(plain)('variable')).toBe(true);
    expect(binaryOutputSelector({})('variable')).toBe(false);
    expect(() => binaryOutputSelector({ parameters: { binary_data_output: 'yes' } })).toThrow(/binary_data_output must be true or false/);
    expect(() => binaryOutputSelector({ outputs: [{ name: 'label', parameters: { binary_data: 1 } }] })).toThrow(/output "label": binary_data/);
  });

  it('refuses binary data that disagrees with the header, naming the tensor', () => {
    const f = defaults();
    const short = { body: f.body.subarray(0, f.body.length - 1), headerLength: f.header_length! };
    expect(refused(short)).toThrow(/input "hours_per_week": binary_data_size 8 runs past the end of the body \(7 bytes/);
    expect(refused({ body: Buffer.concat([f.body, Buffer.from([0])]), headerLength: f.header_length! })).toThrow(/1 bytes after the last binary input/);
    expect(refused({ body: f.body, headerLength: f.body.length + 1 })).toThrow(/Inference-Header-Content-Length is \d+ but the body holds only/);
    expect(refused({ body: f.body, headerLength: 10 })).toThrow(/inference header .* is not valid JSON/);
    expect(refused({ body: Buffer.from('[1]'), headerLength: 3 })).toThrow(/JSON object with an "inputs" array/);
    expect(refused(rebuild(f, { header: (h) => (h.inputs[0].shape = [3, 1]) }))).toThrow(/input "age": binary_data_size is 8 bytes but 3 FP32 elements need 12/);
    expect(refused(rebuild(f, { header: (h) => (h.inputs[1].shape = [3, 1]) }))).toThrow(/input "workclass": the binary data holds 2 BYTES elements but the shape needs 3/);
    expect(refused(rebuild(f, { header: (h) => (h.inputs[0].parameters.binary_data_size = -8) }))).toThrow(/input "age": binary_data_size must be a byte count/);
    expect(refused(rebuild(f, { header: (h) => (h.inputs[0].data = [1, 2]) }))).toThrow(/input "age" has both "data" and binary_data_size/);
    expect(refused(rebuild(f, { header: (h) => (h.inputs[0].datatype = 'FP128') }))).toThrow(/input "age": datatype "FP128" is not one of BOOL/);
    expect(refused(rebuild(f, { header: (h) => (h.inputs[0].shape = [2, -1]) }))).toThrow(/input "age": shape must be an array of non-negative integers/);
  });

  it('refuses values JSON could not carry either: NaN, 64-bit integers past 2^53, bad BOOL bytes, BYTES that are not text', () => {
    const f = defaults();
    const nan = rebuild(f, { binary: (b) => (b.writeFloatLE(NaN, 4), b) });
    expect(refused(nan)).toThrow(/input "age": element 1 is NaN/);
    const cut = rebuild(f, { binary: (b) => (b.writeUInt32LE(99, 8), b) }); // workclass element 0 claims 99 bytes
    expect(refused(cut)).toThrow(/input "workclass": BYTES element 0 declares 99 bytes but only \d+ remain/);
    const latin1 = rebuild(f, { binary: (b) => (b.writeUInt8(0xff, 12), b) });
    expect(refused(latin1)).toThrow(/input "workclass": BYTES element 0 is not valid UTF-8/);
    const big = rebuild(int64(), { binary: (b) => (b.writeBigInt64LE(2n ** 60n, 8), b) });
    expect(refused(big)).toThrow(/input "x": element 1 is 1152921504606846976, beyond ±9007199254740991/);
    const all = tritonRequest('every datatype, binary');
    const bool = rebuild(all, { binary: (b) => (b.writeUInt8(2, 0), b) });
    expect(refused(bool)).toThrow(/input "bool": BOOL element 0 is byte 2/);
    try {
      refused(nan)();
    } catch (err) {
      expect(err).toMatchObject({ kind: 'invalid_input' }); // a 400, not a 500
    }
  });

  it('reads the Inference-Header-Content-Length header strictly', () => {
    expect(parseHeaderLength(undefined)).toBeUndefined();
    expect(parseHeaderLength(' 321 ')).toBe(321);
    expect(() => parseHeaderLength('12abc')).toThrow(/Inference-Header-Content-Length must be a byte count, got "12abc"/);
    expect(() => parseHeaderLength('-1')).toThrow(/byte count/);
    expect(() => decodeBinaryRequest(Buffer.alloc(4), 0)).toThrow(/raw binary request/);
  });

  it('takes a raw binary request (header length 0) for a one-input model, deducing the variable dimension', () => {
    const floats = Buffer.alloc(32);
    for (let i = 0; i < 8; i++) floats.writeFloatLE(i / 2, i * 4);
    expect(decodeRawBinaryRequest(floats, { name: 'x', datatype: 'FP32', shape: [-1, -1] })).toEqual({
      inputs: [{ name: 'x', shape: [1, 8], datatype: 'FP32', data: [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5] }],
      parameters: { binary_data_output: true }
    });
    expect(decodeRawBinaryRequest(floats, { name: 'x', datatype: 'FP32', shape: [-1, 8] }).inputs[0]!.shape).toEqual([1, 8]);
    expect(() => decodeRawBinaryRequest(floats, { name: 'x', datatype: 'FP32', shape: [-1, 3] })).toThrow(/input "x": .*12/);
    expect(() => decodeRawBinaryRequest(floats.subarray(0, 30), { name: 'x', datatype: 'FP32', shape: [-1, -1] })).toThrow(/30 bytes of FP32 do not fill/);
    const text = Buffer.concat([Buffer.from([5, 0, 0, 0]), Buffer.from('hello')]);
    expect(decodeRawBinaryRequest(text, { name: 's', datatype: 'BYTES', shape: [-1] }).inputs[0]).toEqual({ name: 's', shape: [1], datatype: 'BYTES', data: ['hello'] });
    expect(() => decodeRawBinaryRequest(text, { name: 's', datatype: 'BYTES', shape: [-1, -1] })).toThrow(/cannot say its shape/);
  });
});

describe('binary tensor data extension: responses tritonclient.http reads back', () => {
  const encoded = responseCases.map(({ request, response }) => encodeInferResponse(response, binaryOutputSelector(request)));

  it('still encodes the exact bytes that tritonclient was shown (test/standards/fixtures)', () => {
    expect(encoded.map((e) => ({ header_length: e.headerLength, body: e.body.toString('base64') }))).toEqual(
      modelDeskResponses().map((r) => ({ header_length: r.header_length, body: r.body.toString('base64') }))
    );
  });

  it.each(responseCases.map((c, i) => [c.name, i] as const))('tritonclient decodes "%s" to the values ModelDesk meant', (name, i) => {
    const readBack = tritonReadResponses().find((r) => r.name === name)!;
    const sent = responseCases[i]!.response.outputs;
    expect(readBack.outputs.map((o) => o.name)).toEqual(sent.map((o) => o.name));
    sent.forEach((output, j) => {
      const got = readBack.outputs[j]!;
      expect(got.shape).toEqual(output.shape);
      const values = output.data.flat(Infinity) as unknown[];
      expect(got.values).toEqual(output.datatype === 'FP32' ? values.map((v) => Math.fround(v as number)) : values);
    });
  });

  it('lists binary outputs with binary_data_size and no data, after a header of headerLength bytes', () => {
    const { body, headerLength } = encoded[1]!;
    const header = JSON.parse(body.subarray(0, headerLength!).toString('utf8'));
    expect(header.outputs).toEqual([
      { name: 'label', shape: [2], datatype: 'INT64', parameters: { binary_data_size: 16 } },
      { name: 'probabilities', shape: [2, 3], datatype: 'FP32', data: [[0.875, 0.125, 0], [0, 0.25, 0.75]] }
    ]);
    expect(body.length - headerLength!).toBe(16);
    const plain = encoded[3]!;
    expect(plain.headerLength).toBeNull();
    expect(JSON.parse(plain.body.toString('utf8'))).toEqual(responseCases[3]!.response);
  });

  it('refuses to encode values that do not fit their datatype or shape (a bug, not a client error)', () => {
    const response = (data: unknown[], datatype = 'UINT8', shape = [2]) => ({ model_name: 'm', outputs: [{ name: 'y', shape, datatype, data }] });
    expect(() => encodeInferResponse(response([1, 256]), () => true)).toThrow(/output "y": element 1 \(256\) cannot be written as UINT8/);
    expect(() => encodeInferResponse(response([1, 2, 3]), () => true)).toThrow(/output "y": 3 values for shape \[2\]/);
    expect(() => encodeInferResponse(response([1, 2], 'COMPLEX64'), () => true)).toThrow(/no binary form/);
    expect(() => encodeInferResponse(response([1, 'a'], 'BYTES'), () => true)).toThrow(/BYTES element 0 is number/);
  });
});

describe('FP16 as numpy rounds it', () => {
  const num = (v: number | string) => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number));
  it.each(numpyFloat16().map((f) => [f.value, f] as const))('%s', (_value, f) => {
    expect(numberToHalf(num(f.value))).toBe(f.bits);
    expect(halfToNumber(f.bits)).toBe(num(f.decoded));
  });
});
