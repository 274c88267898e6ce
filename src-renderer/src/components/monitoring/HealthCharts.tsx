import { Grid, Paper, Text, Title } from '@mantine/core';
import { Area, Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { HealthSeries } from '../../api/monitoring.ts';
import { formatBucketTime, formatRate, seriesColors, tickFormatter } from '../../lib/monitoring.ts';
import { versionMarkerLines } from './VersionMarkers.tsx';

const axisTick = { fontSize: 11, fill: 'var(--mantine-color-dimmed)' };
const grid = <CartesianGrid strokeDasharray="3 3" stroke="var(--mantine-color-default-border)" />;

/** The series as chart rows: x in epoch ms, one field per plotted value. */
function rowsOf(series: HealthSeries, reasons: string[]) {
  return series.points.map((p) => {
    const row: Record<string, number | null> = {
      t: new Date(p.start).getTime(),
      rps: p.requests_per_second,
      failures: p.errors.model_failures,
      p50: p.latency_ms?.p50 ?? null,
      p95: p.latency_ms?.p95 ?? null,
      p99: p.latency_ms?.p99 ?? null,
      batch: p.batch?.mean_size ?? null,
      batchMax: p.batch?.max_size ?? null
    };
    for (const r of reasons) row[`refused:${r}`] = p.errors.refused[r] ?? 0;
    return row;
  });
}

/** Throughput, errors by cause, latency percentiles and batch sizes over the window, with version changes marked. */
export function HealthCharts({ series }: { series: HealthSeries }) {
  const reasons = [...new Set(series.points.flatMap((p) => Object.keys(p.errors.refused)))].sort();
  const data = rowsOf(series, reasons);
  const from = new Date(series.from).getTime();
  const to = new Date(series.to).getTime() - series.bucket_seconds * 1000;
  const x = (
    <XAxis dataKey="t" type="number" scale="time" domain={[from, to]} tickFormatter={tickFormatter(series.bucket_seconds)} tick={axisTick} minTickGap={24} />
  );
  const tooltip = <Tooltip labelFormatter={(t) => formatBucketTime(Number(t))} />;
  const markers = () => versionMarkerLines(series.markers, from, to);
  // a bucket with traffic between empty ones is a lone point: dots keep it visible
  const sparse = data.filter((d) => d.p50 !== null).length < data.length / 2 ? { r: 2 } : false;
  const bucket = series.bucket_seconds >= 3600 ? `${series.bucket_seconds / 3600} h` : `${series.bucket_seconds / 60} min`;

  return (
    <Grid gap="lg">
      <ChartCard title="Throughput" caption={`requests per second, per ${bucket}`} testId="chart-throughput">
        <ComposedChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          {grid}
          {x}
          <YAxis tick={axisTick} width={48} tickFormatter={(v: number) => formatRate(v)} />
          {tooltip}
          <Area dataKey="rps" name="requests/s" stroke="var(--mantine-color-indigo-6)" fill="var(--mantine-color-indigo-6)" fillOpacity={0.18} isAnimationActive={false} />
          {markers()}
        </ComposedChart>
      </ChartCard>
      <ChartCard title="Errors by cause" caption="model failures, and requests refused before a model ran, by reason" testId="chart-errors">
        <BarChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          {grid}
          {x}
          <YAxis tick={axisTick} width={48} allowDecimals={false} />
          {tooltip}
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar dataKey="failures" name="model failures" stackId="e" fill="var(--mantine-color-red-6)" isAnimationActive={false} />
          {reasons.map((r, i) => (
            <Bar key={r} dataKey={`refused:${r}`} name={`refused: ${r}`} stackId="e" fill={seriesColors[i % seriesColors.length]} isAnimationActive={false} />
          ))}
          {markers()}
        </BarChart>
      </ChartCard>
      <ChartCard title="Latency" caption="per logged prediction, ms (p50, p95, p99)" testId="chart-latency">
        <ComposedChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          {grid}
          {x}
          <YAxis tick={axisTick} width={48} />
          {tooltip}
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Line dataKey="p50" name="p50" stroke="var(--mantine-color-teal-6)" dot={sparse} strokeWidth={2} isAnimationActive={false} />
          <Line dataKey="p95" name="p95" stroke="var(--mantine-color-orange-6)" dot={sparse} strokeWidth={2} isAnimationActive={false} />
          <Line dataKey="p99" name="p99" stroke="var(--mantine-color-red-6)" dot={sparse} strokeWidth={2} isAnimationActive={false} />
          {markers()}
        </ComposedChart>
      </ChartCard>
      <ChartCard title="Batch sizes" caption="records per onnxruntime run (dynamic batching): mean and largest" testId="chart-batch">
        <BarChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          {grid}
          {x}
          <YAxis tick={axisTick} width={48} />
          {tooltip}
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar dataKey="batch" name="mean" fill="var(--mantine-color-indigo-6)" isAnimationActive={false} />
          <Bar dataKey="batchMax" name="largest" fill="var(--mantine-color-gray-4)" isAnimationActive={false} />
          {markers()}
        </BarChart>
      </ChartCard>
    </Grid>
  );
}

export function ChartCard({ title, caption, testId, children, span = 6 }: { title: string; caption: string; testId: string; children: React.ReactElement; span?: number }) {
  return (
    <Grid.Col span={{ base: 12, lg: span }}>
      <Paper withBorder p="md" data-testid={testId}>
        <Title order={3} fz="md">{title}</Title>
        <Text size="xs" c="dimmed" mb="xs">{caption}</Text>
        <ResponsiveContainer width="100%" height={200}>{children}</ResponsiveContainer>
      </Paper>
    </Grid.Col>
  );
}
