import { Badge } from '@mantine/core';
import { statusColors, statusLabels } from '../lib/status.ts';

export function StatusBadge({ status, size = 'sm' }: { status: string | null; size?: 'xs' | 'sm' | 'md' }) {
  const key = status ?? 'none';
  return (
    <Badge color={statusColors[key] ?? 'gray'} variant="light" size={size} data-testid="status-badge" data-status={key}>
      {statusLabels[key] ?? (status || 'No status')}
    </Badge>
  );
}
