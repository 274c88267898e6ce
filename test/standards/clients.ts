import { request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import { deflateSync, gzipSync } from 'node:zlib';
import { encodeTensorBytes, type OipDatatype } from '../../src-main/server/oip/binary-tensors.ts';
import { dumpsRapidjson, dumpsOrjson, PyFloat, type PyJson } from './python-json.ts';

/**
 * HTTP requests exactly as tritonclient.http and KServe's InferenceRESTClient build them (read
 * from the copies beside this file; CLIENTS.md cites the lines), for tests against a real
 * ModelDesk. A builder returns the method, path, headers and body bytes; `send` puts them on
 * the wire with node:http, adding only Host and Content-Length (as both clients' HTTP
 * libraries do): fetch() would add headers of its own, and text/plain for string bodies.
 * The tritonclient builder is byte-for-byte the library (clients.test.ts holds it to the bytes
 * the real code produced); the KServe one has KServe's structure and headers, with number
 * formatting approximated (orjson is not runnable here).
 */

export interface ClientTensor {
  name: string;
  datatype: OipDatatype;
  shape: number[];
  /** row-major, flat */
  data: readonly (number | bigint | boolean | string | Uint8Array)[];
  /** send as binary data after the JSON header (both clients' default for numpy: true) */
  binary?: boolean;
}
export interface HttpRequestSpec {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

const floatTypes = new Set<OipDatatype>(['FP16', 'BF16', 'FP32', 'FP64']);
/** JSON `data` as Python's `[val.item() for val in tensor.flatten()]` makes it: floats stay floats. */
const jsonData = (t: ClientTensor): PyJson[] =>
  t.data.map((v) => {
    if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
    if (typeof v === 'bigint') return v;
    return typeof v === 'number' && floatTypes.has(t.datatype) ? new PyFloat(v) : v;
  });
const binaryData = (t: ClientTensor): Buffer => encodeTensorBytes(t.data, t.datatype, `input "${t.name}"`);
/** Python's urllib.parse.quote (safe '/'), which both clients apply to model names. */
const quote = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replaceAll('%2F', '/');

/** geventhttpclient's own header (geventhttpclient/client.py:55); Host and Content-Length come from send(). */
export const geventUserAgent = 'python/gevent-http-client-2.3.8';

export interface TritonInferOptions {
  model: string;
  version?: string;
  inputs: ClientTensor[];
  /** InferRequestedOutput(name, binary_data=True, class_count=0) */
  outputs?: { name: string; binary?: boolean; classCount?: number }[];
  requestId?: string;
  sequenceId?: number | string;
  sequenceStart?: boolean;
  sequenceEnd?: boolean;
  priority?: number;
  timeout?: number;
  parameters?: Record<string, PyJson>;
  requestCompression?: 'gzip' | 'deflate';
  responseCompression?: 'gzip' | 'deflate';
}

/** tritonclient.http.InferenceServerClient (test/standards/third_party/tritonclient/http/_client.py). */
export const tritonclient = {
  /** infer(): _client.py:1428-1484 with _utils.py:90-151, _infer_input.py:106-272, _requested_output.py:51-117 */
  infer(o: TritonInferOptions): HttpRequestSpec {
    const request: Record<string, PyJson> = {};
    const parameters: Record<string, PyJson> = {};
    if (o.requestId) request.id = o.requestId;
    if (o.sequenceId !== undefined && o.sequenceId !== 0 && o.sequenceId !== '') {
      Object.assign(parameters, { sequence_id: o.sequenceId, sequence_start: !!o.sequenceStart, sequence_end: !!o.sequenceEnd });
    }
    if (o.priority) parameters.priority = o.priority;
    if (o.timeout !== undefined) parameters.timeout = o.timeout;
    request.inputs = o.inputs.map((t) => {
      const tensor: Record<string, PyJson> = { name: t.name, shape: t.shape, datatype: t.datatype };
      if (t.binary ?? true) tensor.parameters = { binary_data_size: binaryData(t).length };
      else tensor.data = jsonData(t);
      return tensor;
    });
    if (o.outputs?.length) {
      request.outputs = o.outputs.map((out) => ({
        name: out.name,
        parameters: { ...(out.classCount ? { classification: out.classCount } : {}), binary_data: out.binary ?? true }
      }));
    } else {
      parameters.binary_data_output = true; // _utils.py:119-122: no outputs named → all binary
    }
    Object.assign(parameters, o.parameters ?? {});
    if (Object.keys(parameters).length > 0) request.parameters = parameters;

    const json = Buffer.from(dumpsRapidjson(request), 'latin1'); // ASCII only: ensure_ascii
    const blobs = o.inputs.filter((t) => t.binary ?? true).map(binaryData);
    let body = Buffer.concat([json, ...blobs]);
    const headers: Record<string, string> = { 'User-Agent': geventUserAgent };
    if (o.requestCompression === 'gzip') {
      headers['Content-Encoding'] = 'gzip';
      body = gzipSync(body);
    } else if (o.requestCompression === 'deflate') {
      headers['Content-Encoding'] = 'deflate';
      body = deflateSync(body); // zlib.compress: the zlib format
    }
    if (o.responseCompression) headers['Accept-Encoding'] = o.responseCompression;
    if (blobs.length > 0) headers['Inference-Header-Content-Length'] = String(json.length);
    const model = quote(o.model);
    const path = o.version ? `/v2/models/${model}/versions/${o.version}/infer` : `/v2/models/${model}/infer`;
    return { method: 'POST', path, headers, body };
  },
  /** is_server_live/ready, get_server_metadata, get_model_metadata, is_model_ready: GET, no body */
  get(what: 'live' | 'ready' | 'server' | { model: string; version?: string; ready?: boolean }): HttpRequestSpec {
    const path =
      what === 'live'
        ? '/v2/health/live'
        : what === 'ready'
          ? '/v2/health/ready'
          : what === 'server'
            ? '/v2'
            : `/v2/models/${quote(what.model)}${what.version ? `/versions/${what.version}` : ''}${what.ready ? '/ready' : ''}`;
    return { method: 'GET', path, headers: { 'User-Agent': geventUserAgent } };
  }
};

/** httpx's default headers (httpx 0.2x: _client.py/_models.py), as InferenceRESTClient sends them. */
export const httpxDefaultHeaders = {
  accept: '*/*',
  'accept-encoding': 'gzip, deflate',
  connection: 'keep-alive',
  'user-agent': 'python-httpx/0.28.1'
};

export interface KServeInferOptions {
  model: string;
  inputs: ClientTensor[];
  outputs?: { name: string; parameters?: Record<string, PyJson> }[];
  /** InferRequest(request_id=None) → a uuid4 (infer_type.py:774) */
  id?: string;
  parameters?: Record<string, PyJson>;
  /** before v0.20 a JSON body went without Content-Type (inference_client.v0.19.0.py:498) */
  release?: 'v0.19' | 'v0.20';
}

/** KServe's InferenceRESTClient with RESTConfig(protocol="v2") (test/standards/third_party/kserve/inference_client.py). */
export const kserve = {
  /** infer(): inference_client.py:477-505 with InferRequest.to_rest, protocol/infer_type.py:717-789 */
  infer(o: KServeInferOptions): HttpRequestSpec {
    const inputs = o.inputs.map((t) => {
      // binary opt-in: InferInput(data=[…]) goes as JSON; set_data_from_numpy(arr) defaults to binary (infer_type.py:260)
      const binary = t.binary ?? false;
      const tensor: Record<string, PyJson> = { name: t.name, shape: t.shape, datatype: t.datatype };
      if (binary) tensor.parameters = { binary_data_size: binaryData(t).length };
      else tensor.data = jsonData(t);
      return tensor;
    });
    const request: Record<string, PyJson> = { id: o.id ?? randomUUID(), model_name: o.model, inputs };
    if (o.outputs?.length) {
      request.outputs = o.outputs.map((out): PyJson => (out.parameters ? { name: out.name, parameters: out.parameters } : { name: out.name }));
    }
    if (o.parameters && Object.keys(o.parameters).length > 0) request.parameters = o.parameters;
    const json = Buffer.from(dumpsOrjson(request), 'utf8');
    const blobs = o.inputs.filter((t) => t.binary).map(binaryData);
    const headers: Record<string, string> = { ...httpxDefaultHeaders };
    if (blobs.length > 0) {
      headers['inference-header-content-length'] = String(json.length);
      headers['content-type'] = 'application/octet-stream';
    } else if ((o.release ?? 'v0.20') === 'v0.20') {
      headers['content-type'] = 'application/json';
    }
    return { method: 'POST', path: `/v2/models/${o.model}/infer`, headers, body: Buffer.concat([json, ...blobs]) };
  },
  /** is_server_live/ready, is_model_ready (v2) */
  get(what: 'live' | 'ready' | { model: string }): HttpRequestSpec {
    const path = what === 'live' ? '/v2/health/live' : what === 'ready' ? '/v2/health/ready' : `/v2/models/${what.model}/ready`;
    return { method: 'GET', path, headers: { ...httpxDefaultHeaders } };
  }
};

export interface RawResponse {
  status: number;
  statusMessage: string;
  /** lower-case names */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Send a built request to `baseUrl` (http://127.0.0.1:port) with exactly its headers, plus Host and Content-Length. */
export function send(baseUrl: string, spec: HttpRequestSpec, extraHeaders: Record<string, string> = {}): Promise<RawResponse> {
  const url = new URL(spec.path, baseUrl);
  const headers: Record<string, string> = { Host: url.host, ...spec.headers, ...extraHeaders };
  if (spec.body) headers['Content-Length'] = String(spec.body.length);
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: spec.method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, statusMessage: res.statusMessage ?? '', headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(spec.body);
  });
}

export { tritonRead, kserveRead, type ClientOutput, type ClientResult } from './client-readers.ts';
