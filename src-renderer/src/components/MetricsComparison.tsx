import { Badge, Table, Text } from '@mantine/core';
import type { Algorithm } from '../api/types.ts';

/** Metrics where smaller is better, by name; the rest are compared the other way. */
const lowerIsBetter = /(rmse|mae|mse|loss|error|latency|log_?loss|brier)/i;

/** The endpoint's versions side by side on each metric they report, the best of each row marked. */
export function MetricsComparison({ algorithms }: { algorithms: Algorithm[] }) {
  const measured = [...algorithms].filter((a) => Object.keys(a.metrics).length > 0).sort((a, b) => a.id - b.id);
  if (measured.length === 0) {
    return <Text size="sm" c="dimmed">No metrics yet: add them when registering a version, or with Edit on a version.</Text>;
  }
  const names = [...new Set(measured.flatMap((a) => Object.keys(a.metrics)))].sort();
  return (
    <Table.ScrollContainer minWidth={360}>
      <Table withTableBorder verticalSpacing={4} fz="sm" data-testid="metrics-comparison">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Metric</Table.Th>
            {measured.map((a) => (
              <Table.Th key={a.id} maw={180}>
                <Text size="sm" fw={700} className="md-truncate" maw={180} title={`${a.name} v${a.version}`}>{a.name} v{a.version}</Text>
                {a.current_status === 'production' && <Badge size="xs" variant="light" color="teal">production</Badge>}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {names.map((name) => {
            const values = measured.map((a) => a.metrics[name]);
            const present = values.filter((v): v is number => v !== undefined);
            const best = present.length > 1 ? (lowerIsBetter.test(name) ? Math.min(...present) : Math.max(...present)) : undefined;
            return (
              <Table.Tr key={name}>
                <Table.Td className="md-mono">{name}{lowerIsBetter.test(name) ? ' ↓' : ''}</Table.Td>
                {values.map((v, i) => (
                  <Table.Td key={measured[i]!.id} fw={v !== undefined && v === best ? 700 : undefined} c={v !== undefined && v === best ? 'teal.8' : undefined}>
                    {v === undefined ? '—' : Number.isInteger(v) ? v : v.toFixed(4)}
                  </Table.Td>
                ))}
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed" mt={4}>Best of each row in bold (↓: lower is better). Metrics are what their authors measured, not live results.</Text>
    </Table.ScrollContainer>
  );
}
