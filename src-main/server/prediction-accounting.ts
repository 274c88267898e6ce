import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { RefusalReason } from '../contract/enums.ts';
import { isModelDeskError } from '../core/errors.ts';
import type { Core, Selection } from '../core/index.ts';
import { SelectionError } from '../core/serving/algorithm-selector.ts';
import type { Algorithm } from '../core/registry/types.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** a prediction route (classic predict, v2 infer): every answer is counted, every 4xx as a refusal */
    prediction?: boolean;
  }
}

/** What a prediction route learned about its call, for counting it once it is answered. */
interface CallState {
  algorithm: Algorithm | null;
  error: unknown;
  /** set when the answer is not a success although its status is (a failed model run) */
  failure: string | null;
  refusal: RefusalReason | null;
}

const calls = new WeakMap<FastifyRequest, CallState>();

function stateOf(request: FastifyRequest): CallState {
  let state = calls.get(request);
  if (!state) calls.set(request, (state = { algorithm: null, error: null, failure: null, refusal: null }));
  return state;
}

/** The options a prediction route passes to core.infer: the chosen algorithm is remembered for the count. */
export const selectionObserver = (request: FastifyRequest) => (selection: Selection) => {
  stateOf(request).algorithm = selection.algorithm;
};

/** A refusal answered by a hook rather than thrown (security's 400/401/403). */
export function markRefusal(request: FastifyRequest, reason: RefusalReason): void {
  stateOf(request).refusal = reason;
}

/** The call failed although it was answered (the classic API answers a failed model run with 200). */
export function markFailure(request: FastifyRequest, reason: string): void {
  stateOf(request).failure = reason;
}

/** Why a 4xx refused a prediction, from the error that caused it. */
export function refusalReasonOf(status: number, error: unknown): RefusalReason {
  if (status === 401 || status === 403) return 'auth';
  if (status === 413) return 'too_large';
  if (status === 415) return 'unsupported_media_type';
  const selection = error instanceof SelectionError ? error : (error as { cause?: unknown } | null)?.cause;
  if (selection instanceof SelectionError) return selection.failure === 'no_endpoint' ? 'unknown_endpoint' : 'no_algorithm';
  if (isModelDeskError(error) && error.kind === 'unavailable') return 'no_algorithm';
  return 'validation';
}

/**
 * Counts every answer (issue 14 "Prometheus", issue 12 §6): all HTTP requests by route and
 * status; prediction requests by outcome with their end-to-end time; each refused prediction
 * (4xx) in the core's per-minute refusal table, by endpoint, algorithm (when one was chosen)
 * and reason.
 */
export function installPredictionAccounting(app: FastifyInstance, core: Core): void {
  app.addHook('onError', async (request, _reply, error: FastifyError) => {
    if (request.routeOptions.config.prediction === true) stateOf(request).error = error;
  });

  app.addHook('onResponse', async (request, reply) => {
    core.metrics.recordHttp(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode);
    if (request.routeOptions.config.prediction !== true) return;
    const state = stateOf(request);
    const status = reply.statusCode;
    const seconds = reply.elapsedTime / 1000;
    const algorithm = state.algorithm;
    // the endpoint by its name only when no algorithm was chosen (a lookup the answered calls skip)
    const named = algorithm ? { id: algorithm.endpointId, name: algorithm.endpointName } : endpointNamed(core, request);
    const endpointName = named?.name ?? null;
    if (status >= 400 && status < 500) {
      const reason = state.refusal ?? refusalReasonOf(status, state.error);
      core.refusals.record({ endpoint: named, algorithm, reason, status });
      core.metrics.recordRequest({ endpoint: endpointName, algorithm, outcome: 'refused', reason, seconds });
    } else if (status >= 500 || state.failure !== null) {
      core.metrics.recordRequest({ endpoint: endpointName, algorithm, outcome: 'error', reason: state.failure ?? 'internal', seconds });
    } else {
      core.metrics.recordRequest({ endpoint: endpointName, algorithm, outcome: 'success', seconds });
    }
  });
}

/** The endpoint a prediction path names (classic `:endpoint_name`, v2 `:name`), when it exists. */
function endpointNamed(core: Core, request: FastifyRequest): { id: number; name: string } | null {
  const params = (request.params ?? {}) as Record<string, unknown>;
  const name = params.endpoint_name ?? params.name;
  if (typeof name !== 'string') return null;
  const endpoint = core.registry.findEndpointByName(name);
  return endpoint ? { id: endpoint.id, name: endpoint.name } : null;
}
