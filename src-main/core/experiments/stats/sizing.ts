/** The verdict's settings, the effect it looks for, and how much feedback is enough (pure). */
import { variance } from './continuous.ts';
import { requiredSampleSizePerArm } from './power.ts';
import { DEFAULT_ACCURACY_TAU } from './sequential.ts';
import { losses, metricValue } from './arm-summary.ts';
import { pairCount } from './comparisons.ts';
import {
  DEFAULT_ALPHA,
  DEFAULT_MIN_FEEDBACK_PER_ARM,
  DEFAULT_POWER,
  DEFAULT_RELATIVE_MDE,
  type ArmSummary,
  type VerdictInput
} from './verdict-types.ts';

export interface EffectSizes {
  mde: number; // minimum detectable effect, in metric units
  tested: number; // the same difference on the scale the tests compare (MSE for RMSE)
}

/** The effect the verdict looks for (the MDE, also the mSPRT's τ); null when it cannot be sized (a control at 0). */
export function effectSizes(input: VerdictInput, control: ArmSummary): EffectSizes | null {
  const value = control.metric?.value;
  const mde =
    input.minimumDetectableEffect ??
    (input.metric === 'accuracy' ? DEFAULT_ACCURACY_TAU : value === undefined ? 0 : DEFAULT_RELATIVE_MDE * value);
  if (!(mde > 0)) return null;
  if (input.metric !== 'rmse') return { mde, tested: mde };
  if (value === undefined) return null;
  return { mde, tested: value * value - Math.max(0, value - mde) ** 2 };
}

export type Settings = { alpha: number; power: number; minFeedback: number; control: number };

/** The input's settings with their defaults; a RangeError names one that makes no sense. */
export function settings(input: VerdictInput): Settings {
  const alpha = input.alpha ?? DEFAULT_ALPHA;
  const power = input.power ?? DEFAULT_POWER;
  const minFeedback = input.minFeedbackPerArm ?? DEFAULT_MIN_FEEDBACK_PER_ARM;
  const control = input.controlIndex ?? 0;
  const mde = input.minimumDetectableEffect;
  const k = input.arms.length;
  const fail = (message: string): never => {
    throw new RangeError(message);
  };
  if (!(alpha > 0 && alpha < 1)) fail(`alpha must be between 0 and 1, got ${alpha}`);
  if (!(Number.isInteger(minFeedback) && minFeedback >= 2)) fail(`minFeedbackPerArm must be ≥ 2: ${minFeedback}`);
  if (mde !== undefined && !(mde > 0 && Number.isFinite(mde) && (input.metric !== 'accuracy' || mde < 1))) {
    fail(`minimumDetectableEffect must be a positive number (below 1 for accuracy), got ${mde}`);
  }
  if (k > 0 && !(Number.isInteger(control) && control >= 0 && control < k)) fail(`no arm ${control} to be the control`);
  return { alpha, power, minFeedback, control };
}

/** Fixed-horizon feedback per arm to detect the MDE with the chosen power at the adjusted alpha. */
export function requiredFeedback(input: VerdictInput, s: Settings, control: ArmSummary, sizes: EffectSizes): number {
  const k = input.arms.length;
  const alpha = s.alpha / pairCount(k);
  if (input.metric === 'accuracy') {
    const baseline = metricValue(control);
    return requiredSampleSizePerArm({ kind: 'proportions', baseline, difference: sizes.mde, alpha, power: s.power });
  }
  const variances = input.arms.map((a) => variance(losses(input.metric, a)) ?? 0);
  const sd = Math.sqrt(variances.reduce((sum, v) => sum + v, 0) / Math.max(1, k));
  if (!(sd > 0)) return s.minFeedback;
  return requiredSampleSizePerArm({ kind: 'means', sd, difference: sizes.tested, alpha, power: s.power });
}
