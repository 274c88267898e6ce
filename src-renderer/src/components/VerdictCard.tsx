import { Alert, DataList, Text } from '@mantine/core';
import type { AbTestResults } from '../api/types.ts';
import { formatMetric, verdictColor } from '../lib/abtest.ts';
import { formatNumber } from '../lib/format.ts';

const titles: Record<string, string> = {
  better: 'We have a winner',
  no_significant_difference: 'No significant difference',
  not_enough_data: 'Not enough data yet'
};

/** The verdict in plain words. */
export function VerdictAlert({ results, final = false }: { results: AbTestResults; final?: boolean }) {
  const { verdict, comparison } = results;
  const title = titles[verdict.code] ?? verdict.code;
  return (
    <Alert color={verdictColor(verdict.code)} variant="light" title={final ? `Final verdict: ${title.toLowerCase()}` : title} data-testid="verdict" data-verdict={verdict.code} h="100%">
      <Text size="md" data-testid="verdict-text">{verdict.text}</Text>
      <Text size="xs" c="dimmed" mt="xs">
        Decided by {verdict.decided_by}.
        {comparison.sequential_p_value !== null && ' Its p-values stay valid however often you look, so watching live does not inflate false positives.'}
      </Text>
    </Alert>
  );
}

/** The numbers behind the verdict. */
export function ComparisonList({ results }: { results: AbTestResults }) {
  const { verdict, comparison, metric } = results;
  const pValue = (p: number | null) => (p === null ? '—' : p < 0.001 ? '< 0.001' : p.toFixed(3));
  return (
    <DataList orientation="horizontal" labelWidth={150} size="sm" data-testid="comparison">
      <Item label="Difference">{comparison.difference === null ? '—' : formatMetric(metric, comparison.difference)}</Item>
      <Item label="Sequential p" hint={comparison.sequential_test}>{pValue(comparison.sequential_p_value)}</Item>
      <Item label="Fixed-horizon p" hint={`${comparison.test}; for information, not valid when peeking`}>{pValue(comparison.p_value)}</Item>
      <Item label="Smallest difference">{formatMetric(metric, comparison.minimum_detectable_difference)}</Item>
      <Item label="Sample per arm">{formatNumber(comparison.required_sample_size_per_arm)}</Item>
      <Item label="Feedback needed">{verdict.code === 'better' ? 'none: decided' : formatNumber(comparison.additional_feedback_needed)}</Item>
    </DataList>
  );
}

function Item({ label, hint, children }: { label: string; hint?: string; children: React.ReactNode }) {
  return (
    <DataList.Item>
      <DataList.ItemLabel>{label}</DataList.ItemLabel>
      <DataList.ItemValue>
        {children}
        {hint && <Text size="xs" c="dimmed">{hint}</Text>}
      </DataList.ItemValue>
    </DataList.Item>
  );
}
