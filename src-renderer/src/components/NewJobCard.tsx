import { Alert, Button, Grid, Group, NumberInput, Paper, Select, Stack, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { usePathJob, useUploadJob, type JobView } from '../api/jobs.ts';
import { errorMessage } from '../api/client.ts';
import { useAlgorithms, useEndpoints } from '../api/registry.ts';
import { statusLabel, statusRank } from '../lib/status.ts';
import { useUserName } from '../lib/user.ts';
import { JobInputPicker, type JobInput } from './JobInputPicker.tsx';
import { TransferProgress, type Transfer } from './TransferProgress.tsx';

const formats = [
  { value: '', label: 'As the input' },
  { value: 'csv', label: 'CSV' },
  { value: 'jsonl', label: 'JSON Lines' }
];

/** Choose a file, the endpoint and the version (production unless changed), start. */
export function NewJobCard({ onStarted }: { onStarted: (job: JobView) => void }) {
  const endpoints = useEndpoints();
  const algorithms = useAlgorithms();
  const [user, setUser] = useUserName();
  const [input, setInput] = useState<JobInput | null>(null);
  const [endpointName, setEndpointName] = useState<string | null>(null);
  const [versionId, setVersionId] = useState<string | null>(null);
  const [outputFormat, setOutputFormat] = useState('');
  const [maxFailed, setMaxFailed] = useState<number | string>(1);
  const [transfer, setTransfer] = useState<Transfer | null>(null);
  const uploadJob = useUploadJob((done, total) => setTransfer({ done, total }));
  const pathJob = usePathJob();

  const endpoint = endpointName ?? endpoints.data?.[0]?.name ?? null;
  const own = (algorithms.data ?? [])
    .filter((a) => a.endpoint === endpoint && a.current_status !== 'archived')
    .sort((a, b) => statusRank(a.current_status) - statusRank(b.current_status));
  const production = own.find((a) => a.current_status === 'production');
  const version = versionId ?? (production ? String(production.id) : own[0] ? String(own[0].id) : null);
  const busy = uploadJob.isPending || pathJob.isPending;
  const error = uploadJob.error ?? pathJob.error;

  const start = () => {
    if (!input || !endpoint || !version) return;
    const fields = {
      endpoint,
      algorithm_id: version,
      output_format: outputFormat,
      max_failed_fraction: String(Number(maxFailed) / 100),
      created_by: user.trim()
    };
    const done = { onSuccess: (job: JobView) => { setInput(null); setTransfer(null); onStarted(job); } };
    if (input.kind === 'upload') uploadJob.mutate({ file: input.file, fields }, done);
    else {
      pathJob.mutate(
        {
          endpoint,
          algorithm_id: Number(version),
          path: input.picked.path,
          max_failed_fraction: Number(maxFailed) / 100,
          ...(outputFormat ? { output_format: outputFormat as 'csv' | 'jsonl' } : {}),
          ...(user.trim() ? { created_by: user.trim() } : {})
        },
        done
      );
    }
  };

  return (
    <Paper withBorder p="md" data-testid="new-job">
      <Stack>
        <Title order={2} fz="lg">Score a file</Title>
        <JobInputPicker value={input} onChange={(next) => { setInput(next); uploadJob.reset(); pathJob.reset(); }} />
        <Grid>
          <Grid.Col span={{ base: 12, md: 6, lg: 2.5 }}>
            <Select
              label="Endpoint"
              data={(endpoints.data ?? []).map((e) => e.name)}
              value={endpoint}
              onChange={(value) => { setEndpointName(value); setVersionId(null); }}
              allowDeselect={false}
              data-testid="job-endpoint"
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 6, lg: 3.5 }}>
            <Select
              label="Version (production unless chosen)"
              data={own.map((a) => ({ value: String(a.id), label: `${a.name} v${a.version} · ${statusLabel(a.current_status) ?? '—'}` }))}
              value={version}
              onChange={setVersionId}
              allowDeselect={false}
              data-testid="job-version"
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 4, lg: 2 }}>
            <Select label="Result format" data={formats} value={outputFormat} onChange={(v) => setOutputFormat(v ?? '')} allowDeselect={false} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 4, lg: 2 }}>
            <NumberInput label="Rows that may fail" min={0} max={100} step={0.5} suffix="%" value={maxFailed} onChange={setMaxFailed} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 4, lg: 2 }}>
            <TextInput label="Your name" value={user} onChange={(e) => setUser(e.currentTarget.value)} data-testid="job-user" />
          </Grid.Col>
        </Grid>
        {uploadJob.isPending && <TransferProgress label="Uploading" transfer={transfer} />}
        {error && <Alert color="red" variant="light" title="The job was not started" data-testid="job-error">{errorMessage(error)}</Alert>}
        <Group justify="flex-end">
          <Button onClick={start} disabled={!input || !endpoint || !version} loading={busy} data-testid="job-start">Start job</Button>
        </Group>
      </Stack>
    </Paper>
  );
}
