import { ReferenceLine } from 'recharts';
import type { VersionMarker } from '../../api/monitoring.ts';

/**
 * Promotions and rollbacks as vertical lines on a time chart, so a change after a promotion is
 * seen at a glance. Rendered as a function (not a component): recharts reads its children's types.
 */
export function versionMarkerLines(markers: readonly VersionMarker[], from: number, to: number) {
  return markers
    .filter((m) => m.kind !== 'status')
    .map((m) => {
      const at = new Date(m.at).getTime();
      if (at < from || at > to) return null;
      const color = m.kind === 'rollback' ? 'var(--mantine-color-orange-6)' : 'var(--mantine-color-indigo-6)';
      return (
        <ReferenceLine
          key={`${m.algorithm_id}-${m.at}`}
          x={at}
          stroke={color}
          strokeDasharray="4 3"
          label={{ value: `${m.kind === 'rollback' ? '↺' : '▲'} ${m.name} ${m.version}`, position: 'insideTopLeft', fontSize: 10, fill: color }}
          ifOverflow="extendDomain"
        />
      );
    });
}
