import { Alert, Button, Group, Modal, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useState } from 'react';
import { ApiError, errorMessage } from '../api/client.ts';
import { useCompatibility } from '../api/metadata.ts';
import { useAlgorithms, useSetStatus } from '../api/registry.ts';
import type { Algorithm, AlgorithmStatusValue } from '../api/types.ts';
import { algorithmLabel } from '../lib/format.ts';
import { statusLabels } from '../lib/status.ts';
import { useUserName } from '../lib/user.ts';
import { BreakingConsent, ContractDiff, type Consent } from './ContractDiff.tsx';
import { StatusBadge } from './StatusBadge.tsx';

export interface StatusChange {
  algorithm: Algorithm;
  status: AlgorithmStatusValue;
  /** shown above the form: what else happens (e.g. the current production moves to staging) */
  consequence?: string;
  title?: string;
  defaultReason?: string;
  /** the production algorithm leaves production with no successor: the endpoint stops serving (the server asks for this explicitly) */
  stopServing?: boolean;
}

/** Confirms a status change with who and why, then POSTs /mlalgorithmstatuses. */
export function StatusChangeModal({ change, onClose }: { change: StatusChange | null; onClose: () => void }) {
  const title = change?.title ?? (change?.status === 'production' ? 'Promote to production' : `Move to ${change ? statusLabels[change.status] : ''}`);
  return (
    <Modal opened={change !== null} onClose={onClose} title={title} size={change?.status === 'production' ? 'xl' : 'md'}>
      {change && <StatusChangeForm key={`${change.algorithm.id}-${change.status}`} change={change} title={title} onClose={onClose} />}
    </Modal>
  );
}

function StatusChangeForm({ change, title, onClose }: { change: StatusChange; title: string; onClose: () => void }) {
  const [user, setUser] = useUserName();
  const [reason, setReason] = useState(change.defaultReason ?? '');
  const [name, setName] = useState(user);
  const [consent, setConsent] = useState<Consent>({ accepted: false, reason: '' });
  const setStatus = useSetStatus();
  const algorithms = useAlgorithms();
  // a promotion is checked against the endpoint's input contract: show what clients would see first
  const promoting = change.status === 'production' && change.algorithm.current_status !== 'production';
  const compatibility = useCompatibility(promoting ? change.algorithm.parent_endpoint : undefined, promoting ? change.algorithm.id : undefined);
  const breaking = compatibility.data !== undefined && !compatibility.data.compatible;

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    setUser(name.trim());
    setStatus.mutate(
      {
        status: change.status,
        created_by: name.trim(),
        parent_mlalgorithm: change.algorithm.id,
        reason: reason.trim(),
        ...(breaking && consent.accepted ? { allow_breaking_change: true } : {}),
        ...(change.stopServing ? { stop_serving: true } : {})
      },
      { onSuccess: onClose }
    );
  };

  const error = setStatus.error;
  const fieldError = (field: string) => (error instanceof ApiError && error.field === field ? error.message : undefined);

  return (
    <form onSubmit={submit} data-testid="status-modal">
      <Stack>
        <Group gap="xs">
          <Text fw={600}>{algorithmLabel(change.algorithm)}</Text>
          <StatusBadge status={change.algorithm.current_status} />
          <Text c="dimmed">→</Text>
          <StatusBadge status={change.status} />
        </Group>
        {change.consequence && <Alert variant="light" color="blue">{change.consequence}</Alert>}
        {compatibility.data && compatibility.data.differences.some((d) => d.severity !== 'info') && (
          <ContractDiff compatibility={compatibility.data} algorithms={algorithms.data ?? []} />
        )}
        {breaking && <BreakingConsent value={consent} onChange={setConsent} withReason={false} />}
        <Textarea
          label="Reason"
          description="Kept in the status history"
          placeholder="e.g. better accuracy on the March validation set"
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          required
          autosize
          minRows={2}
          data-autofocus
          error={fieldError('reason')}
          data-testid="status-reason"
        />
        <TextInput
          label="Your name"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          required
          error={fieldError('created_by')}
          data-testid="status-user"
        />
        {error && !fieldError('reason') && !fieldError('created_by') && (
          <Alert color="red" data-testid="status-error">{errorMessage(error)}</Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>Cancel</Button>
          <Button
            type="submit"
            loading={setStatus.isPending}
            disabled={!reason.trim() || !name.trim() || (promoting && compatibility.isPending) || (breaking && !consent.accepted)}
            color={change.status === 'archived' ? 'red' : undefined}
            data-testid="status-submit"
          >
            {title}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
