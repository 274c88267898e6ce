import { Table, Text, UnstyledButton } from '@mantine/core';
import type { Prediction } from '../api/types.ts';
import { formatPercent } from '../lib/format.ts';

const answerText = (p: Prediction): string => {
  if (p.label !== undefined) return String(p.label);
  if (Array.isArray(p.prediction)) return p.prediction.map((v) => v.toFixed(4)).join(', ');
  return p.prediction === undefined ? p.status : p.prediction.toFixed(4);
};

/** Every answer of a batch call, one row per record; a row shows that record's details below. */
export function BatchAnswers({ predictions, selected, onSelect }: { predictions: Prediction[]; selected: number; onSelect: (index: number) => void }) {
  return (
    <Table.ScrollContainer minWidth={280} mah={260}>
      <Table highlightOnHover verticalSpacing={4} fz="sm" data-testid="batch-answers">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={50}>Record</Table.Th>
            <Table.Th>Answer</Table.Th>
            <Table.Th>Probability</Table.Th>
            <Table.Th>Request</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {predictions.map((p, i) => (
            <Table.Tr
              key={p.request_id ?? i}
              className={`md-row-clickable${i === selected ? ' md-row-selected' : ''}`}
              onClick={() => onSelect(i)}
              aria-selected={i === selected}
              data-testid={`batch-answer-${i}`}
            >
              <Table.Td><UnstyledButton fz="sm" onClick={() => onSelect(i)} aria-label={`Show record ${i}`}>{i}</UnstyledButton></Table.Td>
              <Table.Td fw={600}>{answerText(p)}</Table.Td>
              <Table.Td>{p.probability == null ? '—' : formatPercent(p.probability, 1)}</Table.Td>
              <Table.Td><Text size="sm" c="dimmed">{p.request_id === null ? '—' : `#${p.request_id}`}</Text></Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
