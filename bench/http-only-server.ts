/**
 * THE CEILING (not a contender): Fastify with no model at all. It parses each JSON body and
 * answers a fixed prediction-shaped object, so its throughput is what the HTTP layer alone
 * allows on this machine with the load generator sharing the cores. No server built on
 * Fastify, ModelDesk and the baseline included, can serve more requests per second than this.
 *
 *   node --import tsx bench/http-only-server.ts [--port 0]
 *
 * Prints `http-only listening on http://127.0.0.1:<port>` once ready.
 */
import Fastify from 'fastify';
import { arg } from './helpers.ts';

const app = Fastify({ logger: false });

app.post('/api/v1/:name/predict', async (request, reply) => {
  const record = request.body;
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    return reply.code(400).send({ status: 'Error', message: 'body must be one JSON record' });
  }
  return { probability: 0.5, label: '<=50K', status: 'OK' };
});

await app.listen({ host: '127.0.0.1', port: Number(arg('--port') ?? 0) });
const address = app.server.address();
console.log(`http-only listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);

const stop = async () => {
  await app.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
