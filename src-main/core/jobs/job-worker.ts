/**
 * The job worker thread's entry (started by job-workers.ts, never imported by the core): it holds
 * OnnxModel copies of the models a job runs and scores whole chunks, reading, validating,
 * running, decoding and writing them here, so that a job's per-row work uses this core and the
 * serving thread keeps answering the online API. The model's validate/run/decode are the online
 * API's own (OnnxModel), so a job's answers are the API's answers.
 *
 * Protocol (WorkerChannel): every message `{ id, op, … }` is answered `{ id, error? , … }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { OnnxModel, type ModelOptions, type ModelSignature, type ValidRecord } from '../inference/index.ts';
import { scoreChunk, type ChunkSpec } from './chunk-scorer.ts';
import { replayChunk, timeSingleRuns } from './replay/replay-scoring.ts';

type Message =
  | { id: number; op: 'load'; key: string; signature: ModelSignature; runnable: Uint8Array; options: ModelOptions }
  | { id: number; op: 'release'; key: string }
  | { id: number; op: 'score'; key: string; spec: ChunkSpec; bytes: Uint8Array }
  | { id: number; op: 'replay'; key: string; inputs: string[] }
  | { id: number; op: 'time'; keys: string[]; inputs: string[] };

const models = new Map<string, OnnxModel>();

function model(key: string): OnnxModel {
  const found = models.get(key);
  if (!found) throw new Error(`the job worker has no model ${key}`);
  return found;
}

async function handle(message: Message): Promise<{ reply: Record<string, unknown>; transfer?: ArrayBuffer[] }> {
  switch (message.op) {
    case 'load':
      if (!models.has(message.key)) {
        models.set(message.key, await OnnxModel.loadInspected({ signature: message.signature, runnable: message.runnable }, message.options));
      }
      return { reply: {} };
    case 'release':
      await models.get(message.key)?.close();
      models.delete(message.key);
      return { reply: {} };
    case 'score': {
      const scored = await scoreChunk(model(message.key), message.spec, message.bytes);
      const output = scored.output.buffer as ArrayBuffer;
      // the result crosses back without a copy (a Buffer of its own, so its whole ArrayBuffer)
      const own = scored.output.byteOffset === 0 && scored.output.byteLength === output.byteLength;
      const bytes = own ? scored.output : new Uint8Array(scored.output);
      return { reply: { records: scored.records, output: bytes, failures: scored.failures }, transfer: [bytes.buffer as ArrayBuffer] };
    }
    case 'replay':
      return { reply: { ...(await replayChunk(model(message.key), message.inputs)) } };
    case 'time':
      return { reply: { microseconds: await timeSingleRuns(message.keys.map(model), message.inputs) } };
  }
}

if (parentPort && (workerData as { jobWorker?: boolean } | undefined)?.jobWorker) {
  const port = parentPort;
  port.on('message', (message: Message) => {
    handle(message).then(
      ({ reply, transfer }) => port.postMessage({ id: message.id, ...reply }, transfer ?? []),
      (err: unknown) => port.postMessage({ id: message.id, error: String((err as Error)?.message ?? err) })
    );
  });
}

export type { ValidRecord };
