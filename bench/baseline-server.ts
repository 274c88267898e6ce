/**
 * THE BASELINE (not ModelDesk): the minimal way to serve the model with Fastify and
 * onnxruntime-node. One model, one InferenceSession, one `session.run` per request, no
 * request log, no registry, no routing, no batching. ModelDesk's throughput targets are
 * ratios against this server.
 *
 *   node --import tsx bench/baseline-server.ts [--port 0] [--threads N]
 *
 * Prints `baseline listening on http://127.0.0.1:<port>` once ready.
 *
 * Stock onnxruntime-node cannot return skl2onnx's ZipMap output, so at start-up the baseline
 * borrows ModelDesk's ZipMap rewrite to get a runnable graph (the same graph ModelDesk runs);
 * everything on the request path is plain Fastify + onnxruntime-node.
 */
import Fastify from 'fastify';
import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import { inspectModel } from '../src-main/core/inference/index.ts';
import { arg, modelPath } from './helpers.ts';

const threads = Number(arg('--threads') ?? 0);
const port = Number(arg('--port') ?? 0);

const { signature, runnable } = inspectModel(readFileSync(modelPath));
const session = await ort.InferenceSession.create(runnable, {
  logSeverityLevel: 3,
  ...(threads ? { intraOpNumThreads: threads } : {})
});
// the classic tutorial's clients send hyphenated keys (education-num for input education_num)
const inputs = signature.inputs.map((i) => ({ name: i.name, alt: i.name.replace(/_/g, '-'), isString: i.type === 'string' }));
const fetches = ['output_label', signature.probabilityOutput!];

const app = Fastify({ logger: false });

app.post<{ Params: { name: string } }>('/api/v1/:name/predict', async (request, reply) => {
  const record = request.body as Record<string, unknown>;
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    return reply.code(400).send({ status: 'Error', message: 'body must be one JSON record' });
  }
  const feeds: Record<string, ort.Tensor> = {};
  for (const { name, alt, isString } of inputs) {
    const value = name in record ? record[name] : record[alt];
    if (value === undefined) return reply.code(400).send({ status: 'Error', message: `missing field "${name}"` });
    feeds[name] = isString
      ? new ort.Tensor('string', [String(value ?? '')], [1, 1])
      : new ort.Tensor('float32', Float32Array.of(Number(value)), [1, 1]);
  }
  const out = await session.run(feeds, fetches);
  const probabilities = out[fetches[1]!]!.data as Float32Array;
  return { probability: probabilities[1], label: (out.output_label!.data as string[])[0], status: 'OK' };
});

await app.listen({ host: '127.0.0.1', port });
const address = app.server.address();
console.log(`baseline listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`);

const stop = async () => {
  await app.close();
  await session.release();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
