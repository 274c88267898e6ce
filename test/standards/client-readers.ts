import { gunzipSync, inflateSync } from 'node:zlib';
import { bfloat16ToNumber, halfToNumber } from '../../src-main/server/oip/binary-tensors.ts';
import type { RawResponse } from './clients.ts';

/**
 * Responses read as tritonclient.http and KServe's InferenceRESTClient read them (the copies
 * beside this file; CLIENTS.md cites the lines). Each reader fails where the client would
 * fail, with the client's own complaint, so a test can say "tritonclient cannot read this".
 * Values are numpy's: FP32 rounded to float32, NaN for a JSON null in a float tensor.
 */

export type ClientValue = number | bigint | boolean | string | null;
export interface ClientOutput {
  name: string;
  datatype: string;
  shape: number[];
  /** row-major, flat; BYTES decoded as UTF-8 text */
  values: ClientValue[];
  binary: boolean;
}
export interface ClientResult {
  /** the JSON part of the response */
  header: Record<string, any>;
  outputs: ClientOutput[];
}

const header = (res: RawResponse, name: string): string | undefined => {
  const value = res.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
};

export const tritonRead = {
  /** _get_error (http/_utils.py:40-64): anything but 200 is an error; its message is the body's "error". */
  error(res: RawResponse): { status: string; message: string } | null {
    if (res.status === 200) return null;
    const body = res.body.toString('utf8');
    try {
      const parsed = body.length ? JSON.parse(body) : { error: 'client received an empty response from the server.' };
      if (typeof parsed !== 'object' || parsed === null || !('error' in parsed)) throw new Error("KeyError: 'error'");
      return { status: String(res.status), message: String(parsed.error) };
    } catch (err) {
      return { status: String(res.status), message: `an exception occurred in the client while decoding the response: ${(err as Error).message}\nresponse: ${body}` };
    }
  },

  /** InferResult.__init__ and as_numpy (http/_infer_result.py:54-106, 157-210). */
  result(res: RawResponse): ClientResult {
    const error = tritonRead.error(res);
    if (error) throw new Error(`InferenceServerException: [${error.status}] ${error.message}`);
    const encoding = header(res, 'Content-Encoding');
    const body = encoding === 'gzip' ? gunzipSync(res.body) : encoding === 'deflate' ? inflateSync(res.body) : res.body;
    const lengthHeader = header(res, 'Inference-Header-Content-Length');
    const length = lengthHeader === undefined ? body.length : parseInt(lengthHeader, 10);
    const json = JSON.parse(body.subarray(0, length).toString('utf8'));
    let offset = length;
    const outputs: ClientOutput[] = (json.outputs ?? []).map((o: any) => {
      const size = o.parameters?.binary_data_size;
      if (size === undefined || size === null) return fromJson(o);
      if (lengthHeader === undefined && size !== 0) throw new Error(`KeyError: '${o.name}' (binary_data_size without Inference-Header-Content-Length)`);
      const values = size === 0 ? [] : fromBinary(body.subarray(offset, offset + size), o.datatype);
      offset += size;
      return { name: o.name, datatype: o.datatype, shape: o.shape, values: reshape(values, o.shape), binary: true };
    });
    return { header: json, outputs };
  }
};

export const kserveRead = {
  /**
   * _construct_http_status_error (inference_client.py:428-445): the server's message is read
   * only when Content-Type is exactly "application/json"; otherwise the client reports ''.
   */
  errorMessage(res: RawResponse): string {
    if (header(res, 'content-type') !== 'application/json') return '';
    const parsed = JSON.parse(res.body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && 'error' in parsed ? String(parsed.error) : JSON.stringify(parsed);
  },

  /** infer() for v2 (inference_client.py:507-521) → InferResponse.from_bytes (protocol/infer_type.py:1266-1326). */
  result(res: RawResponse): ClientResult {
    if (res.status < 200 || res.status > 299) throw new Error(`HTTPStatusError: ${kserveRead.errorMessage(res)}, '${res.status} ${res.statusMessage}'`);
    const lengthHeader = header(res, 'inference-header-content-length');
    const length = lengthHeader === undefined ? res.body.length : parseInt(lengthHeader, 10);
    const json = JSON.parse(res.body.subarray(0, length).toString('utf8'));
    if (!('model_name' in json)) throw new Error("KeyError: 'model_name'");
    let offset = length;
    const outputs: ClientOutput[] = json.outputs.map((o: any) => {
      if (o.parameters && 'binary_data_size' in o.parameters) {
        if (o.datatype === 'BF16') throw new Error('InvalidInput: invalid datatype in the input'); // numpy_codec.py has no BF16
        const size = o.parameters.binary_data_size as number;
        const values = fromBinary(res.body.subarray(offset, offset + size), o.datatype);
        offset += size;
        return { name: o.name, datatype: o.datatype, shape: o.shape, values: reshape(values, o.shape), binary: true };
      }
      if (o.data === undefined || o.data === null) throw new Error(`InvalidInput: 'data' field is missing for output '${o.name}' for model '${json.model_name}'`);
      return fromJson(o);
    });
    return { header: json, outputs };
  },

  /** is_server_ready → body.ready, is_server_live → body.live (inference_client.py:572-642); is_model_ready → 2xx (644-696). */
  health(res: RawResponse, what: 'ready' | 'live' | 'model'): unknown {
    if (what === 'model') return res.status >= 200 && res.status <= 299;
    if (res.status < 200 || res.status > 299) throw new Error(`HTTPStatusError: ${kserveRead.errorMessage(res)}`);
    return JSON.parse(res.body.toString('utf8'))[what];
  }
};

const floatTypes = new Set(['FP16', 'BF16', 'FP32', 'FP64']);

/** np.array(data, dtype=...) then reshape: nested data is fine, null is NaN in floats and an error in integers. */
function fromJson(o: any): ClientOutput {
  const flat = (o.data as unknown[]).flat(Infinity) as ClientValue[];
  const values = flat.map((v) => {
    if (v === null) {
      if (floatTypes.has(o.datatype)) return NaN;
      if (o.datatype === 'BOOL') return false;
      if (o.datatype === 'BYTES') return null;
      throw new Error(`TypeError: int() argument must be a string, a bytes-like object or a real number, not 'NoneType' (output "${o.name}")`);
    }
    return o.datatype === 'FP32' && typeof v === 'number' ? Math.fround(v) : v;
  });
  return { name: o.name, datatype: o.datatype, shape: o.shape, values: reshape(values, o.shape), binary: false };
}

function reshape(values: ClientValue[], shape: number[]): ClientValue[] {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== values.length) throw new Error(`ValueError: cannot reshape array of size ${values.length} into shape (${shape.join(', ')})`);
  return values;
}

/** np.frombuffer(bytes, dtype), deserialize_bytes_tensor, deserialize_bf16_tensor. */
function fromBinary(bytes: Buffer, datatype: string): ClientValue[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const each = (size: number, read: (offset: number) => ClientValue) => {
    if (bytes.length % size !== 0) throw new Error(`ValueError: buffer size must be a multiple of element size (${datatype})`);
    return Array.from({ length: bytes.length / size }, (_, i) => read(i * size));
  };
  const int64 = (v: bigint) => (v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v);
  switch (datatype) {
    case 'BOOL': return each(1, (o) => view.getUint8(o) !== 0);
    case 'UINT8': return each(1, (o) => view.getUint8(o));
    case 'INT8': return each(1, (o) => view.getInt8(o));
    case 'UINT16': return each(2, (o) => view.getUint16(o, true));
    case 'INT16': return each(2, (o) => view.getInt16(o, true));
    case 'UINT32': return each(4, (o) => view.getUint32(o, true));
    case 'INT32': return each(4, (o) => view.getInt32(o, true));
    case 'UINT64': return each(8, (o) => int64(view.getBigUint64(o, true)));
    case 'INT64': return each(8, (o) => int64(view.getBigInt64(o, true)));
    case 'FP16': return each(2, (o) => halfToNumber(view.getUint16(o, true)));
    case 'BF16': return each(2, (o) => bfloat16ToNumber(view.getUint16(o, true)));
    case 'FP32': return each(4, (o) => view.getFloat32(o, true));
    case 'FP64': return each(8, (o) => view.getFloat64(o, true));
    case 'BYTES': {
      const out: string[] = [];
      for (let o = 0; o < bytes.length; ) {
        const n = view.getUint32(o, true);
        if (o + 4 + n > bytes.length) throw new Error('struct.error: unpack_from requires a buffer of more bytes');
        out.push(bytes.subarray(o + 4, o + 4 + n).toString('utf8'));
        o += 4 + n;
      }
      return out;
    }
    default:
      throw new Error(`TypeError: data type "${datatype}" not understood`);
  }
}
