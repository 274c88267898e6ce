import type { FastifyRequest } from 'fastify';
import type { KeyScope } from '../../contract/access.ts';
import type { Core } from '../../core/index.ts';

/**
 * Who may call each route: THE table (issue 17 §1, DESIGN §4.4). The access hook (security.ts)
 * reads nothing else, and a route that is not here needs an admin credential in every mode, so
 * forgetting a route closes it rather than opening it. route-access.test.ts enumerates every
 * route Fastify has registered and fails, naming them, for routes missing here.
 *
 *   public  no credential in any mode: health, the app's own files, the local CA certificate
 *   open    no credential on loopback (the default): the tutorial's clients and a local
 *           Prometheus keep working; in strict and LAN mode a credential with `scope`
 *   key     a credential with `scope` in every mode
 *
 * A credential that is presented is always checked, even on an open route: a wrong, revoked or
 * expired one is a 401 and one without the scope a 403, so a client never believes a dead key
 * works, and a prediction made with a key is recorded as that key's.
 */
export type RouteClass = 'public' | 'open' | 'key';

/** the endpoint a request concerns, for predict keys limited to some endpoints */
export type EndpointOf = (request: FastifyRequest, core: Core) => string | undefined;

export interface RouteRule {
  class: RouteClass;
  /** what a credential must allow here (contract/access.ts scopeAllows); public routes ignore it */
  scope: KeyScope;
  endpoint?: EndpointOf;
  /** a GET that also opens with a one-time download ticket (download-tickets.ts) */
  ticket?: boolean;
  /** set only on the rule given to a route missing from the table */
  unclassified?: true;
}

const param =
  (name: string): EndpointOf =>
  (request) => {
    const value = (request.params as Record<string, unknown> | undefined)?.[name];
    return typeof value === 'string' ? value : undefined;
  };

/** feedback: the endpoint of the logged request it is about (unknown id: the route answers 404) */
const loggedRequestEndpoint: EndpointOf = (request, core) => {
  const id = Number((request.params as { id?: string } | undefined)?.id);
  if (!Number.isSafeInteger(id) || id < 1) return undefined;
  try {
    return core.registry.getEndpoint(core.requests.get(id).endpointId).name;
  } catch {
    return undefined;
  }
};

const everyone: RouteRule = { class: 'public', scope: 'read' };
const open = (scope: KeyScope, endpoint?: EndpointOf): RouteRule => ({ class: 'open', scope, ...(endpoint ? { endpoint } : {}) });
const needs = (scope: KeyScope, extra: Partial<RouteRule> = {}): RouteRule => ({ class: 'key', scope, ...extra });

const predictOpen = open('predict', param('endpoint_name'));
const v2Model = open('predict', param('name'));
const feedback = open('predict', loggedRequestEndpoint);
const readOpen = open('read');
const read = needs('read');
const admin = needs('admin');

/** `METHOD url` as Fastify registered it (prefix included); HEAD follows its GET. */
export const routeTable: Readonly<Record<string, RouteRule>> = {
  // health: every mode, no credential
  'GET /healthz': everyone,
  'GET /v2/health/live': everyone,
  'GET /v2/health/ready': everyone,
  // the app's files (@fastify/static): no data in them, and a browser cannot attach a key to a
  // page load; every API call the page makes needs a credential like any other client's
  'GET /*': everyone,
  // the local CA, for clients to verify the HTTPS certificate (compare its fingerprint)
  'GET /api/v1/access/ca.pem': everyone,

  // the open list: predictions and feedback (predict scope, endpoint-limited keys checked)
  'POST /api/v1/:endpoint_name/predict': predictOpen,
  'POST /v2/models/:name/infer': v2Model,
  'POST /v2/models/:name/versions/:version/infer': v2Model,
  'PUT /api/v1/mlrequests/:id': feedback,
  'PATCH /api/v1/mlrequests/:id': feedback,
  // … v2 server and model metadata (what KServe/Triton clients ask before inferring)
  'GET /v2': open('predict'),
  'GET /v2/': open('predict'),
  'GET /v2/models/:name': v2Model,
  'GET /v2/models/:name/ready': v2Model,
  'GET /v2/models/:name/versions/:version': v2Model,
  'GET /v2/models/:name/versions/:version/ready': v2Model,
  // … the tutorial's registry reads, metrics, docs
  'GET /api/v1': readOpen,
  'GET /api/v1/': readOpen,
  'GET /api/v1/endpoints': readOpen,
  'GET /api/v1/endpoints/:id': readOpen,
  'GET /api/v1/mlalgorithms': readOpen,
  'GET /api/v1/mlalgorithms/:id': readOpen,
  'GET /api/v1/mlalgorithmstatuses': readOpen,
  'GET /api/v1/mlalgorithmstatuses/:id': readOpen,
  'GET /api/v1/abtests': readOpen,
  'GET /api/v1/abtests/:id': readOpen,
  'GET /metrics': readOpen,
  'GET /openapi.json': readOpen,

  // read: the request log, monitoring, settings as they are, exports
  'GET /api/v1/mlrequests': read,
  'GET /api/v1/mlrequests/:id': read,
  'GET /api/v1/abtests/:id/timeline': read,
  'GET /api/v1/serving': read,
  'GET /api/v1/access': read,
  'GET /api/v1/refusals': read,
  'GET /api/v1/request-log/storage': read,
  'GET /api/v1/metadatahistory': read,
  'GET /api/v1/endpoints/:id/compatibility': read,
  'GET /api/v1/monitoring/series': read,
  'GET /api/v1/monitoring/drift': read,
  'GET /api/v1/monitoring/histogram': read,
  'GET /api/v1/monitoring/status': read,
  'GET /api/v1/monitoring/references': read,
  'GET /api/v1/monitoring/references/:id': read,
  'GET /api/v1/registry/export': needs('read', { ticket: true }),
  'POST /api/v1/registry/export/tickets': read,
  'GET /api/v1/registry/export/platforms/:name': needs('read', { ticket: true }),
  'POST /api/v1/registry/export/platforms/:name/tickets': read,
  // batch jobs and replays: their state, progress and files (the rows scored, as the request log holds them)
  'GET /api/v1/jobs': read,
  'GET /api/v1/jobs/:id': read,
  'GET /api/v1/jobs/:id/events': read,
  'GET /api/v1/jobs/:id/result': needs('read', { ticket: true }),
  'GET /api/v1/jobs/:id/errors': needs('read', { ticket: true }),
  'POST /api/v1/jobs/:id/tickets': read,

  // admin: every change, keys, the audit log
  'POST /api/v1/mlalgorithms': admin,
  'POST /api/v1/mlalgorithms/inspect': admin,
  'POST /api/v1/mlalgorithmstatuses': admin,
  'POST /api/v1/abtests': admin,
  'PUT /api/v1/abtests/:id': admin,
  'PATCH /api/v1/abtests/:id': admin,
  'POST /api/v1/stop_ab_test/:id': admin,
  'POST /api/v1/endpoints/:id/rollback': admin,
  'PATCH /api/v1/endpoints/:id': admin,
  'PATCH /api/v1/mlalgorithms/:id': admin,
  'DELETE /api/v1/mlalgorithms/:id': admin,
  // a reference profile changes what drift is measured against
  'POST /api/v1/monitoring/references': admin,
  'POST /api/v1/monitoring/references/from-requests': admin,
  'POST /api/v1/monitoring/references/from-profile': admin,
  'POST /api/v1/monitoring/references/from-job': admin,
  'PUT /api/v1/serving': admin,
  'PATCH /api/v1/serving': admin,
  'PATCH /api/v1/access': admin,
  'POST /api/v1/registry/import': admin,
  // a platform export writes a folder under <data>/exports/ and runs every exported model
  'POST /api/v1/registry/export/platforms': admin,
  // a job reads a file on this machine (or an upload into the data directory) and runs on every core
  'POST /api/v1/jobs': admin,
  'POST /api/v1/jobs/replay': admin,
  'DELETE /api/v1/jobs/:id': admin,
  'GET /api/v1/keys': admin,
  'POST /api/v1/keys': admin,
  'DELETE /api/v1/keys/:id': admin,
  'GET /api/v1/audit': admin,
  'GET /api/v1/audit/facets': admin
};

/** Whole subtrees registered by a plugin: `METHOD /prefix` covers the prefix and everything below it. */
export const routePrefixTable: Readonly<Record<string, RouteRule>> = {
  // Swagger UI (@fastify/swagger-ui): its page, assets and the spec it loads
  'GET /docs': readOpen
};

const unclassified: RouteRule = { ...admin, unclassified: true };

/** `METHOD url` of a route, the table's key (HEAD is looked up as its GET). */
export const routeKey = (method: string, url: string): string => `${method === 'HEAD' ? 'GET' : method} ${url}`;

/** The rule of a route; one missing from both tables needs admin (and the enumeration test fails). */
export function ruleOf(method: string, url: string): RouteRule {
  const key = routeKey(method, url);
  const exact = routeTable[key];
  if (exact) return exact;
  for (const [prefix, rule] of Object.entries(routePrefixTable)) {
    if (key === prefix || key.startsWith(`${prefix}/`)) return rule;
  }
  return unclassified;
}
