import { Bar, BarChart, Cell, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

/** One horizontal bar per class; the predicted label is highlighted. */
export function ProbabilityChart({ probabilities, label }: { probabilities: Record<string, number>; label: string | undefined }) {
  const data = Object.entries(probabilities).map(([name, p]) => ({ name, p }));
  const height = Math.max(90, data.length * 40 + 20);
  return (
    <div data-testid="probability-chart" role="img" aria-label={`Class probabilities: ${data.map((d) => `${d.name} ${(d.p * 100).toFixed(1)}%`).join(', ')}`}>
      <ResponsiveContainer width="100%" height={height}>
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 56, bottom: 4, left: 8 }}>
          <XAxis type="number" domain={[0, 1]} hide />
          <YAxis
            type="category"
            dataKey="name"
            width={110}
            tickLine={false}
            axisLine={false}
            tick={{ fontSize: 13, fill: 'var(--mantine-color-text)' }}
          />
          <Tooltip
            cursor={{ fill: 'var(--mantine-color-default-hover)' }}
            formatter={(value) => [`${(Number(value) * 100).toFixed(2)}%`, 'probability']}
          />
          <Bar dataKey="p" radius={[0, 4, 4, 0]} barSize={22} isAnimationActive={false} background={{ fill: 'var(--mantine-color-default-hover)', radius: 4 }}>
            {data.map((d) => (
              <Cell key={d.name} fill={d.name === label ? 'var(--mantine-color-indigo-6)' : 'var(--mantine-color-indigo-2)'} />
            ))}
            <LabelList dataKey="p" position="right" formatter={(v: unknown) => `${(Number(v) * 100).toFixed(1)}%`} style={{ fontSize: 12, fill: 'var(--mantine-color-dimmed)' }} />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
