import { Badge, Table, Text, UnstyledButton } from '@mantine/core';
import type { Algorithm, Endpoint, MLRequest } from '../api/types.ts';
import { algorithmLabel, formatLogTime, formatUs, shortValue } from '../lib/format.ts';
import { FeedbackInput } from './FeedbackInput.tsx';

/** One page of the request log; a row opens the request, the last cell edits feedback inline. */
export function RequestTable({ rows, endpoints, algorithms, onOpen, order, onOrder }: {
  rows: MLRequest[];
  endpoints: Endpoint[];
  algorithms: Algorithm[];
  onOpen: (id: number) => void;
  order: 'asc' | 'desc';
  onOrder: (order: 'asc' | 'desc') => void;
}) {
  const endpointName = new Map(endpoints.map((e) => [e.id, e.name]));
  const freeText = new Set(endpoints.filter((e) => e.allow_free_text_feedback).map((e) => e.id));
  const algorithm = new Map(algorithms.map((a) => [a.id, a]));
  return (
    // fits a 1024 px window without scrolling: the endpoint sits under the algorithm, latency shows from 1200 px
    <Table.ScrollContainer minWidth={680}>
      <Table highlightOnHover verticalSpacing={6} data-testid="request-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={64}>ID</Table.Th>
            <Table.Th aria-sort={order === 'asc' ? 'ascending' : 'descending'}>
              <UnstyledButton fz="sm" fw={700} onClick={() => onOrder(order === 'asc' ? 'desc' : 'asc')} data-testid="sort-time">
                Time {order === 'asc' ? '↑' : '↓'}
              </UnstyledButton>
            </Table.Th>
            <Table.Th>Algorithm</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Response</Table.Th>
            <Table.Th visibleFrom="lg">Latency</Table.Th>
            <Table.Th w={200}>Feedback</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => {
            const a = algorithm.get(r.parent_mlalgorithm);
            return (
              <Table.Tr key={r.id} className="md-row-clickable" onClick={() => onOpen(r.id)} data-testid={`request-row-${r.id}`}>
                <Table.Td>
                  <UnstyledButton
                    onClick={(e) => { e.stopPropagation(); onOpen(r.id); }}
                    fz="sm"
                    fw={600}
                    c="var(--mantine-primary-color-filled)"
                    aria-label={`Open request ${r.id}`}
                    data-testid="request-open"
                  >
                    #{r.id}
                  </UnstyledButton>
                </Table.Td>
                <Table.Td><Text size="sm" style={{ whiteSpace: 'nowrap' }} title={r.created_at}>{formatLogTime(r.created_at)}</Text></Table.Td>
                <Table.Td>
                  <Text size="sm" className="md-truncate" maw={220} title={a ? algorithmLabel(a) : undefined}>{a ? algorithmLabel(a) : `#${r.parent_mlalgorithm}`}</Text>
                  <Text size="xs" c="dimmed" className="md-mono">{endpointName.get(r.endpoint) ?? r.endpoint}</Text>
                  {r.ab_test !== null && <Badge size="xs" variant="light" color="grape">A/B #{r.ab_test}{r.shadow ? ' shadow' : ''}</Badge>}
                </Table.Td>
                <Table.Td>
                  <Badge size="sm" variant="light" color={r.status === 'OK' ? 'teal' : 'red'}>{r.status}</Badge>
                </Table.Td>
                <Table.Td><Text size="sm" className="md-truncate" maw={120} title={r.response}>{shortValue(r.response) || '—'}</Text></Table.Td>
                <Table.Td visibleFrom="lg"><Text size="sm">{formatUs(r.latency_us)}</Text></Table.Td>
                <Table.Td onClick={(e) => e.stopPropagation()} data-testid="request-feedback-cell">
                  <FeedbackInput
                    key={`${r.id}:${r.feedback ?? ''}`}
                    requestId={r.id}
                    initial={r.feedback}
                    options={a?.classes}
                    freeText={freeText.has(r.endpoint)}
                    size="xs"
                    testId={`request-feedback-${r.id}`}
                  />
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
