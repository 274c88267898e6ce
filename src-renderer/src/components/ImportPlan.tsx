import { Accordion, Badge, Group, List, Stack, Table, Text } from '@mantine/core';
import type { ImportResult } from '../api/bundles.ts';
import { formatBytes, formatDateTime } from '../lib/format.ts';
import { ImportPlanItems, kindTitles, outcomeLabels, planKinds } from './ImportPlanItems.tsx';

/**
 * What an import will do (dry run) or did, per kind (issue 12 §4): a table of counts, then
 * every endpoint, algorithm, status history, A/B test and group of request rows with what
 * happens to it and why, as the server planned it (the renderer re-derives nothing).
 */
export function ImportPlan({ plan }: { plan: ImportResult }) {
  const conflicts = plan.algorithms.conflicts;
  return (
    <Stack gap="sm" data-testid="import-plan">
      <Text size="sm" c="dimmed">
        Bundle written by ModelDesk {plan.app_version} on {formatDateTime(plan.created_at)} (format {plan.format_version}).
        {' '}Model files to add: {plan.artifacts.new} ({formatBytes(plan.artifacts.bytes)}).
      </Text>
      <Table fz="sm" withTableBorder data-testid="plan-counts">
        <Table.Thead>
          <Table.Tr>
            <Table.Th />
            {Object.values(outcomeLabels).map((label) => <Table.Th key={label} ta="right">{label}</Table.Th>)}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {planKinds.map((kind) => (
            <Table.Tr key={kind}>
              <Table.Td>{kindTitles[kind]}</Table.Td>
              {(Object.keys(outcomeLabels) as (keyof typeof outcomeLabels)[]).map((outcome) => (
                <Table.Td key={outcome} ta="right" data-testid={`plan-${kind}-${outcome}`}>
                  {plan.counts[kind][outcome]}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {conflicts.length > 0 && (
        <List size="sm" spacing={4} data-testid="plan-conflicts">
          {conflicts.map((c) => (
            <List.Item key={`${c.endpoint}/${c.name}/${c.version}`}>
              <Badge color="orange" size="xs" mr={6}>conflict</Badge>
              <span className="md-mono">{c.endpoint}</span> · {c.name} v{c.version}: {c.action}
            </List.Item>
          ))}
        </List>
      )}
      <Accordion variant="contained" multiple chevronPosition="left">
        {planKinds.map((kind) => (
          <Accordion.Item key={kind} value={kind} data-testid={`plan-details-${kind}`}>
            <Accordion.Control>
              <Group gap="xs">
                <Text size="sm" fw={500}>{kindTitles[kind]}</Text>
                <Text size="xs" c="dimmed">what happens to each, and why</Text>
              </Group>
            </Accordion.Control>
            <Accordion.Panel>
              <ImportPlanItems plan={plan} kind={kind} />
            </Accordion.Panel>
          </Accordion.Item>
        ))}
      </Accordion>
      {plan.notes.length > 0 && <List size="xs" c="dimmed">{plan.notes.map((n) => <List.Item key={n}>{n}</List.Item>)}</List>}
    </Stack>
  );
}
