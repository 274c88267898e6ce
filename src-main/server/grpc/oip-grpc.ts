import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { isModelDeskError, type ErrorKind } from '../../core/errors.ts';
import type { Core } from '../../core/index.ts';
import type { AccessMode } from '../../contract/access.ts';
import { authorize } from '../access/authorize.ts';
import type { CredentialReader } from '../access/credentials.ts';
import { ruleOf, type RouteRule } from '../access/route-table.ts';
import { oipV2 } from '../oip/v2-service.ts';
import { grpcFromInferAnswer, inferBodyFromGrpc, type GrpcInferRequest } from './grpc-tensors.ts';

/**
 * Open Inference Protocol v2 over gRPC (issue 19 §4): `inference.GRPCInferenceService` from
 * KServe's grpc_predict_v2.proto (proto/, a verbatim copy of the Open Inference Protocol's
 * open_inference_grpc.proto), on a port of its own, off unless `serve --grpc-port P`. Every
 * call goes through the same v2 service as the REST routes, so inference is core.infer:
 * routing, A/B tests, validation, batching and the request log are the same.
 */

export interface OipGrpcOptions {
  host: string;
  /** 0 = any free port */
  port: number;
  /** path of grpc_predict_v2.proto */
  protoPath: string;
  /**
   * Who may call what: the HTTP server's credentials (admin token, API keys) and its protection
   * mode, applied through the same route table (each method is its HTTP route's twin, below)
   */
  access: { credentials: CredentialReader; mode: () => AccessMode };
  /** the HTTP server's certificate when it serves HTTPS (LAN mode): gRPC is then TLS too */
  tls?: { key: string; cert: string } | null;
  /** largest request accepted, bytes (default 16 MiB, as the HTTP body limit) */
  maxMessageBytes?: number;
}

export interface OipGrpcServer {
  port: number;
  close(): Promise<void>;
}

/** A domain error's gRPC status, as the HTTP routes map it to a status code. */
const codeOf: Record<ErrorKind, grpc.status> = {
  invalid_input: grpc.status.INVALID_ARGUMENT,
  not_found: grpc.status.NOT_FOUND,
  conflict: grpc.status.FAILED_PRECONDITION,
  unavailable: grpc.status.UNAVAILABLE,
  too_large: grpc.status.RESOURCE_EXHAUSTED,
  insufficient_storage: grpc.status.RESOURCE_EXHAUSTED,
  storage_unavailable: grpc.status.UNAVAILABLE,
  storage_busy: grpc.status.UNAVAILABLE
};

function asServiceError(err: unknown): Partial<grpc.StatusObject> {
  if (isModelDeskError(err)) return { code: codeOf[err.kind], details: err.message };
  console.error('modeldesk: gRPC call failed:', err);
  return { code: grpc.status.INTERNAL, details: 'Internal Server Error' };
}

type Handler<Req, Res> = (request: Req, metadata: grpc.Metadata, credential: { apiKeyId: number | null }) => Res | Promise<Res>;

/**
 * Each method of the service is the twin of an Open Inference v2 HTTP route, whose rule in the
 * access table it takes (so a credential reaches the same calls over both), with the endpoint
 * the call names for predict keys limited to some endpoints.
 */
const httpTwins: Record<string, { route: string; endpoint?: (request: Record<string, unknown>) => unknown }> = {
  ServerLive: { route: 'GET /v2/health/live' },
  ServerReady: { route: 'GET /v2/health/ready' },
  ServerMetadata: { route: 'GET /v2' },
  ModelReady: { route: 'GET /v2/models/:name/ready', endpoint: (r) => r.name },
  ModelMetadata: { route: 'GET /v2/models/:name', endpoint: (r) => r.name },
  ModelInfer: { route: 'POST /v2/models/:name/infer', endpoint: (r) => r.model_name }
};

/** A method without a twin takes the table's rule for an unknown route: admin only (deny by default). */
function ruleOfMethod(method: string): RouteRule {
  const twin = httpTwins[method]?.route ?? `POST /grpc/${method}`;
  const [verb, url] = twin.split(' ') as [string, string];
  return ruleOf(verb, url);
}

/** An HTTP refusal's gRPC status. */
const refusalCodes = { 401: grpc.status.UNAUTHENTICATED, 403: grpc.status.PERMISSION_DENIED, 429: grpc.status.RESOURCE_EXHAUSTED } as const;

/** `ipv4:1.2.3.4:5678`, `ipv6:[::1]:5678` or `1.2.3.4:5678` → the address (a key's last use) */
function peerAddress(peer: string): string | null {
  const bare = peer.replace(/^ipv[46]:/, '');
  const match = /^\[?([^\]]+?)\]?:\d+$/.exec(bare);
  return match?.[1] ?? (bare || null);
}

export async function startOipGrpcServer(core: Core, options: OipGrpcOptions): Promise<OipGrpcServer> {
  const definition = protoLoader.loadSync(options.protoPath, { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true });
  const service = (grpc.loadPackageDefinition(definition) as unknown as { inference: { GRPCInferenceService: grpc.ServiceClientConstructor } }).inference
    .GRPCInferenceService.service;
  const v2 = oipV2(core);
  const { credentials, mode } = options.access;

  const unary =
    <Req, Res>(method: string, handler: Handler<Req, Res>): grpc.handleUnaryCall<Req, Res> =>
    (call, callback) => {
      const rule = ruleOfMethod(method);
      const authorization = call.metadata.get('authorization')[0];
      const decision = authorize(core, {
        rule,
        mode: mode(),
        presented: rule.class === 'public' ? { kind: 'none' } : credentials.check(authorization === undefined ? undefined : String(authorization), peerAddress(call.getPeer())),
        endpoint: () => {
          const name = httpTwins[method]?.endpoint?.(call.request as Record<string, unknown>);
          return typeof name === 'string' ? name : undefined;
        }
      });
      if (!decision.allowed) {
        const retry = decision.retryAfter === undefined ? '' : ` (retry after ${decision.retryAfter} s)`;
        callback({ code: refusalCodes[decision.status], details: `${decision.message.replace('"Authorization: Bearer', 'metadata "authorization: Bearer')}${retry}` });
        return;
      }
      const credential = { apiKeyId: decision.credential?.keyId ?? null };
      Promise.resolve()
        .then(() => handler(call.request, call.metadata, credential))
        .then((response) => callback(null, response), (err: unknown) => callback(asServiceError(err)));
    };
  const clientKey = (metadata: grpc.Metadata) => {
    const key = metadata.get('x-client-key')[0];
    return key === undefined ? null : String(key).slice(0, 256);
  };
  const version = (v: string) => (v === '' ? undefined : v);

  const server = new grpc.Server({
    'grpc.max_receive_message_length': options.maxMessageBytes ?? 16 * 1024 * 1024,
    'grpc.max_send_message_length': -1
  });
  server.addService(service, {
    ServerLive: unary('ServerLive', () => ({ live: true })),
    ServerReady: unary('ServerReady', () => ({ ready: true })),
    ModelReady: unary('ModelReady', (r: { name: string; version: string }) => ({ ready: core.health.model(v2.servingAlgorithm(r.name, version(r.version), null)).ready })),
    // binary_tensor_data is an HTTP extension: over gRPC, raw contents are the protocol's own
    ServerMetadata: unary('ServerMetadata', () => ({ ...v2.serverMetadata(), extensions: [] })),
    ModelMetadata: unary('ModelMetadata', (r: { name: string; version: string }, metadata) => v2.modelMetadata(r.name, version(r.version), clientKey(metadata))),
    ModelInfer: unary('ModelInfer', async (r: GrpcInferRequest, metadata, credential) => {
      const answer = await v2.infer(r.model_name, version(r.model_version), inferBodyFromGrpc(r), { clientKey: clientKey(metadata), apiKeyId: credential.apiKeyId });
      return grpcFromInferAnswer(answer, (r.raw_input_contents ?? []).length > 0);
    })
  });

  const port = await new Promise<number>((resolve, reject) => {
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    const tls = options.tls ? grpc.ServerCredentials.createSsl(null, [{ private_key: Buffer.from(options.tls.key), cert_chain: Buffer.from(options.tls.cert) }], false) : null;
    server.bindAsync(`${host}:${options.port}`, tls ?? grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
  });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        // in-flight calls finish; a call that hangs does not keep the process up
        const timer = setTimeout(() => server.forceShutdown(), 5000);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      })
  };
}
