import { abMetricValues, abModeValues, metricTask, type AbMetric, type AbMode } from '../../../src-main/contract/enums.ts';
import type { AbTestResults } from '../api/types.ts';
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

export const verdictColor = (code: string | undefined): string =>
  code === 'better' ? 'teal' : code === 'no_significant_difference' ? 'gray' : 'yellow';
