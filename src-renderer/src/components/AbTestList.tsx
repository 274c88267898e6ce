import { Badge, Table, Text, UnstyledButton } from '@mantine/core';
import type { AbTest, Algorithm } from '../api/types.ts';
import { metricLabels } from '../lib/abtest.ts';
import { algorithmLabel, formatDateTime } from '../lib/format.ts';

/** All A/B tests, running first. */
export function AbTestList({ tests, algorithms, onOpen }: { tests: AbTest[]; algorithms: Algorithm[]; onOpen: (id: number) => void }) {
  const byId = new Map(algorithms.map((a) => [a.id, a]));
  const rows = [...tests].sort((a, b) => Number(b.state === 'running') - Number(a.state === 'running') || b.id - a.id);
  return (
    <Table highlightOnHover verticalSpacing="sm" data-testid="abtest-list">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Test</Table.Th>
          <Table.Th>Endpoint</Table.Th>
          <Table.Th>State</Table.Th>
          <Table.Th>Arms</Table.Th>
          <Table.Th>Metric</Table.Th>
          <Table.Th>Started</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((t) => (
          <Table.Tr key={t.id} className="md-row-clickable" onClick={() => onOpen(t.id)} data-testid={`abtest-row-${t.id}`}>
            <Table.Td>
              <UnstyledButton onClick={(e) => { e.stopPropagation(); onOpen(t.id); }} fw={600} fz="sm">
                {t.title}
              </UnstyledButton>
            </Table.Td>
            <Table.Td><Text size="sm" className="md-mono">{t.endpoint_name}</Text></Table.Td>
            <Table.Td>
              <Badge color={t.state === 'running' ? 'grape' : 'gray'} variant={t.state === 'running' ? 'dot' : 'light'}>{t.state}</Badge>
            </Table.Td>
            <Table.Td>
              <Text size="sm">
                {t.arms.map((arm) => { const a = byId.get(arm.algorithm_id); return a ? algorithmLabel(a) : `#${arm.algorithm_id}`; }).join(' vs ')}
              </Text>
            </Table.Td>
            <Table.Td><Text size="sm">{metricLabels[t.metric]}{t.mode === 'shadow' ? ' · shadow' : ''}</Text></Table.Td>
            <Table.Td><Text size="sm">{formatDateTime(t.created_at)}</Text></Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
