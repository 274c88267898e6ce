import { Line, LineChart, YAxis } from 'recharts';

/** A column's metric across the window, oldest first; gaps where a part had too few rows. */
export function Sparkline({ values, color, label }: { values: (number | null)[]; color: string; label: string }) {
  if (values.every((v) => v === null)) return <span aria-label={`${label}: no values yet`}>—</span>;
  const data = values.map((v, i) => ({ i, v }));
  return (
    <div role="img" aria-label={label} style={{ width: 96, height: 26 }}>
      <LineChart width={96} height={26} data={data} margin={{ top: 3, right: 2, bottom: 3, left: 2 }}>
        <YAxis hide domain={[0, 'dataMax']} />
        <Line dataKey="v" stroke={color} strokeWidth={1.6} dot={{ r: 1.6, fill: color, strokeWidth: 0 }} isAnimationActive={false} connectNulls={false} />
      </LineChart>
    </div>
  );
}
