import { Badge } from '@mantine/core';
import { statusColor, statusLabel } from '../lib/status.ts';

export function StatusBadge({ status, size = 'sm' }: { status: string | null; size?: 'xs' | 'sm' | 'md' }) {
  const key = status ?? 'none';
  return (
    // never squeezed to "T…" by a long neighbour (a version, a name): it keeps its own width
    <Badge color={statusColor(status)} variant="light" size={size} styles={{ root: { flexShrink: 0, maxWidth: 'none', overflow: 'visible' }, label: { overflow: 'visible' } }} data-testid="status-badge" data-status={key}>
      {statusLabel(status) ?? (status || 'No status')}
    </Badge>
  );
}
