import { Badge, List, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import type { ImportResult } from '../api/bundles.ts';
import { formatBytes, formatDateTime } from '../lib/format.ts';

/** What an import will do (dry run) or did: new, identical and conflicting entries. */
export function ImportPlan({ plan }: { plan: ImportResult }) {
  const { algorithms } = plan;
  return (
    <Stack gap="sm" data-testid="import-plan">
      <Text size="sm" c="dimmed">
        Bundle written by ModelDesk {plan.app_version} on {formatDateTime(plan.created_at)} (format {plan.format_version}).
      </Text>
      <SimpleGrid cols={4}>
        <Count label="New endpoints" value={plan.endpoints.new.length} testId="plan-endpoints" />
        <Count label="New algorithms" value={algorithms.new.length} testId="plan-new" />
        <Count label="Already here" value={algorithms.identical.length} testId="plan-identical" />
        <Count label="Conflicts" value={algorithms.conflicts.length} alert={algorithms.conflicts.length > 0} testId="plan-conflicts" />
      </SimpleGrid>
      {algorithms.new.length > 0 && (
        <Table fz="sm" withTableBorder>
          <Table.Thead><Table.Tr><Table.Th>Endpoint</Table.Th><Table.Th>Algorithm</Table.Th><Table.Th>Version</Table.Th><Table.Th>Status</Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>
            {algorithms.new.map((a) => (
              <Table.Tr key={`${a.endpoint}/${a.name}/${a.version}`}>
                <Table.Td className="md-mono">{a.endpoint}</Table.Td><Table.Td>{a.name}</Table.Td><Table.Td>{a.version}</Table.Td><Table.Td>{a.status}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {algorithms.conflicts.length > 0 && (
        <List size="sm" spacing={4}>
          {algorithms.conflicts.map((c) => (
            <List.Item key={`${c.endpoint}/${c.name}/${c.version}`}>
              <Badge color="orange" size="xs" mr={6}>conflict</Badge>
              <span className="md-mono">{c.endpoint}</span> · {c.name} v{c.version}: {c.action}
            </List.Item>
          ))}
        </List>
      )}
      <Text size="sm">
        A/B tests: {plan.ab_tests.new.length} new, {plan.ab_tests.identical.length} already here
        {plan.ab_tests.skipped.length ? `, ${plan.ab_tests.skipped.length} skipped` : ''} · requests: {plan.requests} · model
        files: {plan.artifacts.new} new ({formatBytes(plan.artifacts.bytes)})
      </Text>
      {plan.notes.length > 0 && <List size="xs" c="dimmed">{plan.notes.map((n) => <List.Item key={n}>{n}</List.Item>)}</List>}
    </Stack>
  );
}

function Count({ label, value, alert, testId }: { label: string; value: number; alert?: boolean; testId: string }) {
  return (
    <Stack gap={0}>
      <Text size="xl" fw={700} c={alert ? 'orange' : undefined} data-testid={testId}>{value}</Text>
      <Text size="xs" c="dimmed">{label}</Text>
    </Stack>
  );
}
