import type { ValidRecord } from '../../inference/index.ts';
import type { ScoringModel } from '../chunk-scorer.ts';

/** The candidate's answers to a chunk of logged requests: per record its answer, or why it has none. */
export interface ReplayedChunk {
  /** the label (classifiers) or the prediction (regressors); null where the record got none */
  answers: (string | number | number[] | null)[];
  /** why a record was skipped (the candidate cannot read it) or failed; null where it was answered */
  errors: (string | null)[];
}

/**
 * Runs logged inputs (the request log's JSON, as the client sent each record) through the
 * candidate in one batch, with the online API's validation: a record the candidate cannot read
 * is skipped with the reason its own API would have given.
 */
export async function replayChunk(model: ScoringModel, inputs: string[]): Promise<ReplayedChunk> {
  const errors: (string | null)[] = inputs.map(() => null);
  const answers: ReplayedChunk['answers'] = inputs.map(() => null);
  const valid: ValidRecord[] = [];
  const positions: number[] = [];
  inputs.forEach((input, i) => {
    try {
      valid.push(model.validate(JSON.parse(input)));
      positions.push(i);
    } catch (err) {
      errors[i] = (err as Error).message;
    }
  });
  try {
    const predictions = await model.run(valid);
    predictions.forEach((p, k) => (answers[positions[k]!] = p.label ?? (p.prediction as number | number[] | undefined) ?? null));
  } catch (err) {
    for (const i of positions) errors[i] = `the model failed: ${(err as Error).message}`;
  }
  return { answers, errors };
}

/**
 * Each model's time for one record at a time, in microseconds, the models taking turns on each
 * record so that neither gets the warmer cache or the quieter moment. Records a model cannot
 * read are left out of its times.
 */
export async function timeSingleRuns(models: ScoringModel[], inputs: string[]): Promise<number[][]> {
  const times: number[][] = models.map(() => []);
  for (const [i, input] of inputs.entries()) {
    const record: unknown = JSON.parse(input);
    for (let k = 0; k < models.length; k++) {
      const m = (i + k) % models.length;
      const started = process.hrtime.bigint();
      try {
        await models[m]!.run([models[m]!.validate(record)]);
      } catch {
        continue;
      }
      times[m]!.push(Number(process.hrtime.bigint() - started) / 1000);
    }
  }
  return times;
}
