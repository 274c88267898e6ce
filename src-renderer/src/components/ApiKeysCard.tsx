import { Badge, Button, Group, Modal, Paper, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { useState } from 'react';
import { useApiKeys, useRevokeKey } from '../api/access.ts';
import { ApiError, errorMessage } from '../api/client.ts';
import type { ApiKey } from '../../../src-main/contract/access.ts';
import { formatDateTime, formatRelative } from '../lib/format.ts';
import { CreateKeyModal, scopeHelp } from './CreateKeyModal.tsx';
import { IconKey, IconPlus } from './icons.tsx';
import { Empty, QueryState } from './QueryState.tsx';

const stateColor = { active: 'teal', expired: 'gray', revoked: 'red' } as const;

/** Server → API keys: named keys with a scope, created (secret shown once), listed, revoked. */
export function ApiKeysCard() {
  const keys = useApiKeys();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const forbidden = keys.error instanceof ApiError && keys.error.status === 403;
  return (
    <Paper withBorder p="lg" mt="lg" data-testid="keys-card">
      <Group justify="space-between" align="flex-start" mb="md">
        <div>
          <Title order={3} fz="lg" mb={4}>API keys</Title>
          <Text size="sm" c="dimmed" maw={720}>
            Give each app or colleague its own key, with only the scope it needs: <b>predict</b> (predictions and feedback,
            optionally for some endpoints), <b>read</b> (registry, request log, monitoring, exports) or <b>admin</b>. Send it as{' '}
            <code>Authorization: Bearer &lt;key&gt;</code>. A revoked or expired key is refused from its next request on.
          </Text>
        </div>
        {!forbidden && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)} data-testid="key-create">New key</Button>
        )}
      </Group>
      {forbidden ? (
        <Text size="sm" c="dimmed">Only an admin credential can manage keys.</Text>
      ) : (
        <QueryState
          query={keys}
          label="API keys"
          isEmpty={(list) => list.length === 0}
          empty={<Empty title="No API keys yet" description="Programs on this machine may predict without one; create keys for anything else." testId="keys-empty" />}
        >
          {(list) => <KeyTable keys={list} onRevoke={setRevoking} />}
        </QueryState>
      )}
      <CreateKeyModal opened={creating} onClose={() => setCreating(false)} />
      <RevokeModal apiKey={revoking} onClose={() => setRevoking(null)} />
    </Paper>
  );
}

function KeyTable({ keys, onRevoke }: { keys: ApiKey[]; onRevoke: (k: ApiKey) => void }) {
  return (
    <Table.ScrollContainer minWidth={860}>
      <Table verticalSpacing="xs" data-testid="keys-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Scope</Table.Th>
            <Table.Th>Key</Table.Th>
            <Table.Th>Last used</Table.Th>
            <Table.Th>Expires</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {keys.map((k) => (
            <Table.Tr key={k.id} data-testid={`key-row-${k.id}`} style={k.state === 'active' ? undefined : { opacity: 0.6 }}>
              <Table.Td>
                <Group gap={6} wrap="nowrap"><IconKey size={15} /><Text size="sm" fw={500}>{k.name}</Text></Group>
                <Text size="xs" c="dimmed">by {k.created_by || '—'}, {formatDateTime(k.created_at)}</Text>
              </Table.Td>
              <Table.Td>
                <Tooltip label={scopeHelp[k.scope]} multiline w={260}><Badge variant="light" color={k.scope === 'admin' ? 'orange' : 'indigo'}>{k.scope}</Badge></Tooltip>
                {k.endpoints && <Text size="xs" c="dimmed">{k.endpoints.join(', ')}</Text>}
                {k.rate_limit !== null && <Text size="xs" c="dimmed">{k.rate_limit} requests/s</Text>}
              </Table.Td>
              <Table.Td><Text size="sm" className="md-mono">{k.prefix}…</Text></Table.Td>
              <Table.Td>
                {k.last_used_at ? (
                  <>
                    <Text size="sm" title={formatDateTime(k.last_used_at)}>{formatRelative(k.last_used_at)}</Text>
                    <Text size="xs" c="dimmed" className="md-mono">{k.last_used_address}</Text>
                  </>
                ) : (
                  <Text size="sm" c="dimmed">never</Text>
                )}
              </Table.Td>
              <Table.Td><Text size="sm">{k.expires_at ? formatDateTime(k.expires_at) : 'never'}</Text></Table.Td>
              <Table.Td><Badge variant="dot" color={stateColor[k.state]} data-testid={`key-state-${k.id}`}>{k.state}</Badge></Table.Td>
              <Table.Td ta="right">
                {k.state !== 'revoked' && (
                  <Button size="compact-sm" variant="subtle" color="red" onClick={() => onRevoke(k)} data-testid={`key-revoke-${k.id}`}>Revoke</Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function RevokeModal({ apiKey, onClose }: { apiKey: ApiKey | null; onClose: () => void }) {
  const revoke = useRevokeKey();
  const close = () => {
    revoke.reset();
    onClose();
  };
  return (
    <Modal opened={apiKey !== null} onClose={close} title="Revoke this key?">
      {apiKey && (
        <Stack>
          <Text size="sm">
            <b>{apiKey.name}</b> ({apiKey.prefix}…, {apiKey.scope}) will be refused from its next request on, also on connections
            already open. This cannot be undone: create a new key to give access again.
          </Text>
          {revoke.isError && <Text c="red" size="sm">{errorMessage(revoke.error)}</Text>}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>Cancel</Button>
            <Button color="red" loading={revoke.isPending} onClick={() => revoke.mutate(apiKey.id, { onSuccess: close })} data-testid="key-revoke-confirm">
              Revoke
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
