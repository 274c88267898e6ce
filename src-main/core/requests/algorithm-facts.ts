import { decodeConfigOf, resolveSettings } from '../inference/model-settings.ts';
import type { DecodeConfig } from '../inference/output-decoder.ts';
import { registeredModelOptions, type RegisteredOptions } from '../registry/registered-options.ts';
import type { Registry } from '../registry/registry.ts';
import type { Algorithm } from '../registry/types.ts';
import type { AlgorithmFacts } from './row-codec.ts';

/** The registration facts an algorithm's answers are rebuilt from. */
export type DecodingFacts = Pick<Algorithm, 'version' | 'signature'> & RegisteredOptions;

/**
 * What the request log needs of an algorithm to rebuild its answers (row-codec.ts): its version,
 * and how its outputs become answers, resolved from its stored signature and registration
 * options as a loaded model resolves them.
 */
export function factsOfAlgorithm(algorithm: DecodingFacts): AlgorithmFacts {
  let decode: DecodeConfig | null = null;
  try {
    const settings = resolveSettings(algorithm.signature, registeredModelOptions(algorithm));
    decode = decodeConfigOf(algorithm.signature, settings);
  } catch {
    // settings that no longer resolve: its rows are stored as text (the codec checks every algorithm's first rows)
  }
  return { version: algorithm.version, decode };
}

/** factsOfAlgorithm for the registry's algorithms; null for an id it does not have. */
export function algorithmFacts(registry: Registry): (algorithmId: number) => AlgorithmFacts | null {
  return (id) => {
    try {
      return factsOfAlgorithm(registry.getAlgorithm(id));
    } catch {
      return null;
    }
  };
}
