import { abMetricValues, abModeValues, metricTask, type AbMetric, type AbMode } from '../../../src-main/contract/enums.ts';
import type { AbTest, AbTestResults } from '../api/types.ts';
import { formatNumber } from './format.ts';

export const armColors = ['indigo', 'orange', 'teal', 'grape', 'cyan', 'pink', 'lime', 'red', 'yellow', 'blue'];
export const armColor = (index: number): string => armColors[index % armColors.length]!;
export const armCssColor = (index: number): string => `var(--mantine-color-${armColor(index)}-6)`;

export const metricLabels: Record<AbMetric, string> = { accuracy: 'Accuracy', rmse: 'RMSE', mae: 'MAE' };

/** The metric picker: every metric the server takes, with the models it suits. */
export const metricChoices = abMetricValues.map((value) => ({ value, label: `${metricLabels[value]} (${metricTask[value]})` }));

const modeLabels: Record<AbMode, string> = { split: 'Split traffic', shadow: 'Shadow' };
export const modeChoices = abModeValues.map((value) => ({ value, label: modeLabels[value] }));

export function formatMetric(metric: AbMetric, value: number | null | undefined): string {
  if (value == null) return '—';
  return metric === 'accuracy' ? `${(value * 100).toFixed(1)}%` : formatNumber(value, 3);
}

type ArmResult = AbTestResults['arms'][number];

/** The server's arm name may already end with the version ("random forest 0.0.1"). */
export const armTitle = (arm: { name: string; version: string }): string =>
  arm.name.endsWith(` ${arm.version}`) ? arm.name.slice(0, -(arm.version.length + 1)) : arm.name;

export const armName = (arm: ArmResult): string => `${arm.arm}: ${armTitle(arm)} v${arm.version}`;

/** What stopping would do now, in words, following DESIGN §5 (promote only a better arm). */
export function stopPlan(test: AbTest): { promote: ArmResult | null; why: string } {
  const results = test.results;
  if (!results) return { promote: null, why: 'No results yet: production stays as it is.' };
  const { verdict } = results;
  const winner = results.arms.find((a) => a.algorithm_id === verdict.winner_algorithm_id) ?? null;
  if (verdict.code === 'better' && winner) {
    return { promote: winner, why: `${armName(winner)} is better according to the ${verdict.decided_by}. It becomes production; the other arms go back to testing.` };
  }
  const reason = verdict.code === 'not_enough_data' ? 'there is not enough feedback to decide' : 'no arm is significantly better';
  return { promote: null, why: `Nothing is promoted because ${reason}: production stays, the arms go back to testing.` };
}

export const verdictColor = (code: string | undefined): string =>
  code === 'better' ? 'teal' : code === 'no_significant_difference' ? 'gray' : 'yellow';
