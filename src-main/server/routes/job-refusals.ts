import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { Core } from '../../core/index.ts';
import { refusalReasonOf } from '../prediction-accounting.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** a route that asks for predictions as a job (POST /jobs, /jobs/replay): a 4xx is a refused prediction */
    jobRequest?: boolean;
  }
}

/** The endpoint a job request named, once its handler has read it (a multipart field comes late). */
const named = new WeakMap<FastifyRequest, string>();
const errors = new WeakMap<FastifyRequest, unknown>();

export function nameJobEndpoint(request: FastifyRequest, endpoint: string | undefined): void {
  if (typeof endpoint === 'string' && endpoint !== '') named.set(request, endpoint);
}

/**
 * A refused job request is counted with the refused predictions (issue 12 §6, core.refusals),
 * by endpoint and reason, as predict and v2 infer count theirs: a refused job is the refusal of
 * every row it would have scored, counted once. Jobs are not prediction routes otherwise (their
 * rows are summarised by the job, not counted per call).
 */
export function countJobRefusals(app: FastifyInstance, core: Core): void {
  app.addHook('onError', async (request, _reply, error: FastifyError) => {
    if (request.routeOptions.config.jobRequest === true) errors.set(request, error);
  });
  app.addHook('onResponse', async (request, reply) => {
    const status = reply.statusCode;
    if (request.routeOptions.config.jobRequest !== true || status < 400 || status >= 500) return;
    const body = request.body as { endpoint?: unknown } | undefined;
    const name = named.get(request) ?? (typeof body?.endpoint === 'string' ? body.endpoint : null);
    const endpoint = name === null ? undefined : core.registry.findEndpointByName(name);
    core.refusals.record({
      endpoint: endpoint ? { id: endpoint.id, name: endpoint.name } : null,
      algorithm: null,
      reason: refusalReasonOf(status, errors.get(request)),
      status
    });
  });
}
