import { Table, Text, UnstyledButton } from '@mantine/core';
import type { AlgorithmHealthBody } from '../api/monitoring.ts';
import type { Algorithm } from '../api/types.ts';
import { formatBytes, formatRelative } from '../lib/format.ts';
import { statusRank } from '../lib/status.ts';
import { MonitoringBadge } from './monitoring/MonitoringBadge.tsx';
import { StatusBadge } from './StatusBadge.tsx';

/** An endpoint's algorithms, serving ones first; a row opens the algorithm's details. */
export function AlgorithmTable({ algorithms, selected, onSelect, health }: {
  algorithms: Algorithm[];
  selected: number | undefined;
  onSelect: (id: number) => void;
  /** monitoring per version: a production version that drifts or whose error rate jumped gets a badge */
  health?: Map<number, AlgorithmHealthBody>;
}) {
  const rows = [...algorithms].sort((a, b) => statusRank(a.current_status) - statusRank(b.current_status) || b.id - a.id);
  return (
    // fits the panel of a 1024 px window: owner, task and size show from 1200 px
    <Table.ScrollContainer minWidth={460}>
      <Table highlightOnHover verticalSpacing={8} data-testid="algorithm-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Algorithm</Table.Th>
            <Table.Th>Version</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th visibleFrom="lg">Owner</Table.Th>
            <Table.Th visibleFrom="lg">Task</Table.Th>
            <Table.Th visibleFrom="lg">Size</Table.Th>
            <Table.Th>Registered</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((a) => (
            <Table.Tr
              key={a.id}
              className={`md-row-clickable${selected === a.id ? ' md-row-selected' : ''}`}
              onClick={() => onSelect(a.id)}
              data-testid={`algorithm-row-${a.id}`}
              aria-selected={selected === a.id}
            >
              <Table.Td>
                <UnstyledButton onClick={() => onSelect(a.id)} fw={600} fz="sm" aria-label={`Show ${a.name} v${a.version}`}>
                  {a.name}
                </UnstyledButton>
              </Table.Td>
              {/* a long version (a hash, a date and a branch…) is cut, never the status next to it */}
              <Table.Td><Text className="md-mono" truncate="end" maw={160} title={a.version} data-testid="algorithm-version">{a.version}</Text></Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}><StatusBadge status={a.current_status} />{a.current_status === 'production' && <MonitoringBadge health={health?.get(a.id)} />}</Table.Td>
              <Table.Td visibleFrom="lg"><Text size="sm">{a.owner || '—'}</Text></Table.Td>
              <Table.Td visibleFrom="lg"><Text size="sm">{a.task}</Text></Table.Td>
              <Table.Td visibleFrom="lg"><Text size="sm">{formatBytes(a.artifact_bytes)}</Text></Table.Td>
              <Table.Td><Text size="sm" title={a.created_at}>{formatRelative(a.created_at)}</Text></Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
