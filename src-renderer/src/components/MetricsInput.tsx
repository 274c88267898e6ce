import { ActionIcon, Button, Group, NumberInput, Stack, Text, TextInput } from '@mantine/core';
import { IconPlus } from './icons.tsx';

export interface MetricRow {
  name: string;
  value: number | string;
}

export const metricRows = (metrics: Record<string, number>): MetricRow[] => Object.entries(metrics).map(([name, value]) => ({ name, value }));

/** The rows as the API takes them (name → number); rows without a name are left out. */
export function metricsOf(rows: MetricRow[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const row of rows) if (row.name.trim() && row.value !== '') out[row.name.trim()] = Number(row.value);
  return out;
}

/** Metrics of a version as name/value rows: accuracy 0.8635, auc 0.91… */
export function MetricsInput({ rows, onChange, error }: { rows: MetricRow[]; onChange: (rows: MetricRow[]) => void; error?: string | undefined }) {
  const set = (i: number, patch: Partial<MetricRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <Stack gap={4} data-testid="metrics-input">
      <Text size="sm" fw={500}>Metrics</Text>
      <Text size="xs" c="dimmed">Measured on your validation data; compared between versions on the Models page.</Text>
      {rows.map((row, i) => (
        <Group key={i} gap="xs" wrap="nowrap">
          <TextInput aria-label={`Metric ${i + 1} name`} placeholder="accuracy" value={row.name} onChange={(e) => set(i, { name: e.currentTarget.value })} style={{ flex: 1 }} size="xs" data-testid={`metric-name-${i}`} />
          <NumberInput aria-label={`Metric ${i + 1} value`} placeholder="0.8635" value={row.value} onChange={(v) => set(i, { value: v })} hideControls w={120} size="xs" decimalScale={6} data-testid={`metric-value-${i}`} />
          <ActionIcon variant="subtle" color="gray" onClick={() => onChange(rows.filter((_, j) => j !== i))} aria-label={`Remove metric ${i + 1}`}>✕</ActionIcon>
        </Group>
      ))}
      <Group>
        <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} onClick={() => onChange([...rows, { name: '', value: '' }])} data-testid="metric-add">
          Add metric
        </Button>
      </Group>
      {error && <Text size="xs" c="red">{error}</Text>}
    </Stack>
  );
}
