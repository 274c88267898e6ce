import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureModel, repoRoot } from '../../../test/fixtures/index.ts';
import { startTestServer, testToken, type TestServer } from '../../../test/helpers/server.ts';

/**
 * Open Inference v2 over gRPC takes the HTTP server's credentials, through the same route table
 * (issue 17 with issue 19 §4): each method answers as its HTTP twin would, in gRPC status codes.
 */
const proto = join(repoRoot, 'test/standards/open-inference-protocol/open_inference_grpc.proto');
const Service = (grpc.loadPackageDefinition(protoLoader.loadSync(proto, { keepCase: true, longs: Number, defaults: true, oneofs: true })) as any).inference
  .GRPCInferenceService as grpc.ServiceClientConstructor;
type Client = grpc.Client & Record<string, (r: object, m: grpc.Metadata, o: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: any) => void) => void>;

const irisInfer = { model_name: 'iris', inputs: [{ name: 'float_input', datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: [5.1, 3.5, 1.4, 0.2] } }] };
const bearer = (credential?: string) => {
  const metadata = new grpc.Metadata();
  if (credential) metadata.set('authorization', `Bearer ${credential}`);
  return metadata;
};
/** the answer, or the status code of the refusal */
const ask = (client: Client, method: string, request: object, credential?: string) =>
  new Promise<any>((resolve) => client[method]!(request, bearer(credential), { deadline: Date.now() + 20_000 }, (err, res) => resolve(err ? err.code : res)));

async function keyOf(server: TestServer, body: object): Promise<{ id: number; key: string }> {
  const res = await server.json('/api/v1/keys', { method: 'POST', admin: true, json: body });
  expect(res.status).toBe(201);
  return res.body;
}

describe('gRPC access, strict mode (the same rules as HTTP)', () => {
  let server: TestServer;
  let client: Client;
  beforeAll(async () => {
    server = await startTestServer({ grpcPort: 0, strict: true });
    await server.core.registry.register({ file: fixtureModel('iris_lr'), endpoint: 'iris', name: 'lr', version: '1', status: 'production' });
    client = new Service(`127.0.0.1:${server.grpcPort}`, grpc.credentials.createInsecure()) as Client;
  });
  afterAll(async () => {
    client?.close();
    await server?.stop();
  });

  it('answers health without a credential, and nothing else', async () => {
    expect(await ask(client, 'ServerLive', {})).toEqual({ live: true });
    expect(await ask(client, 'ServerReady', {})).toEqual({ ready: true });
    expect(await ask(client, 'ServerMetadata', {})).toBe(grpc.status.UNAUTHENTICATED);
    expect(await ask(client, 'ModelReady', { name: 'iris', version: '' })).toBe(grpc.status.UNAUTHENTICATED);
    expect(await ask(client, 'ModelInfer', irisInfer)).toBe(grpc.status.UNAUTHENTICATED);
    expect(await ask(client, 'ModelInfer', irisInfer, 'wrong')).toBe(grpc.status.UNAUTHENTICATED);
  });

  it('takes the admin token and predict keys for inference, records the key, and refuses other scopes and endpoints', async () => {
    expect(await ask(client, 'ModelReady', { name: 'iris', version: '' }, testToken)).toEqual({ ready: true });
    const predict = await keyOf(server, { name: 'grpc client', scope: 'predict' });
    const answer = await ask(client, 'ModelInfer', irisInfer, predict.key);
    expect(answer.model_name).toBe('iris');
    const id = Number(answer.parameters.request_ids.string_param.split(',')[0]);
    expect((await server.json(`/api/v1/mlrequests/${id}`, { admin: true })).body.api_key).toBe(predict.id);
    expect(await ask(client, 'ModelMetadata', { name: 'iris', version: '' }, predict.key)).toMatchObject({ name: 'iris' });

    const read = await keyOf(server, { name: 'grpc reader', scope: 'read' });
    expect(await ask(client, 'ModelInfer', irisInfer, read.key)).toBe(grpc.status.PERMISSION_DENIED);
    const incomeOnly = await keyOf(server, { name: 'grpc income', scope: 'predict', endpoints: ['income_classifier'] });
    expect(await ask(client, 'ModelInfer', irisInfer, incomeOnly.key)).toBe(grpc.status.PERMISSION_DENIED);
    expect(await ask(client, 'ModelReady', { name: 'income_classifier', version: '' }, incomeOnly.key)).toEqual({ ready: true });
  });

  it('refuses a revoked key from its next call, and a key over its rate limit', async () => {
    const key = await keyOf(server, { name: 'grpc revoked', scope: 'predict' });
    expect(await ask(client, 'ModelReady', { name: 'iris', version: '' }, key.key)).toEqual({ ready: true });
    expect((await server.json(`/api/v1/keys/${key.id}`, { method: 'DELETE', admin: true })).status).toBe(200);
    expect(await ask(client, 'ModelReady', { name: 'iris', version: '' }, key.key)).toBe(grpc.status.UNAUTHENTICATED);

    const slow = await keyOf(server, { name: 'grpc slow', scope: 'predict', rate_limit: 0.001 });
    expect(await ask(client, 'ModelReady', { name: 'iris', version: '' }, slow.key)).toEqual({ ready: true });
    expect(await ask(client, 'ModelReady', { name: 'iris', version: '' }, slow.key)).toBe(grpc.status.RESOURCE_EXHAUSTED);
  });
});

describe('gRPC access on loopback (the default)', () => {
  let server: TestServer;
  let client: Client;
  beforeAll(async () => {
    server = await startTestServer({ grpcPort: 0, seed: false });
    await server.core.registry.register({ file: fixtureModel('iris_lr'), endpoint: 'iris', name: 'lr', version: '1', status: 'production' });
    client = new Service(`127.0.0.1:${server.grpcPort}`, grpc.credentials.createInsecure()) as Client;
  });
  afterAll(async () => {
    client?.close();
    await server?.stop();
  });

  it('needs no credential for inference, as the HTTP predict routes, but refuses a wrong one', async () => {
    expect((await ask(client, 'ModelInfer', irisInfer)).model_name).toBe('iris');
    expect(await ask(client, 'ModelInfer', irisInfer, 'mdk_not-a-key')).toBe(grpc.status.UNAUTHENTICATED);
  });
});

describe('gRPC access in LAN mode', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ grpcPort: 0, lan: true, seed: false });
    await server.core.registry.register({ file: fixtureModel('iris_lr'), endpoint: 'iris', name: 'lr', version: '1', status: 'production' });
  });
  afterAll(() => server?.stop());

  it('speaks TLS with the HTTPS certificate, verified against the local CA, and needs a credential', async () => {
    const secure = new Service(`127.0.0.1:${server.grpcPort}`, grpc.credentials.createSsl(Buffer.from(server.tls!.ca!.pem))) as Client;
    const plain = new Service(`127.0.0.1:${server.grpcPort}`, grpc.credentials.createInsecure()) as Client;
    try {
      expect(await ask(secure, 'ServerLive', {})).toEqual({ live: true });
      expect(await ask(secure, 'ModelInfer', irisInfer)).toBe(grpc.status.UNAUTHENTICATED);
      expect((await ask(secure, 'ModelInfer', irisInfer, testToken)).model_name).toBe('iris');
      // plaintext is not served: a key never crosses the network readable
      expect(await ask(plain, 'ServerLive', {})).toBe(grpc.status.UNAVAILABLE);
    } finally {
      secure.close();
      plain.close();
    }
  });
});
