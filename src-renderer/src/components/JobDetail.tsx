import { Alert, Anchor, Badge, Button, DataList, Group, Paper, Progress, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { errorMessage } from '../api/client.ts';
import { useCancelJob, useDownloadJobFile, useJob, type JobView } from '../api/jobs.ts';
import { formatBytes, formatDateTime } from '../lib/format.ts';
import { formatCount, formatDuration, isActive, jobInputLabel, jobStateColor, jobStateLabel } from '../lib/jobs.ts';
import { href } from '../lib/router.ts';
import { IconDownload } from './icons.tsx';
import { QueryState } from './QueryState.tsx';
import { ReplayReport } from './ReplayReport.tsx';

/** One job: live progress and cancel while it runs; the outcome, downloads and a replay's report after. */
export function JobDetail({ id }: { id: number }) {
  const job = useJob(id);
  return (
    <QueryState query={job} label="the job">
      {(j) => (
        <Stack gap="md" data-testid="job-detail" data-state={j.state}>
          <Stack gap={4}>
            <Anchor href={href('jobs')} size="sm">← All jobs</Anchor>
            <Group gap="sm">
              <Title order={2} fz={22} data-testid="job-title">
                {j.kind === 'replay' ? 'Replay' : 'Batch job'} #{j.id} · {jobInputLabel(j)}
              </Title>
              <Badge color={jobStateColor[j.state]} variant={isActive(j) ? 'dot' : 'light'} data-testid="job-state">{jobStateLabel[j.state]}</Badge>
            </Group>
            <Text size="sm" c="dimmed">
              <span className="md-mono">{j.endpoint}</span> · {j.kind === 'replay' ? 'candidate ' : ''}{j.algorithm_name} v{j.version} · created {formatDateTime(j.created_at)}
              {j.created_by ? ` by ${j.created_by}` : ''}
              {j.kind === 'replay' && j.state === 'completed' ? ` · ${formatCount(j.rows_done)} requests replayed in ${formatDuration(j.duration_seconds)}` : ''}
            </Text>
          </Stack>
          {isActive(j) ? <LiveProgress job={j} /> : j.kind === 'predict' || j.state !== 'completed' ? <Outcome job={j} /> : null}
          {j.report && <ReplayReport job={j} report={j.report} />}
          <JobFacts job={j} />
        </Stack>
      )}
    </QueryState>
  );
}

function LiveProgress({ job }: { job: JobView }) {
  const cancel = useCancelJob();
  const unit = job.kind === 'replay' ? 'requests' : 'rows';
  return (
    <Paper withBorder p="md" data-testid="job-progress">
      <Stack gap="sm">
        <Group justify="space-between">
          <Text fw={600}>{job.state === 'queued' ? 'Waiting for the job before it to finish' : `Scoring on ${job.workers ?? '…'} worker thread${job.workers === 1 ? '' : 's'}`}</Text>
          <Button color="red" variant="light" onClick={() => cancel.mutate(job.id)} loading={cancel.isPending} data-testid="job-cancel">Cancel</Button>
        </Group>
        <Progress value={job.progress * 100} size="lg" animated aria-label="job progress" />
        <SimpleGrid cols={4}>
          <Figure label={`${unit} done`} value={formatCount(job.rows_done)} testId="job-rows-done" />
          <Figure label={`${unit} per second`} value={formatCount(job.rows_per_second)} testId="job-rate" />
          <Figure label="time left" value={job.eta_seconds === null ? '—' : formatDuration(job.eta_seconds)} testId="job-eta" />
          <Figure label={job.kind === 'replay' ? 'skipped' : 'failed'} value={formatCount(job.kind === 'replay' ? job.rows_skipped : job.rows_failed)} />
        </SimpleGrid>
        {cancel.error && <Text c="red" size="sm">{errorMessage(cancel.error)}</Text>}
      </Stack>
    </Paper>
  );
}

function Outcome({ job }: { job: JobView }) {
  const download = useDownloadJobFile();
  const title =
    job.state === 'completed'
      ? `Completed: ${formatCount(job.rows_done)} ${job.kind === 'replay' ? 'requests replayed' : 'rows scored'} in ${formatDuration(job.duration_seconds)}`
      : job.state === 'failed'
        ? 'Failed'
        : 'Cancelled';
  return (
    <Alert color={jobStateColor[job.state]} variant="light" title={title} data-testid="job-outcome">
      <Stack gap="sm">
        {job.message && <Text size="sm" data-testid="job-message">{job.message}</Text>}
        {job.state === 'completed' && job.kind === 'predict' && (
          <Text size="sm">
            {job.rows_failed
              ? `${formatCount(job.rows_failed)} ${job.rows_failed === 1 ? 'row' : 'rows'} could not be scored: the error column says why.`
              : 'Every row was scored.'}
          </Text>
        )}
        {job.files && (
          <Group gap="sm">
            <Button leftSection={<IconDownload size={16} />} onClick={() => download.mutate({ id: job.id, file: 'result' })} data-testid="job-download-result">
              Download result{job.files.partial ? ` (rows 1–${formatCount(job.rows_done)})` : ''}
            </Button>
            <Button variant="default" leftSection={<IconDownload size={16} />} onClick={() => download.mutate({ id: job.id, file: 'errors' })} disabled={job.rows_failed === 0} data-testid="job-download-errors">
              Error rows ({formatCount(job.rows_failed)})
            </Button>
          </Group>
        )}
        {download.error && <Text c="red" size="sm">{errorMessage(download.error)}</Text>}
      </Stack>
    </Alert>
  );
}

function JobFacts({ job }: { job: JobView }) {
  return (
    <Paper withBorder p="md">
      <Title order={3} fz="md" mb="xs">Details</Title>
      <DataList orientation="horizontal" labelWidth={190} size="sm" data-testid="job-facts">
        {job.input && (
          <>
            <Item label="Input">{job.input.name} · {job.input.format === 'csv' ? 'CSV' : 'JSON Lines'} · {formatBytes(job.input.bytes)} · {job.input.uploaded ? 'uploaded' : 'read where it is'}</Item>
            <Item label="Input fingerprint (SHA-256)"><span className="md-mono">{job.input.sha256}</span></Item>
            <Item label="Result format">{job.output_format === 'jsonl' ? 'JSON Lines' : 'CSV'}</Item>
            <Item label="Rows that may fail">{(job.max_failed_fraction * 100).toFixed(1)}%</Item>
          </>
        )}
        <Item label="Worker threads">{job.workers ?? '—'}</Item>
        <Item label="Started">{job.started_at ? formatDateTime(job.started_at) : '—'}</Item>
        <Item label="Finished">{job.finished_at ? formatDateTime(job.finished_at) : '—'}</Item>
        <Item label="Running time">{formatDuration(job.duration_seconds)}</Item>
        {job.failed_rows.length > 0 && <Item label="First failed rows">{job.failed_rows.slice(0, 20).join(', ')}{job.failed_rows.length > 20 ? ', …' : ''}</Item>}
      </DataList>
    </Paper>
  );
}

function Figure({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <Stack gap={0}>
      <Text fz={22} fw={700} data-testid={testId}>{value}</Text>
      <Text size="xs" c="dimmed">{label}</Text>
    </Stack>
  );
}

function Item({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <DataList.Item>
      <DataList.ItemLabel>{label}</DataList.ItemLabel>
      <DataList.ItemValue>{children}</DataList.ItemValue>
    </DataList.Item>
  );
}
