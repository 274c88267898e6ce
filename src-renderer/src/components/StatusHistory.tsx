import { Text, Timeline } from '@mantine/core';
import type { AlgorithmStatus } from '../api/types.ts';
import { formatDateTime } from '../lib/format.ts';
import { statusColor } from '../lib/status.ts';
import { StatusBadge } from './StatusBadge.tsx';

/** Who changed the status, when and why: newest first. */
export function StatusHistory({ statuses }: { statuses: AlgorithmStatus[] }) {
  const rows = [...statuses].sort((a, b) => b.id - a.id);
  if (rows.length === 0) return <Text c="dimmed" size="sm">No status changes yet.</Text>;
  return (
    <Timeline active={0} bulletSize={14} lineWidth={2} data-testid="status-history">
      {rows.map((s) => (
        <Timeline.Item key={s.id} color={statusColor(s.status)} title={<StatusBadge status={s.status} size="xs" />}>
          <Text size="sm" mt={4}>{s.reason || <Text span c="dimmed" size="sm">no reason given</Text>}</Text>
          <Text size="xs" c="dimmed" mt={2}>
            {s.created_by || 'unknown'} · {formatDateTime(s.created_at)}
            {s.active ? ' · current' : ''}
          </Text>
        </Timeline.Item>
      ))}
    </Timeline>
  );
}
