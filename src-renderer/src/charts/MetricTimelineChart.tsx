import { Area, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { AbMetric, AbTestResults, AbTestTimeline } from '../api/types.ts';
import { armCssColor, armTitle, formatMetric } from '../lib/abtest.ts';
import { formatTime } from '../lib/format.ts';

function formatElapsed(seconds: number): string {
  if (seconds < 60) return `${Number(seconds.toFixed(seconds < 10 ? 1 : 0))}s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172800) return `${Number((seconds / 3600).toFixed(1))}h`;
  return `${Math.round(seconds / 86400)}d`;
}

/** Each arm's metric over time with its 95% confidence interval as a band. */
export function MetricTimelineChart({ timeline, arms, metric }: { timeline: AbTestTimeline; arms: AbTestResults['arms']; metric: AbMetric }) {
  const start = timeline.points.length ? new Date(timeline.points[0]!.at).getTime() : 0;
  const data = timeline.points.map((point) => {
    const at = new Date(point.at).getTime();
    // x is time since the first feedback: readable whether the test ran for seconds or weeks
    const row: Record<string, number | [number, number] | null> = { at, t: (at - start) / 1000 };
    for (const arm of point.arms) {
      row[`m${arm.algorithm_id}`] = arm.metric;
      row[`ci${arm.algorithm_id}`] = arm.ci_low !== null && arm.ci_high !== null ? [arm.ci_low, arm.ci_high] : null;
    }
    return row;
  });
  const bounded = metric === 'accuracy';
  return (
    <div data-testid="metric-timeline" role="img" aria-label={`${metric} per arm over time with 95% confidence intervals`}>
      <ResponsiveContainer width="100%" height={280}>
        <ComposedChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--mantine-color-default-border)" />
          <XAxis
            dataKey="t"
            type="number"
            domain={[0, 'dataMax']}
            tickFormatter={formatElapsed}
            tick={{ fontSize: 11, fill: 'var(--mantine-color-dimmed)' }}
            label={{ value: 'since the first feedback', position: 'insideBottomRight', offset: -4, fontSize: 11, fill: 'var(--mantine-color-dimmed)' }}
            height={40}
          />
          <YAxis
            domain={bounded ? [0, 1] : ['auto', 'auto']}
            tickFormatter={(v: number) => formatMetric(metric, v)}
            tick={{ fontSize: 11, fill: 'var(--mantine-color-dimmed)' }}
            width={56}
          />
          <Tooltip
            labelFormatter={(t) => formatTime(new Date(start + Number(t) * 1000).toISOString())}
            formatter={(value, name) => {
              const text = Array.isArray(value) ? `${formatMetric(metric, Number(value[0]))} – ${formatMetric(metric, Number(value[1]))}` : formatMetric(metric, Number(value));
              return [text, String(name)];
            }}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {arms.map((arm, i) => (
            <Area
              key={`ci${arm.algorithm_id}`}
              dataKey={`ci${arm.algorithm_id}`}
              name={`${arm.arm} 95% CI`}
              stroke="none"
              fill={armCssColor(i)}
              fillOpacity={0.15}
              isAnimationActive={false}
              connectNulls
              legendType="none"
            />
          ))}
          {arms.map((arm, i) => (
            <Line
              key={`m${arm.algorithm_id}`}
              dataKey={`m${arm.algorithm_id}`}
              name={`${arm.arm}: ${armTitle(arm)} v${arm.version}`}
              stroke={armCssColor(i)}
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
              connectNulls
            />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
