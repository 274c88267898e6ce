import type { ModelOptions } from '../inference/index.ts';
import type { Algorithm } from './types.ts';

/** What an algorithm was registered with that decides how its model reads records and answers. */
export type RegisteredOptions = Pick<Algorithm, 'featureNames' | 'positiveClass' | 'threshold' | 'classes' | 'outputKind' | 'handlesMissing'>;

/**
 * How an algorithm's model reads records and answers, from what it was registered with: every
 * copy of a model (the serving pool's, a batch job worker's) is loaded with these, and the
 * request log rebuilds answers with them, so they all answer alike.
 */
export function registeredModelOptions(algorithm: RegisteredOptions): ModelOptions {
  return {
    featureNames: algorithm.featureNames,
    positiveClass: algorithm.positiveClass,
    threshold: algorithm.threshold,
    classes: algorithm.classes,
    outputKind: algorithm.outputKind,
    handlesMissing: algorithm.handlesMissing
  };
}
