import { Alert, Button, Checkbox, Group, Modal, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useState } from 'react';
import { errorMessage } from '../api/client.ts';
import { useStopAbTest } from '../api/abtests.ts';
import type { AbTest } from '../api/types.ts';
import { armName, stopPlan } from '../lib/abtest.ts';
import { useUserName } from '../lib/user.ts';

/** Stop: say what will be promoted and why; an override needs a reason, which is stored. */
export function StopAbTestModal({ test, opened, onClose }: { test: AbTest; opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title={`Stop “${test.title}”`} size="lg">
      {opened && <StopForm test={test} onClose={onClose} />}
    </Modal>
  );
}

function StopForm({ test, onClose }: { test: AbTest; onClose: () => void }) {
  const [user, setUser] = useUserName();
  const [name, setName] = useState(user);
  const [override, setOverride] = useState(false);
  const [forced, setForced] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const stop = useStopAbTest();
  const plan = stopPlan(test);
  const arms = test.results?.arms ?? [];

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    setUser(name.trim());
    stop.mutate(
      {
        id: test.id,
        body: {
          created_by: name.trim(),
          ...(reason.trim() ? { reason: reason.trim() } : {}),
          ...(override && forced ? { force_winner: Number(forced) } : {})
        }
      },
      { onSuccess: onClose }
    );
  };
  const invalid = !name.trim() || (override && (!forced || !reason.trim()));

  return (
    <form onSubmit={submit} data-testid="stop-modal">
      <Stack>
        <Alert color={plan.promote ? 'teal' : 'gray'} variant="light" title={plan.promote ? `Promote ${armName(plan.promote)}` : 'Keep production as it is'} data-testid="stop-plan">
          {plan.why}
        </Alert>
        <Checkbox
          label="Override the verdict and promote an arm myself"
          checked={override}
          onChange={(e) => setOverride(e.currentTarget.checked)}
          data-testid="stop-override"
        />
        {override && (
          <Select
            label="Promote"
            data={arms.map((a) => ({ value: String(a.algorithm_id), label: armName(a) }))}
            value={forced}
            onChange={setForced}
            required
            data-testid="stop-force-winner"
          />
        )}
        <Textarea
          label={override ? 'Reason for the override' : 'Note (optional)'}
          description="Stored in the test's summary and the status history"
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          required={override}
          autosize
          minRows={2}
          data-testid="stop-reason"
        />
        <TextInput label="Your name" value={name} onChange={(e) => setName(e.currentTarget.value)} required data-testid="stop-user" />
        {stop.isError && <Alert color="red" data-testid="stop-error">{errorMessage(stop.error)}</Alert>}
        <Text size="xs" c="dimmed">Stopping ends the routing: from now on the endpoint's production algorithm answers.</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>Cancel</Button>
          <Button type="submit" color="red" loading={stop.isPending} disabled={invalid} data-testid="stop-submit">Stop test</Button>
        </Group>
      </Stack>
    </form>
  );
}
