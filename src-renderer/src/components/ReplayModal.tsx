import { Alert, Button, Group, Modal, NumberInput, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { errorMessage } from '../api/client.ts';
import { useReplay, type JobView } from '../api/jobs.ts';
import { useAlgorithms, useEndpoints } from '../api/registry.ts';
import { statusLabel, statusRank } from '../lib/status.ts';
import { useUserName } from '../lib/user.ts';

/** "Replay the last N requests (or a time range) of endpoint E against version C." */
export function ReplayModal({ opened, onClose, onStarted }: { opened: boolean; onClose: () => void; onStarted: (job: JobView) => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Replay logged traffic against a candidate" size="lg">
      {opened && <ReplayForm onStarted={onStarted} />}
    </Modal>
  );
}

function ReplayForm({ onStarted }: { onStarted: (job: JobView) => void }) {
  const endpoints = useEndpoints();
  const algorithms = useAlgorithms();
  const replay = useReplay();
  const [user, setUser] = useUserName();
  const [endpointName, setEndpointName] = useState<string | null>(null);
  const [candidateId, setCandidateId] = useState<string | null>(null);
  const [mode, setMode] = useState<'last' | 'range'>('last');
  const [last, setLast] = useState<number | string>(1000);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');

  const endpoint = endpointName ?? endpoints.data?.[0]?.name ?? null;
  const own = (algorithms.data ?? [])
    .filter((a) => a.endpoint === endpoint && a.current_status !== 'archived')
    .sort((a, b) => statusRank(b.current_status) - statusRank(a.current_status));
  // the candidate defaults to a version that is not production
  const candidate = candidateId ?? (own.find((a) => a.current_status !== 'production') ?? own[0])?.id.toString() ?? null;

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (!endpoint || !candidate) return;
    const range = mode === 'last' ? { last: Number(last) } : { ...(from ? { from: new Date(from).toISOString() } : {}), ...(to ? { to: new Date(to).toISOString() } : {}) };
    replay.mutate({ endpoint, candidate_algorithm_id: Number(candidate), ...range, ...(user.trim() ? { created_by: user.trim() } : {}) }, { onSuccess: onStarted });
  };

  return (
    <form onSubmit={submit} data-testid="replay-form">
      <Stack>
        <Text size="sm" c="dimmed">
          The candidate scores the requests the endpoint answered, as they were sent. The report compares its answers with the ones given
          (per A/B arm, when a test routed them) and, where feedback was recorded, who was right more often.
        </Text>
        <SimpleGrid cols={2}>
          <Select label="Endpoint" data={(endpoints.data ?? []).map((e) => e.name)} value={endpoint} onChange={(v) => { setEndpointName(v); setCandidateId(null); }} allowDeselect={false} />
          <Select
            label="Candidate version"
            data={own.map((a) => ({ value: String(a.id), label: `${a.name} v${a.version} · ${statusLabel(a.current_status) ?? '—'}` }))}
            value={candidate}
            onChange={setCandidateId}
            allowDeselect={false}
            data-testid="replay-candidate"
          />
        </SimpleGrid>
        <SegmentedControl value={mode} onChange={(v) => setMode(v as 'last' | 'range')} data={[{ value: 'last', label: 'The last N requests' }, { value: 'range', label: 'A time range' }]} />
        {mode === 'last' ? (
          <NumberInput label="Requests" min={1} max={1_000_000} value={last} onChange={setLast} data-testid="replay-last" />
        ) : (
          <SimpleGrid cols={2}>
            <TextInput type="datetime-local" label="From" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
            <TextInput type="datetime-local" label="To" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
          </SimpleGrid>
        )}
        <TextInput label="Your name" value={user} onChange={(e) => setUser(e.currentTarget.value)} />
        {replay.error && <Alert color="red" variant="light" title="The replay was not started">{errorMessage(replay.error)}</Alert>}
        <Group justify="flex-end">
          <Button type="submit" loading={replay.isPending} disabled={!endpoint || !candidate} data-testid="replay-start">Replay</Button>
        </Group>
      </Stack>
    </form>
  );
}
