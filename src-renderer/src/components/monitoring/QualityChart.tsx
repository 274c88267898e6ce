import { Group, Stack, Text } from '@mantine/core';
import { Area, CartesianGrid, ComposedChart, Line, Tooltip, XAxis, YAxis } from 'recharts';
import type { HealthSeries, QualityPoint } from '../../api/monitoring.ts';
import { formatPercent } from '../../lib/format.ts';
import { formatBucketTime, formatDuration, tickFormatter } from '../../lib/monitoring.ts';
import { ChartCard } from './HealthCharts.tsx';
import { versionMarkerLines } from './VersionMarkers.tsx';

const axisTick = { fontSize: 11, fill: 'var(--mantine-color-dimmed)' };

/** The quality metric of a point: accuracy for classifiers, RMSE for regressors. */
const metricOf = (q: QualityPoint, regression: boolean) => (regression ? q.rmse : q.accuracy);

/**
 * Quality over time from feedback, bucketed by when the prediction was made: accuracy (or RMSE)
 * with its 95% confidence interval as a band, version changes marked; below it the feedback share
 * and the typical delay of feedback over the window.
 */
export function QualityChart({ series }: { series: HealthSeries }) {
  const regression = series.task === 'regression';
  const data = series.points.map((p) => {
    const m = metricOf(p.quality, regression);
    return { t: new Date(p.start).getTime(), value: m?.value ?? null, band: m ? [m.ci_low, m.ci_high] : null, feedback: p.quality.feedback };
  });
  const from = new Date(series.from).getTime();
  const to = new Date(series.to).getTime() - series.bucket_seconds * 1000;
  const name = regression ? 'RMSE' : 'accuracy';
  const format = (v: number) => (regression ? v.toPrecision(3) : formatPercent(v, 0));
  return (
    <ChartCard
      span={12}
      title={regression ? 'Quality: RMSE from feedback' : 'Quality: accuracy from feedback'}
      caption="per bucket of prediction time, with its 95% confidence interval; buckets without feedback are gaps"
      testId="chart-quality"
    >
      <ComposedChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="var(--mantine-color-default-border)" />
        <XAxis dataKey="t" type="number" scale="time" domain={[from, to]} tickFormatter={tickFormatter(series.bucket_seconds)} tick={axisTick} minTickGap={24} />
        <YAxis domain={regression ? ['auto', 'auto'] : [0, 1]} tickFormatter={format} tick={axisTick} width={48} />
        <Tooltip
          labelFormatter={(t) => formatBucketTime(Number(t))}
          formatter={(value, key) => {
            const text = Array.isArray(value) ? `${format(Number(value[0]))} – ${format(Number(value[1]))}` : key === 'feedback' ? String(value) : format(Number(value));
            return [text, String(key)];
          }}
        />
        <Area dataKey="band" name="95% CI" stroke="none" fill="var(--mantine-color-indigo-6)" fillOpacity={0.18} isAnimationActive={false} connectNulls={false} />
        <Line dataKey="value" name={name} stroke="var(--mantine-color-indigo-6)" strokeWidth={2} dot={{ r: 2 }} isAnimationActive={false} connectNulls={false} />
        {versionMarkerLines(series.markers, from, to)}
      </ComposedChart>
    </ChartCard>
  );
}

/** The window's feedback figures in words, under the quality chart. */
export function QualitySummary({ series }: { series: HealthSeries }) {
  const q = series.totals.quality;
  const regression = series.task === 'regression';
  const m = regression ? q.rmse : q.accuracy;
  const format = (v: number) => (regression ? v.toPrecision(3) : formatPercent(v));
  return (
    <Group gap="xl" data-testid="quality-summary">
      <Stack gap={0}>
        <Text size="xs" c="dimmed">{regression ? 'RMSE over the window' : 'Accuracy over the window'}</Text>
        <Text fw={600}>{m ? `${format(m.value)} (95% CI ${format(m.ci_low)} – ${format(m.ci_high)})` : 'no feedback yet'}</Text>
      </Stack>
      {regression && q.mae && (
        <Stack gap={0}>
          <Text size="xs" c="dimmed">MAE</Text>
          <Text fw={600}>{q.mae.value.toPrecision(3)}</Text>
        </Stack>
      )}
      <Stack gap={0}>
        <Text size="xs" c="dimmed">Predictions with feedback</Text>
        <Text fw={600}>{q.feedback.toLocaleString()} of {q.predictions.toLocaleString()} ({formatPercent(q.coverage?.value ?? null)})</Text>
      </Stack>
      <Stack gap={0}>
        <Text size="xs" c="dimmed">Typical feedback delay</Text>
        <Text fw={600}>{q.feedback_delay_seconds ? `${formatDuration(q.feedback_delay_seconds.median)} (90% within ${formatDuration(q.feedback_delay_seconds.p90)})` : '—'}</Text>
      </Stack>
    </Group>
  );
}
