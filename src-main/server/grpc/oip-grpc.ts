import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { timingSafeEqual } from 'node:crypto';
import { isModelDeskError, type ErrorKind } from '../../core/errors.ts';
import type { Core } from '../../core/index.ts';
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
  /** when set, every call but the health checks must send `authorization: Bearer <token>` (as HTTP does off loopback) */
  requireToken?: string;
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

type Handler<Req, Res> = (request: Req, metadata: grpc.Metadata) => Res | Promise<Res>;

export async function startOipGrpcServer(core: Core, options: OipGrpcOptions): Promise<OipGrpcServer> {
  const definition = protoLoader.loadSync(options.protoPath, { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true });
  const service = (grpc.loadPackageDefinition(definition) as unknown as { inference: { GRPCInferenceService: grpc.ServiceClientConstructor } }).inference
    .GRPCInferenceService.service;
  const v2 = oipV2(core);
  const expected = options.requireToken === undefined ? null : Buffer.from(options.requireToken);

  const authorized = (metadata: grpc.Metadata): boolean => {
    if (!expected) return true;
    const match = /^Bearer\s+(.+)$/i.exec(String(metadata.get('authorization')[0] ?? ''));
    const given = Buffer.from(match?.[1]?.trim() ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  const unary =
    <Req, Res>(handler: Handler<Req, Res>, open = false): grpc.handleUnaryCall<Req, Res> =>
    (call, callback) => {
      if (!open && !authorized(call.metadata)) {
        callback({ code: grpc.status.UNAUTHENTICATED, details: 'admin token required: send metadata "authorization: Bearer <token>"' });
        return;
      }
      Promise.resolve()
        .then(() => handler(call.request, call.metadata))
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
    ServerLive: unary(() => ({ live: true }), true),
    ServerReady: unary(() => ({ ready: true }), true),
    ModelReady: unary((r: { name: string; version: string }) => ({ ready: core.health.model(v2.servingAlgorithm(r.name, version(r.version), null)).ready })),
    // binary_tensor_data is an HTTP extension: over gRPC, raw contents are the protocol's own
    ServerMetadata: unary(() => ({ ...v2.serverMetadata(), extensions: [] })),
    ModelMetadata: unary((r: { name: string; version: string }, metadata) => v2.modelMetadata(r.name, version(r.version), clientKey(metadata))),
    ModelInfer: unary(async (r: GrpcInferRequest, metadata) => {
      const answer = await v2.infer(r.model_name, version(r.model_version), inferBodyFromGrpc(r), { clientKey: clientKey(metadata) });
      return grpcFromInferAnswer(answer, (r.raw_input_contents ?? []).length > 0);
    })
  });

  const port = await new Promise<number>((resolve, reject) => {
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    server.bindAsync(`${host}:${options.port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
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
