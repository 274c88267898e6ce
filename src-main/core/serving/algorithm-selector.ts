import { algorithmStatusValues } from '../../contract/enums.ts';
import { requireOneOf, ModelDeskError } from '../errors.ts';
import type { Algorithm, AlgorithmStatusValue, Endpoint, RegistryReader } from '../registry/types.ts';
import type { TrafficRouter } from './traffic-router.ts';

/** The one choice a call's algorithm comes from (infer() makes it once per call). */
export interface Selection {
  endpoint: Endpoint;
  /** the algorithm that runs and answers */
  algorithm: Algorithm;
  /** the running A/B test that routed the call, if one did */
  abTestId: number | null;
  /** shadow mode: algorithms that run on the same input and are logged, never returned */
  shadowAlgorithms: Algorithm[];
}

export interface SelectOptions {
  /** the classic `?status=` (default production); `ab_testing` is routed by the running test */
  status?: string;
  /** the classic `?version=`: that version among the algorithms with `status` */
  version?: string;
  /** with `version`: look among every status but archived, not only `status` (v2's versioned paths) */
  anyLiveStatus?: boolean;
  /** pins one algorithm of the endpoint, whatever its status (playground, scripts) */
  algorithmId?: number;
  /** sticky A/B assignment: the same key always gets the same arm */
  clientKey?: string | null;
}

/** Why no algorithm was chosen; a protocol may word each its own way (the v2 routes do). */
export type SelectionFailure = 'no_endpoint' | 'no_algorithm' | 'ambiguous';

/** The classic API answers these as 400 with its own words (kind `unavailable`). */
export class SelectionError extends ModelDeskError {
  constructor(
    readonly failure: SelectionFailure,
    message: string
  ) {
    super('unavailable', message);
  }
}

const notAvailable = 'ML algorithm is not available';

/**
 * The classic predict's choice of algorithm (seed-api §4.6) without its defects: a running
 * A/B test routes unpinned traffic instead of breaking production predict, and an explicit
 * `algorithm_id` pins one version for playgrounds and scripts.
 */
export function selectAlgorithm(
  registry: RegistryReader,
  router: TrafficRouter,
  endpointName: string,
  options: SelectOptions
): Selection {
  const endpoint = registry.findEndpointByName(endpointName);
  if (!endpoint) throw new SelectionError('no_endpoint', `${notAvailable}: no endpoint named "${endpointName}"`);

  if (options.algorithmId !== undefined) {
    const algorithm = registry.listAlgorithms({ endpointId: endpoint.id }).find((a) => a.id === options.algorithmId);
    if (!algorithm) {
      throw new SelectionError('no_algorithm', `${notAvailable}: algorithm ${options.algorithmId} is not on "${endpointName}"`);
    }
    return { endpoint, algorithm, abTestId: null, shadowAlgorithms: [] };
  }

  const status = parseStatus(options.status);
  const live = options.anyLiveStatus === true && options.version !== undefined;
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

  const candidates = (live
    ? registry.listAlgorithms({ endpointId: endpoint.id }).filter((a) => a.currentStatus !== 'archived')
    : registry.listAlgorithms({ endpointId: endpoint.id, status })
  ).filter((a) => options.version === undefined || a.version === options.version);
  const [first] = candidates;
  if (!first) {
    const what = live
      ? `version "${options.version}"`
      : options.version === undefined
        ? `status "${status}"`
        : `status "${status}" and version "${options.version}"`;
    throw new SelectionError('no_algorithm', `${notAvailable}: no algorithm on "${endpointName}" with ${what}`);
  }
  if (candidates.length > 1) {
    throw new SelectionError('ambiguous', 'ML algorithm selection is ambiguous. Please specify algorithm version.');
  }
  return { endpoint, algorithm: first, abTestId: null, shadowAlgorithms: [] };
}

function parseStatus(status: string | undefined): AlgorithmStatusValue {
  if (status === undefined || status === '') return 'production';
  return requireOneOf(algorithmStatusValues, status, 'status');
}
