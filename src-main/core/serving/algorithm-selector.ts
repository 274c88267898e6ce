import { algorithmStatusValues } from '../../contract/enums.ts';
import { requireOneOf, unavailable } from '../errors.ts';
import type { Registry } from '../registry/registry.ts';
import type { Algorithm, AlgorithmStatusValue, Endpoint } from '../registry/types.ts';
import type { TrafficRouter } from './traffic-router.ts';

export interface Selection {
  endpoint: Endpoint;
  algorithm: Algorithm;
  abTestId: number | null;
  shadowAlgorithms: Algorithm[];
}

export interface SelectOptions {
  status?: string;
  version?: string;
  algorithmId?: number;
  clientKey?: string | null;
}

const notAvailable = 'ML algorithm is not available';

/**
 * The classic predict's choice of algorithm (seed-api §4.6) without its defects: a running
 * A/B test routes unpinned traffic instead of breaking production predict, and an explicit
 * `algorithm_id` pins one version for playgrounds and scripts.
 */
export function selectAlgorithm(
  registry: Registry,
  router: TrafficRouter,
  endpointName: string,
  options: SelectOptions
): Selection {
  const endpoint = registry.findEndpointByName(endpointName);
  if (!endpoint) throw unavailable(`${notAvailable}: no endpoint named "${endpointName}"`);

  if (options.algorithmId !== undefined) {
    const algorithm = registry.listAlgorithms({ endpointId: endpoint.id }).find((a) => a.id === options.algorithmId);
    if (!algorithm) throw unavailable(`${notAvailable}: algorithm ${options.algorithmId} is not on "${endpointName}"`);
    return { endpoint, algorithm, abTestId: null, shadowAlgorithms: [] };
  }

  const status = parseStatus(options.status);
  const pinned = options.status !== undefined || options.version !== undefined;
  if (!pinned || status === 'ab_testing') {
    const decision = router.route(endpoint.id, options.clientKey ?? null);
    if (decision) {
      return {
        endpoint,
        algorithm: registry.getAlgorithm(decision.algorithmId),
        abTestId: decision.abTestId,
        shadowAlgorithms: decision.shadowAlgorithmIds.map((id) => registry.getAlgorithm(id))
      };
    }
  }

  const candidates = registry
    .listAlgorithms({ endpointId: endpoint.id, status })
    .filter((a) => options.version === undefined || a.version === options.version);
  const [first] = candidates;
  if (!first) {
    const what = options.version === undefined ? `status "${status}"` : `status "${status}" and version "${options.version}"`;
    throw unavailable(`${notAvailable}: no algorithm on "${endpointName}" with ${what}`);
  }
  if (candidates.length > 1) {
    throw unavailable('ML algorithm selection is ambiguous. Please specify algorithm version.');
  }
  return { endpoint, algorithm: first, abTestId: null, shadowAlgorithms: [] };
}

function parseStatus(status: string | undefined): AlgorithmStatusValue {
  if (status === undefined || status === '') return 'production';
  return requireOneOf(algorithmStatusValues, status, 'status');
}
