import { Progress, Stack, Text } from '@mantine/core';
import { formatBytes } from '../lib/format.ts';

export interface Transfer {
  done: number;
  total: number | null;
}

/** A bundle moving to or from the server: a bar when the size is known, bytes either way. */
export function TransferProgress({ label, transfer }: { label: string; transfer: Transfer | null }) {
  if (!transfer) return null;
  const percent = transfer.total ? Math.min(100, (transfer.done / transfer.total) * 100) : null;
  return (
    <Stack gap={4} data-testid="transfer-progress">
      <Text size="xs" c="dimmed">
        {label}: {formatBytes(transfer.done)}
        {transfer.total ? ` of ${formatBytes(transfer.total)}` : ''}
      </Text>
      <Progress value={percent ?? 100} animated={percent === null || percent < 100} striped={percent === null} aria-label={label} />
    </Stack>
  );
}
