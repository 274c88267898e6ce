import { Badge, Group, Table, Text } from '@mantine/core';
import type { AbTestResults } from '../api/types.ts';
import { armColor, armTitle, formatMetric, metricLabels } from '../lib/abtest.ts';
import { formatPercent, formatUs } from '../lib/format.ts';

/**
 * Per arm: traffic, feedback, the metric with its 95% CI, errors and latency. Requests the arm
 * was chosen for and then refused (4xx) are among its requests and its errors (issue 12 §6).
 */
export function ArmResultsTable({ results, winnerId }: { results: AbTestResults; winnerId: number | null }) {
  const metric = results.metric;
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table verticalSpacing="sm" data-testid="arm-results">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Arm</Table.Th>
            <Table.Th>Weight</Table.Th>
            <Table.Th>Requests</Table.Th>
            <Table.Th>Feedback</Table.Th>
            <Table.Th>{metricLabels[metric]} (95% CI)</Table.Th>
            <Table.Th>Errors</Table.Th>
            <Table.Th>Latency p50 / p95</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {results.arms.map((arm, i) => (
            <Table.Tr key={arm.algorithm_id} data-testid={`arm-row-${arm.arm}`}>
              <Table.Td>
                <Group gap="xs" wrap="nowrap">
                  <Badge color={armColor(i)} variant="filled" size="sm" circle>{arm.arm}</Badge>
                  <Text size="sm" fw={600}>{armTitle(arm)}</Text>
                  <Text size="sm" c="dimmed" className="md-mono">v{arm.version}</Text>
                  {arm.algorithm_id === winnerId && <Badge color="teal" variant="light" size="xs">better</Badge>}
                </Group>
              </Table.Td>
              <Table.Td>{arm.weight}</Table.Td>
              <Table.Td>
                {arm.requests}
                {(arm.refused ?? 0) > 0 && (
                  <Text size="xs" c="red" span data-testid={`arm-refused-${arm.arm}`}> ({arm.refused} refused)</Text>
                )}
              </Table.Td>
              <Table.Td>{arm.feedback}</Table.Td>
              <Table.Td>
                <Text size="sm" fw={600} span data-testid={`arm-metric-${arm.arm}`}>{formatMetric(metric, arm.metric)}</Text>
                {arm.ci_low !== null && arm.ci_high !== null && (
                  <Text size="xs" c="dimmed" span> ({formatMetric(metric, arm.ci_low)} – {formatMetric(metric, arm.ci_high)})</Text>
                )}
              </Table.Td>
              <Table.Td>{formatPercent(arm.error_rate)}</Table.Td>
              <Table.Td>{formatUs(arm.latency_p50_us)} / {formatUs(arm.latency_p95_us)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
