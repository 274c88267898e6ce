import { invalidInput } from '../../core/errors.ts';
import {
  decodeTensorBytes,
  elementSize,
  encodeTensorBytes,
  isOipDatatype,
  oipDatatypes,
  type FixedSizeDatatype,
  type OipDatatype,
  type TensorElement
} from './binary-tensors.ts';

/**
 * Triton's binary tensor data extension over HTTP/REST
 * (test/standards/third_party/triton-server/docs/protocol/extension_binary_data.md), which tritonclient.http
 * uses by default for numpy inputs and outputs, and KServe's client for `binary_data=True`:
 * the body is a JSON inference header of `Inference-Header-Content-Length` bytes followed by
 * each binary tensor's bytes, in the order the header lists them. Pure: a Buffer in, a plain
 * JSON-shaped request out (binary inputs get their `data`), so the route validates and serves
 * it like any JSON request; and a response object in, header + blobs out.
 */

export const headerLengthHeader = 'inference-header-content-length';
/** The name servers list in `extensions` of server metadata (Triton reports exactly this). */
export const binaryDataExtension = 'binary_tensor_data';
/** Triton answers binary responses with this media type (extension_binary_data.md, examples). */
export const binaryContentType = 'application/octet-stream';

export type Parameters = Record<string, unknown>;
export interface RequestTensor {
  name: string;
  shape: number[];
  datatype: string;
  parameters?: Parameters;
  data?: unknown[];
}
export interface InferRequestBody {
  id?: string;
  parameters?: Parameters;
  inputs: RequestTensor[];
  outputs?: { name: string; parameters?: Parameters }[];
  [field: string]: unknown;
}

/** The `Inference-Header-Content-Length` value, or undefined when absent. */
export function parseHeaderLength(value: string | string[] | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? value.join(',') : value;
  if (!/^\d{1,15}$/.test(text.trim())) {
    throw invalidInput(`Inference-Header-Content-Length must be a byte count, got ${JSON.stringify(text)}`, 'Inference-Header-Content-Length');
  }
  return Number(text.trim());
}

/**
 * Split a binary-extension body into its JSON header and per-input binary data, decoded to
 * values. Every error is a 400 naming the tensor: a size that disagrees with the shape,
 * binary data that runs past the body, bytes left over after the last tensor.
 * A header length of 0 is the extension's "raw binary request": see decodeRawBinaryRequest.
 */
export function decodeBinaryRequest(body: Buffer, headerLength: number): InferRequestBody {
  if (headerLength === 0) {
    throw invalidInput('Inference-Header-Content-Length 0 (a raw binary request) is only accepted by a model with exactly one input', 'Inference-Header-Content-Length');
  }
  if (headerLength > body.length) {
    throw invalidInput(`Inference-Header-Content-Length is ${headerLength} but the body holds only ${body.length} bytes`, 'Inference-Header-Content-Length');
  }
  const header = parseHeader(body.subarray(0, headerLength));
  let offset = headerLength;
  const inputs = header.inputs.map((input, i) => {
    const size = input.parameters?.binary_data_size;
    if (size === undefined) return input;
    const subject = `input "${input.name}"`;
    if (!Number.isSafeInteger(size) || (size as number) < 0) {
      throw invalidInput(`${subject}: binary_data_size must be a byte count, got ${JSON.stringify(size)}`, `inputs[${i}].parameters.binary_data_size`);
    }
    if (input.data !== undefined) {
      throw invalidInput(`${subject} has both "data" and binary_data_size: send its values one way`, `inputs[${i}].data`);
    }
    const datatype = checkedDatatype(input.datatype, subject, `inputs[${i}].datatype`);
    const count = elementCount(input.shape, subject, `inputs[${i}].shape`);
    const end = offset + (size as number);
    if (end > body.length) {
      throw invalidInput(
        `${subject}: binary_data_size ${size as number} runs past the end of the body (${body.length - offset} bytes of binary data left)`,
        `inputs[${i}].parameters.binary_data_size`
      );
    }
    const data = decodeTensorBytes(body.subarray(offset, end), datatype, count, subject);
    offset = end;
    return withData(input, data);
  });
  if (offset !== body.length) {
    throw invalidInput(
      `the body has ${body.length - offset} bytes after the last binary input: the inputs' binary_data_size values add up to ${offset - headerLength} but the binary data is ${body.length - headerLength} bytes`,
      'inputs'
    );
  }
  return { ...header, inputs };
}

export interface ModelInputMetadata {
  name: string;
  datatype: string;
  /** the model's shape, -1 for a variable dimension */
  shape: number[];
}

/**
 * A raw binary request (Inference-Header-Content-Length: 0): the body is the only input's
 * binary data. As the extension says: batch-1, at most one other variable dimension (deduced
 * from the byte size), BYTES only as a single element, and every output comes back binary.
 */
export function decodeRawBinaryRequest(body: Buffer, input: ModelInputMetadata): InferRequestBody {
  const subject = `input "${input.name}"`;
  const datatype = checkedDatatype(input.datatype, subject, 'datatype');
  const shape = input.shape.map((d, i) => (i === 0 && d < 0 ? 1 : d));
  const variable = shape.filter((d) => d < 0).length;
  if (datatype === 'BYTES' ? variable > 0 || shape.some((d) => d !== 1) : variable > 1) {
    throw invalidInput(`${subject} has shape [${input.shape.join(',')}]: a raw binary request cannot say its shape; send the inference header`, 'Inference-Header-Content-Length');
  }
  if (variable === 1) {
    const known = shape.filter((d) => d >= 0).reduce((a, b) => a * b, 1);
    const size = elementSize[datatype as FixedSizeDatatype];
    if (known === 0 || body.length % (known * size) !== 0) {
      throw invalidInput(`${subject}: ${body.length} bytes of ${datatype} do not fill shape [${input.shape.join(',')}]`, 'body');
    }
    shape[shape.findIndex((d) => d < 0)] = body.length / (known * size);
  }
  const data = decodeTensorBytes(body, datatype, shape.reduce((a, b) => a * b, 1), subject);
  return { inputs: [{ name: input.name, shape, datatype, data }], parameters: { binary_data_output: true } };
}

/**
 * Which outputs go back as binary data: an output's own `binary_data` wins, else the request's
 * `binary_data_output` (extension_binary_data.md). Both must be booleans when given.
 */
export function binaryOutputSelector(request: Pick<InferRequestBody, 'parameters' | 'outputs'>): (outputName: string) => boolean {
  const all = request.parameters?.binary_data_output;
  if (all !== undefined && typeof all !== 'boolean') {
    throw invalidInput(`parameters.binary_data_output must be true or false, got ${JSON.stringify(all)}`, 'parameters.binary_data_output');
  }
  const own = new Map<string, boolean>();
  (request.outputs ?? []).forEach((output, i) => {
    const flag = output.parameters?.binary_data;
    if (flag === undefined) return;
    if (typeof flag !== 'boolean') {
      throw invalidInput(`output "${output.name}": binary_data must be true or false, got ${JSON.stringify(flag)}`, `outputs[${i}].parameters.binary_data`);
    }
    own.set(output.name, flag);
  });
  return (name) => own.get(name) ?? all === true;
}

export interface ResponseTensor {
  name: string;
  shape: number[];
  datatype: string;
  parameters?: Parameters;
  /** flat (row-major) or nested */
  data: readonly unknown[];
}
export interface InferResponseBody {
  model_name: string;
  model_version?: string;
  id?: string;
  parameters?: Parameters;
  outputs: ResponseTensor[];
  [field: string]: unknown;
}
export interface EncodedResponse {
  body: Buffer;
  /** for the Inference-Header-Content-Length header; null when no output is binary (plain JSON) */
  headerLength: number | null;
}

/**
 * The response body: outputs chosen by `asBinary` lose `data` and gain `binary_data_size`,
 * their bytes follow the JSON header in output order. Without binary outputs it is plain JSON.
 */
export function encodeInferResponse(response: InferResponseBody, asBinary: (outputName: string) => boolean): EncodedResponse {
  const blobs: Buffer[] = [];
  const outputs = response.outputs.map((output) => {
    if (!asBinary(output.name)) return output;
    const subject = `output "${output.name}"`;
    if (!isOipDatatype(output.datatype)) throw new Error(`${subject}: datatype ${output.datatype} has no binary form`);
    const values = output.data.flat(Infinity);
    const count = output.shape.reduce((a, b) => a * b, 1);
    if (values.length !== count) throw new Error(`${subject}: ${values.length} values for shape [${output.shape.join(',')}]`);
    const blob = encodeTensorBytes(values, output.datatype, subject);
    blobs.push(blob);
    return { name: output.name, shape: output.shape, datatype: output.datatype, parameters: { ...output.parameters, binary_data_size: blob.length } };
  });
  const json = Buffer.from(JSON.stringify({ ...response, outputs }), 'utf8');
  if (blobs.length === 0) return { body: json, headerLength: null };
  return { body: Buffer.concat([json, ...blobs]), headerLength: json.length };
}

function parseHeader(bytes: Buffer): InferRequestBody {
  let header: unknown;
  try {
    header = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw invalidInput(`the inference header (the first ${bytes.length} bytes, per Inference-Header-Content-Length) is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header) || !Array.isArray((header as InferRequestBody).inputs)) {
    throw invalidInput('the inference header must be a JSON object with an "inputs" array', 'inputs');
  }
  (header as InferRequestBody).inputs.forEach((input, i) => {
    if (typeof input !== 'object' || input === null || typeof input.name !== 'string') {
      throw invalidInput(`inputs[${i}] must be an object with a "name"`, `inputs[${i}]`);
    }
    const parameters: unknown = input.parameters;
    if (parameters !== undefined && (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters))) {
      throw invalidInput(`input "${input.name}": parameters must be an object`, `inputs[${i}].parameters`);
    }
  });
  return header as InferRequestBody;
}

function checkedDatatype(datatype: unknown, subject: string, field: string): OipDatatype {
  if (!isOipDatatype(datatype)) {
    throw invalidInput(`${subject}: datatype ${JSON.stringify(datatype)} is not one of ${oipDatatypes.join(', ')}`, field);
  }
  return datatype;
}

function elementCount(shape: unknown, subject: string, field: string): number {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    throw invalidInput(`${subject}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`, field);
  }
  return (shape as number[]).reduce((a, b) => a * b, 1);
}

/** The input as if it had been sent in JSON: `data` filled, `binary_data_size` gone. */
function withData(input: RequestTensor, data: TensorElement[]): RequestTensor {
  const { binary_data_size: _size, ...parameters } = input.parameters ?? {};
  const { parameters: _parameters, ...rest } = input;
  return Object.keys(parameters).length > 0 ? { ...rest, parameters, data } : { ...rest, data };
}
