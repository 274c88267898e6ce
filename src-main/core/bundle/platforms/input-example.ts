import type { Algorithm } from '../../registry/types.ts';

/**
 * The algorithm's input example (issue 12 §5: set at registration or by PATCH, stored in
 * `algorithm_metadata`). The platform export's parity check runs it through ModelDesk and
 * through the exported graph (parity.ts) beside the logged requests; an algorithm without one
 * relies on the logged requests alone. The CLI, the API and the UI all export through here.
 */
export function algorithmInputExample(algorithm: Algorithm): unknown {
  return algorithm.inputExample ?? undefined;
}
