import { Badge, Table, Text, Tooltip, UnstyledButton } from '@mantine/core';
import type { DriftColumn } from '../../api/monitoring.ts';
import { formatNumber, formatPercent } from '../../lib/format.ts';
import { metricLabels, verdictColors, verdictLabels } from '../../lib/monitoring.ts';
import { Sparkline } from './Sparkline.tsx';

export function VerdictBadge({ verdict, size = 'sm', testId }: { verdict: DriftColumn['verdict']; size?: 'xs' | 'sm' | 'md' | 'lg'; testId?: string }) {
  return (
    <Badge color={verdictColors[verdict]} variant={verdict === 'drift' ? 'filled' : 'light'} size={size} data-testid={testId} data-verdict={verdict}>
      {verdictLabels[verdict]}
    </Badge>
  );
}

/** Why a verdict is what it is, for the tooltip: the thresholds crossed and the test. */
function explain(c: DriftColumn): string {
  if (c.verdict === 'not_enough_data') return `${c.current_count} rows in the window; 200 are needed before a column is judged`;
  const crossed = c.triggers.map((t) => `${metricLabels[t.metric] ?? t.metric} ${formatNumber(t.value)} ≥ ${t.threshold} (${t.level})`).join('; ');
  const test = c.adjusted_p_value === null ? '' : `; test p = ${c.adjusted_p_value.toPrecision(2)} after Benjamini–Hochberg`;
  return `${crossed || 'no effect size reached a threshold'}${test}`;
}

/**
 * One row per column: the metric the verdict rests on (the strongest that crossed a threshold,
 * else PSI), its value, the verdict, and a sparkline of that metric across the window. A row
 * opens the column's reference and current histograms.
 */
export function DriftTable({ columns, selected, onSelect, testId }: { columns: DriftColumn[]; selected: string | null; onSelect: (name: string) => void; testId: string }) {
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table highlightOnHover verticalSpacing={6} data-testid={testId}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Column</Table.Th>
            <Table.Th>Metric</Table.Th>
            <Table.Th ta="right">Value</Table.Th>
            <Table.Th>Verdict</Table.Th>
            <Table.Th>Over the window</Table.Th>
            <Table.Th ta="right">Missing (ref → now)</Table.Th>
            <Table.Th ta="right">Rows</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {columns.map((c) => (
            <Table.Tr
              key={c.name}
              className={`md-row-clickable${selected === c.name ? ' md-row-selected' : ''}`}
              onClick={() => onSelect(c.name)}
              data-testid={`drift-row-${c.name}`}
              data-verdict={c.verdict}
              aria-selected={selected === c.name}
            >
              <Table.Td>
                <UnstyledButton onClick={() => onSelect(c.name)} fw={600} fz="sm" className="md-mono" aria-label={`Show the histograms of ${c.name}`}>
                  {c.name}
                </UnstyledButton>
                <Text span size="xs" c="dimmed" ml={6}>{c.kind}</Text>
              </Table.Td>
              <Table.Td><Text size="sm">{metricLabels[c.metric] ?? c.metric}</Text></Table.Td>
              <Table.Td ta="right" className="md-mono">{formatNumber(c.value)}</Table.Td>
              <Table.Td>
                <Tooltip label={explain(c)} multiline w={320}>
                  <span><VerdictBadge verdict={c.verdict} /></span>
                </Tooltip>
              </Table.Td>
              <Table.Td>
                <Sparkline values={c.sparkline} color={`var(--mantine-color-${verdictColors[c.verdict]}-6)`} label={`${metricLabels[c.metric] ?? c.metric} of ${c.name} across the window`} />
              </Table.Td>
              <Table.Td ta="right"><Text size="sm">{formatPercent(c.missing_rate.reference)} → {formatPercent(c.missing_rate.current)}</Text></Table.Td>
              <Table.Td ta="right"><Text size="sm">{c.current_count.toLocaleString()}</Text></Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
