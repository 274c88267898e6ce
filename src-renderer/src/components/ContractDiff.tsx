import { Alert, Badge, Checkbox, Stack, Table, Text, Textarea } from '@mantine/core';
import type { Algorithm, Compatibility, ContractDifference } from '../api/types.ts';
import { algorithmLabel } from '../lib/format.ts';

const severityLook: Record<ContractDifference['severity'], { color: string; label: string; sign: string }> = {
  breaking: { color: 'red', label: 'breaks clients', sign: '−' },
  warning: { color: 'yellow', label: 'changes answers', sign: '~' },
  info: { color: 'gray', label: 'harmless', sign: '·' }
};

/** What the server found comparing a model with the endpoint's input contract: a diff, in plain words. */
export function ContractDiff({ compatibility, algorithms = [] }: { compatibility: Compatibility; algorithms?: Algorithm[] }) {
  const breaking = compatibility.differences.some((d) => d.severity === 'breaking');
  const warning = compatibility.differences.some((d) => d.severity === 'warning');
  const source = compatibility.contract && algorithms.find((a) => a.id === compatibility.contract!.algorithm_id);
  const title = breaking ? 'Breaking change for existing clients' : warning ? 'Answers change for existing clients' : 'Compatible with existing clients';
  return (
    <Stack gap="xs" data-testid="contract-diff" data-compatible={compatibility.compatible}>
      <Alert color={breaking ? 'red' : warning ? 'yellow' : 'teal'} variant="light" title={title} data-testid="contract-summary">
        {compatibility.summary}
        {source && (
          <Text size="xs" c="dimmed" mt={4}>
            Compared with what clients of <span className="md-mono">{compatibility.endpoint}</span> send today: the inputs of {algorithmLabel(source)}.
          </Text>
        )}
      </Alert>
      {compatibility.differences.length > 0 && (
        <Table withTableBorder verticalSpacing={4} fz="sm" data-testid="contract-diff-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={140}>Effect</Table.Th>
              <Table.Th>Field</Table.Th>
              <Table.Th>Today → this model</Table.Th>
              <Table.Th>What happens to existing clients</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {compatibility.differences.map((d, i) => {
              const look = severityLook[d.severity];
              return (
                <Table.Tr key={i} data-severity={d.severity}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Badge size="xs" variant="light" color={look.color} styles={{ root: { maxWidth: 'none', overflow: 'visible' }, label: { overflow: 'visible' } }}>
                      {look.sign} {look.label}
                    </Badge>
                  </Table.Td>
                  <Table.Td className="md-mono">{d.field ?? '(record)'}</Table.Td>
                  <Table.Td className="md-mono">
                    <Text span size="xs" c="red.7" td={d.before ? 'line-through' : undefined}>{d.before ?? 'absent'}</Text>
                    {' → '}
                    <Text span size="xs" c="teal.8">{d.after ?? 'not read'}</Text>
                  </Table.Td>
                  <Table.Td><Text size="xs">{d.message}</Text></Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

export interface Consent {
  accepted: boolean;
  reason: string;
}

/**
 * Going ahead with a breaking change: said explicitly, with a reason the status history keeps
 * (`withReason: false` where the form already asks for one).
 */
export function BreakingConsent({ value, onChange, reasonError, withReason = true }: {
  value: Consent;
  onChange: (next: Consent) => void;
  reasonError?: string | undefined;
  withReason?: boolean;
}) {
  return (
    <Stack gap={6} data-testid="breaking-consent">
      <Checkbox
        color="red"
        label="Go ahead anyway: I accept that existing clients of this endpoint break"
        checked={value.accepted}
        onChange={(e) => onChange({ ...value, accepted: e.currentTarget.checked })}
        data-testid="breaking-accept"
      />
      {value.accepted && withReason && (
        <Textarea
          label="Why is breaking them acceptable?"
          description="Kept in the status history"
          value={value.reason}
          onChange={(e) => onChange({ ...value, reason: e.currentTarget.value })}
          required
          autosize
          minRows={2}
          error={reasonError}
          data-testid="breaking-reason"
        />
      )}
    </Stack>
  );
}

/** A change may go ahead: nothing breaks, or the user accepted it with a reason. */
export const consentGiven = (compatibility: Compatibility | undefined, consent: Consent): boolean =>
  !compatibility || compatibility.compatible || (consent.accepted && consent.reason.trim() !== '');
