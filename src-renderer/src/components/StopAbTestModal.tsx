import { Alert, Button, Group, Modal, Radio, Select, Stack, Table, Text, TextInput, Textarea } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { ApiError } from '../api/client.ts';
import { useStopAbTest, useStopPlan } from '../api/abtests.ts';
import type { AbTest, StopAbTest, StopAbTestResponse } from '../api/types.ts';
import { armName } from '../lib/abtest.ts';
import { useUserName } from '../lib/user.ts';
import { StatusBadge } from './StatusBadge.tsx';

type Choice = 'keep' | 'verdict' | 'override';

/**
 * Stop: choose what happens (keep production as it was, promote the proven winner, or promote an
 * arm against the statistics with a reason); what it will do is the server's dry run of that very
 * choice, shown before the user confirms.
 */
export function StopAbTestModal({ test, opened, onClose }: { test: AbTest; opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title={`Stop “${test.title}”`} size="lg">
      {opened && <StopForm test={test} onClose={onClose} />}
    </Modal>
  );
}

/** Server answers in the words of this dialog, never its API field names. */
function friendlyError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.field === 'reason') return 'Say why you promote this arm against the statistics.';
    if (error.field === 'force_winner') return 'Choose one of the arms of this test.';
    return error.message;
  }
  return error instanceof Error ? error.message : 'Something went wrong';
}

function StopForm({ test, onClose }: { test: AbTest; onClose: () => void }) {
  const [user, setUser] = useUserName();
  const [name, setName] = useState(user);
  const winner = test.results?.verdict.code === 'better' ? test.results.arms.find((a) => a.algorithm_id === test.results!.verdict.winner_algorithm_id) : undefined;
  const [choice, setChoice] = useState<Choice>(winner ? 'verdict' : 'keep');
  const [forced, setForced] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [debouncedReason] = useDebouncedValue(reason.trim(), 300);
  const body = (note: string): StopAbTest => ({
    ...(choice === 'keep' ? { keep_production: true } : {}),
    ...(choice === 'override' && forced ? { force_winner: Number(forced) } : {}),
    ...(note ? { reason: note } : {})
  });
  const planned = useStopPlan(test.id, body(debouncedReason));
  const stop = useStopAbTest();
  const arms = test.results?.arms ?? [];

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    setUser(name.trim());
    stop.mutate({ id: test.id, body: { ...body(reason.trim()), created_by: name.trim() } }, { onSuccess: onClose });
  };
  const invalid = !name.trim() || (choice === 'override' && (!forced || !reason.trim())) || !planned.data;

  return (
    <form onSubmit={submit} data-testid="stop-modal">
      <Stack>
        <Radio.Group value={choice} onChange={(v) => setChoice(v as Choice)} label="When the test stops" data-testid="stop-choice">
          <Stack gap={6} mt={4}>
            <Radio value="keep" label="Keep production as it was: every algorithm gets back the status it had before the test" data-testid="stop-choice-keep" />
            {winner && <Radio value="verdict" label={`Promote the winner the statistics found: ${armName(winner)}`} data-testid="stop-choice-verdict" />}
            <Radio value="override" label="Promote an arm myself, whatever the statistics say (needs a reason)" data-testid="stop-choice-override" />
          </Stack>
        </Radio.Group>
        {choice === 'override' && (
          <Select label="Promote" data={arms.map((a) => ({ value: String(a.algorithm_id), label: armName(a) }))} value={forced} onChange={setForced} required data-testid="stop-force-winner" />
        )}
        <Textarea
          label={choice === 'override' ? 'Why promote it against the statistics?' : 'Note (optional)'}
          description="Stored in the test's summary and the status history"
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          required={choice === 'override'}
          autosize
          minRows={2}
          data-testid="stop-reason"
        />
        <PlanView plan={planned.data} error={planned.error} stale={planned.isPlaceholderData || planned.isFetching} />
        <TextInput label="Your name" value={name} onChange={(e) => setName(e.currentTarget.value)} required data-testid="stop-user" />
        {stop.isError && <Alert color="red" data-testid="stop-error">{friendlyError(stop.error)}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>Cancel</Button>
          <Button type="submit" color="red" loading={stop.isPending} disabled={invalid} data-testid="stop-submit">Stop test</Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The server's plan: in words, and each arm's status before → after. */
function PlanView({ plan, error, stale }: { plan: StopAbTestResponse | undefined; error: unknown; stale: boolean }) {
  if (error && !plan) return <Alert color="red" data-testid="stop-plan">{friendlyError(error)}</Alert>;
  if (!plan) return <Alert color="gray" variant="light" data-testid="stop-plan">Asking the server what stopping would do…</Alert>;
  const promoted = plan.changes?.find((c) => c.algorithm_id === plan.outcome?.promoted_algorithm_id);
  return (
    <Alert
      color={promoted ? 'teal' : 'gray'}
      variant="light"
      title={promoted ? `Promote ${promoted.arm}: ${promoted.name} v${promoted.version}` : 'Keep production as it was'}
      style={{ opacity: stale ? 0.7 : 1 }}
      data-testid="stop-plan"
    >
      <Text size="sm" data-testid="stop-plan-text">{plan.description}</Text>
      {plan.changes && (
        <Table mt="xs" verticalSpacing={2} fz="sm" data-testid="stop-plan-changes">
          <Table.Tbody>
            {plan.changes.map((c) => (
              <Table.Tr key={c.algorithm_id}>
                <Table.Td>{c.arm}: {c.name} v{c.version}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}><StatusBadge status={c.from} size="xs" /> → <StatusBadge status={c.to} size="xs" /></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Alert>
  );
}
