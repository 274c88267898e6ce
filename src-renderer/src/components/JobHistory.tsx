import { Badge, Progress, Stack, Table, Text, Tooltip, UnstyledButton } from '@mantine/core';
import type { JobView } from '../api/jobs.ts';
import { formatDateTime } from '../lib/format.ts';
import { formatCount, formatDuration, isActive, jobInputLabel, jobStateColor, jobStateLabel } from '../lib/jobs.ts';

/** Every job and replay, newest first: who, when, which version, the input and its fingerprint, counts, duration. */
export function JobHistory({ jobs, onOpen }: { jobs: JobView[]; onOpen: (id: number) => void }) {
  return (
    <Table highlightOnHover verticalSpacing="sm" data-testid="job-history">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Job</Table.Th>
          <Table.Th>Input</Table.Th>
          <Table.Th>Endpoint · version</Table.Th>
          <Table.Th>State</Table.Th>
          <Table.Th ta="right">Rows</Table.Th>
          <Table.Th ta="right">Failed</Table.Th>
          <Table.Th>Duration</Table.Th>
          <Table.Th>By · when</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {jobs.map((job) => (
          <Table.Tr key={job.id} className="md-row-clickable" onClick={() => onOpen(job.id)} data-testid={`job-row-${job.id}`}>
            <Table.Td>
              <UnstyledButton onClick={(e) => { e.stopPropagation(); onOpen(job.id); }} fw={600} fz="sm">
                #{job.id} {job.kind === 'replay' ? 'Replay' : 'Batch'}
              </UnstyledButton>
            </Table.Td>
            <Table.Td>
              <Stack gap={0}>
                <Text size="sm">{jobInputLabel(job)}</Text>
                {job.input && (
                  <Tooltip label={`SHA-256 ${job.input.sha256}`}>
                    <Text size="xs" c="dimmed" className="md-mono">{job.input.sha256.slice(0, 12)}…</Text>
                  </Tooltip>
                )}
              </Stack>
            </Table.Td>
            <Table.Td>
              <Text size="sm"><span className="md-mono">{job.endpoint}</span> · {job.algorithm_name} v{job.version}</Text>
            </Table.Td>
            <Table.Td>
              {isActive(job) ? (
                <Stack gap={4} miw={120}>
                  <Badge color={jobStateColor[job.state]} variant="dot">{jobStateLabel[job.state]}</Badge>
                  <Progress value={job.progress * 100} size="sm" animated aria-label={`job ${job.id} progress`} />
                </Stack>
              ) : (
                <Badge color={jobStateColor[job.state]} variant="light">{jobStateLabel[job.state]}</Badge>
              )}
            </Table.Td>
            <Table.Td ta="right"><Text size="sm">{formatCount(job.rows_done)}</Text></Table.Td>
            <Table.Td ta="right"><Text size="sm" c={job.rows_failed ? 'red' : undefined}>{formatCount(job.kind === 'replay' ? job.rows_skipped : job.rows_failed)}</Text></Table.Td>
            <Table.Td><Text size="sm">{formatDuration(job.duration_seconds)}</Text></Table.Td>
            <Table.Td>
              <Text size="sm">{job.created_by || '—'}</Text>
              <Text size="xs" c="dimmed">{formatDateTime(job.created_at)}</Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
