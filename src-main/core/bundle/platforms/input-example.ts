import type { Algorithm } from '../../registry/types.ts';

/**
 * THE PLACE TO PLUG IN the algorithm's input example (issue 12 §5 adds `input_example` to
 * algorithms, in a parallel branch). The platform export's parity check runs it through
 * ModelDesk and through the exported graph (parity.ts); until algorithms carry an example, none
 * is given and the check relies on the logged requests alone.
 *
 * When that branch lands, read the field it adds to `Algorithm` here (e.g.
 * `return algorithm.inputExample ?? undefined;`) and drop the structural read below. The CLI,
 * the API and the UI all export through this one function, so nothing else changes.
 */
export function algorithmInputExample(algorithm: Algorithm): unknown {
  const example = (algorithm as Algorithm & { inputExample?: unknown }).inputExample;
  return example === null ? undefined : example;
}
