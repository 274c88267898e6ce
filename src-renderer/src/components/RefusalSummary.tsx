import { Badge, Group, Text } from '@mantine/core';
import { refusalReasonValues, type RefusalReason } from '../../../src-main/contract/enums.ts';
import type { RefusalSummary as Summary } from '../api/types.ts';

/** What each reason means to someone reading the page. */
export const refusalLabels: Record<RefusalReason, string> = {
  validation: 'invalid input',
  unknown_endpoint: 'unknown endpoint',
  no_algorithm: 'no algorithm to serve it',
  auth: 'not authorised',
  too_large: 'too large',
  unsupported_media_type: 'unsupported media type'
};

/**
 * Refused predictions (4xx: never written to the request log) in the selected range, by reason,
 * so a client that is being refused shows up here and not only in its own logs.
 */
export function RefusalSummary({ summary }: { summary: Summary | undefined }) {
  if (!summary) return null;
  return (
    <Group gap="xs" data-testid="refusal-summary" wrap="wrap">
      <Text size="sm" fw={600}>
        {summary.total === 0 ? 'No refused requests' : `${summary.total} refused request${summary.total === 1 ? '' : 's'}`}
      </Text>
      <Text size="sm" c="dimmed">
        {summary.total === 0 ? 'in this range.' : '(answered 4xx, not in the log below):'}
      </Text>
      {refusalReasonValues
        .filter((reason) => summary.by_reason[reason] > 0)
        .map((reason) => (
          <Badge key={reason} color={reason === 'validation' ? 'orange' : 'red'} variant="light" data-testid={`refusals-${reason}`}>
            {refusalLabels[reason]}: {summary.by_reason[reason]}
          </Badge>
        ))}
    </Group>
  );
}
