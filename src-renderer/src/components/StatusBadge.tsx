import { Badge } from '@mantine/core';
import { statusColor, statusLabel } from '../lib/status.ts';

export function StatusBadge({ status, size = 'sm' }: { status: string | null; size?: 'xs' | 'sm' | 'md' }) {
  const key = status ?? 'none';
  return (
    <Badge color={statusColor(status)} variant="light" size={size} data-testid="status-badge" data-status={key}>
      {statusLabel(status) ?? (status || 'No status')}
    </Badge>
  );
}
