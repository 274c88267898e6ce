import { Alert, Button, Group, Modal, Stack, TextInput, Textarea, Tooltip } from '@mantine/core';
import { useState } from 'react';
import { errorMessage } from '../api/client.ts';
import { useRollback, useRollbackPlan } from '../api/metadata.ts';
import type { Algorithm, RollbackResult } from '../api/types.ts';
import { useUserName } from '../lib/user.ts';
import { BreakingConsent, ContractDiff, type Consent } from './ContractDiff.tsx';
import { IconHistory } from './icons.tsx';

/**
 * Back to the algorithm that served production before the current one. What that means comes
 * from the server (a dry run of POST /endpoints/{id}/rollback), which also does it.
 */
export function RollbackButton({ endpointId, algorithms }: { endpointId: number; algorithms: Algorithm[] }) {
  const plan = useRollbackPlan(endpointId);
  const [open, setOpen] = useState(false);
  const result = plan.data;
  if (!result?.possible) {
    return (
      <Tooltip label={result?.description ?? 'Checking what a rollback would do…'} multiline w={280}>
        <Button variant="default" leftSection={<IconHistory size={16} />} data-disabled aria-disabled="true" onClick={(e) => e.preventDefault()} data-testid="rollback">
          Roll back
        </Button>
      </Tooltip>
    );
  }
  return (
    <>
      <Tooltip label={result.description} multiline w={320}>
        <Button variant="default" leftSection={<IconHistory size={16} />} onClick={() => setOpen(true)} data-testid="rollback">
          Roll back
        </Button>
      </Tooltip>
      <Modal opened={open} onClose={() => setOpen(false)} title={`Roll back to ${result.to!.name} v${result.to!.version}`} size="lg">
        {open && <RollbackForm endpointId={endpointId} plan={result} algorithms={algorithms} onClose={() => setOpen(false)} />}
      </Modal>
    </>
  );
}

function RollbackForm({ endpointId, plan, algorithms, onClose }: { endpointId: number; plan: RollbackResult; algorithms: Algorithm[]; onClose: () => void }) {
  const [user, setUser] = useUserName();
  const [name, setName] = useState(user);
  const [reason, setReason] = useState(plan.from ? `Rollback from ${plan.from.name} v${plan.from.version}` : 'Rollback');
  const [consent, setConsent] = useState<Consent>({ accepted: false, reason: '' });
  const rollback = useRollback(endpointId);
  const breaking = plan.compatibility !== null && !plan.compatibility.compatible;
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    setUser(name.trim());
    rollback.mutate(
      { reason: reason.trim(), created_by: name.trim(), ...(breaking && consent.accepted ? { allow_breaking_change: true } : {}) },
      { onSuccess: onClose }
    );
  };
  return (
    <form onSubmit={submit} data-testid="rollback-modal">
      <Stack>
        <Alert variant="light" color="blue" data-testid="rollback-plan">{plan.description}</Alert>
        {plan.compatibility && plan.compatibility.differences.some((d) => d.severity !== 'info') && (
          <ContractDiff compatibility={plan.compatibility} algorithms={algorithms} />
        )}
        {breaking && <BreakingConsent value={consent} onChange={setConsent} withReason={false} />}
        <Textarea label="Reason" description="Kept in the status history" value={reason} onChange={(e) => setReason(e.currentTarget.value)} required autosize minRows={2} data-testid="rollback-reason" />
        <TextInput label="Your name" value={name} onChange={(e) => setName(e.currentTarget.value)} required data-testid="rollback-user" />
        {rollback.isError && <Alert color="red" data-testid="rollback-error">{errorMessage(rollback.error)}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>Cancel</Button>
          <Button type="submit" loading={rollback.isPending} disabled={!reason.trim() || !name.trim() || (breaking && !consent.accepted)} data-testid="rollback-submit">
            Roll back
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
