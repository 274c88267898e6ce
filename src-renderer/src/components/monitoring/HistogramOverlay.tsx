import { Group, Paper, Text, Title } from '@mantine/core';
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useHistogram } from '../../api/monitoring.ts';
import { formatPercent } from '../../lib/format.ts';
import { QueryState } from '../QueryState.tsx';

/**
 * A column's current distribution with the reference laid over it, on the reference's bins, as
 * shares of each side's rows: the current window as bars, the reference as a line with a dot per
 * bin, so where they part is seen at once.
 */
export function HistogramOverlay({ algorithm, column, window }: { algorithm: number; column: string; window: string }) {
  const histogram = useHistogram(algorithm, column, window);
  return (
    <Paper withBorder p="md" data-testid="histogram-overlay" data-column={column}>
      <QueryState query={histogram} label="the histograms">
        {(h) => (
          <>
            <Group justify="space-between" align="baseline">
              <Title order={3} fz="md">
                <span className="md-mono">{h.column}</span>: reference and current
              </Title>
              <Text size="xs" c="dimmed">
                {h.reference_total.toLocaleString()} reference rows · {h.current_total.toLocaleString()} in the window
                {h.binning === 'coarse' ? ' · bins of about 10% of the reference each' : ''}
              </Text>
            </Group>
            <ResponsiveContainer width="100%" height={260}>
              <ComposedChart data={h.bins} margin={{ top: 8, right: 12, bottom: 8, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" stroke="var(--mantine-color-default-border)" vertical={false} />
                <XAxis dataKey="label" tick={{ fontSize: 10, fill: 'var(--mantine-color-dimmed)' }} interval="preserveStartEnd" minTickGap={4} />
                <YAxis tickFormatter={(v: number) => formatPercent(v, 0)} tick={{ fontSize: 11, fill: 'var(--mantine-color-dimmed)' }} width={44} />
                <Tooltip formatter={(v, name) => [formatPercent(Number(v)), String(name)]} />
                <Legend verticalAlign="top" align="right" height={28} wrapperStyle={{ fontSize: 12 }} />
                <Bar dataKey="current" name="current window" fill="var(--mantine-color-indigo-6)" fillOpacity={0.75} isAnimationActive={false} />
                <Line dataKey="reference" name="reference" stroke="var(--mantine-color-dark-3)" strokeWidth={2} dot={{ r: 2.5, fill: 'var(--mantine-color-dark-3)' }} isAnimationActive={false} />
              </ComposedChart>
            </ResponsiveContainer>
          </>
        )}
      </QueryState>
    </Paper>
  );
}
