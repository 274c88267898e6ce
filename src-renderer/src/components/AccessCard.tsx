import { Alert, Anchor, Badge, Button, Code, DataList, Group, Paper, Stack, Switch, Text, Title } from '@mantine/core';
import { useAccessState, useSaveAccess } from '../api/access.ts';
import { errorMessage } from '../api/client.ts';
import type { AccessState } from '../../../src-main/contract/access.ts';
import { isDesktop } from '../lib/auth.ts';
import { DataListItem } from './DataListItem.tsx';
import { IconDownload, IconShield } from './icons.tsx';
import { QueryState } from './QueryState.tsx';

const modeText: Record<AccessState['mode'], { label: string; color: string; text: string }> = {
  loopback: {
    label: 'This machine only',
    color: 'teal',
    text: 'Programs on this machine may predict, give feedback and read the registry without a key, as the tutorial\'s clients expect; everything else needs a key or the admin token.'
  },
  strict: { label: 'Strict', color: 'indigo', text: 'Every route but health needs a key or the admin token, also from this machine.' },
  lan: { label: 'LAN', color: 'orange', text: 'Reachable from other machines: every route but health needs a key or the admin token.' }
};

/** Who can reach the server and how: the mode, the strict and LAN switches, the HTTPS certificate. */
export function AccessCard() {
  const access = useAccessState();
  return (
    <Paper withBorder p="lg" h="100%" data-testid="access-card">
      <Group gap="xs" mb="md"><IconShield /><Title order={3} fz="lg">Access</Title></Group>
      <QueryState query={access} label="access settings">{(state) => <AccessDetails state={state} />}</QueryState>
    </Paper>
  );
}

function AccessDetails({ state }: { state: AccessState }) {
  const save = useSaveAccess();
  const mode = modeText[state.mode];
  return (
    <Stack gap="md">
      <Group gap="xs" wrap="nowrap" align="flex-start">
        <Badge color={mode.color} variant="light" style={{ flexShrink: 0 }} data-testid="access-mode">{mode.label}{state.tls ? ' · HTTPS' : ''}</Badge>
        <Text size="sm">{mode.text}</Text>
      </Group>
      <Switch
        label="Strict: a key for everything but health"
        description={
          state.lan.active
            ? 'Serving the LAN already needs a key everywhere but health.'
            : state.strict.set_on_command_line
              ? 'Set by --strict when the server started.'
              : 'Applies at once.'
        }
        checked={state.strict.active}
        disabled={state.lan.active || state.strict.set_on_command_line || save.isPending}
        onChange={(e) => save.mutate({ strict: e.currentTarget.checked })}
        data-testid="access-strict"
      />
      <Switch
        label="Serve the LAN over HTTPS"
        description={
          isDesktop()
            ? 'Other machines can reach this app with a key. Applies when ModelDesk next starts.'
            : 'Used when serve starts without --host: every interface, HTTPS with a local certificate.'
        }
        checked={state.lan.saved}
        disabled={save.isPending}
        onChange={(e) => save.mutate({ lan: e.currentTarget.checked })}
        data-testid="access-lan"
      />
      {state.restart_needed && (
        <Alert color="yellow" variant="light" data-testid="access-restart">
          Restart ModelDesk to {state.lan.saved ? 'serve the LAN' : 'serve this machine only'}.
        </Alert>
      )}
      {save.isError && <Text c="red" size="sm">{errorMessage(save.error)}</Text>}
      {state.tls && <Certificate tls={state.tls} urls={state.urls} />}
    </Stack>
  );
}

function Certificate({ tls, urls }: { tls: NonNullable<AccessState['tls']>; urls: string[] }) {
  return (
    <Stack gap="xs">
      <DataList orientation="horizontal" labelWidth={130} size="sm">
        {urls.length > 0 && (
          <DataListItem label="On the LAN">
            <Stack gap={2}>{urls.map((u) => <Code key={u}>{u}</Code>)}</Stack>
          </DataListItem>
        )}
        <DataListItem label="Certificate SHA-256">
          <Code className="md-mono" style={{ overflowWrap: 'anywhere' }} data-testid="access-fingerprint">{tls.fingerprint256}</Code>
        </DataListItem>
        {tls.ca_fingerprint256 && (
          <DataListItem label="Local CA SHA-256">
            <Code className="md-mono" style={{ overflowWrap: 'anywhere' }} data-testid="access-ca-fingerprint">{tls.ca_fingerprint256}</Code>
          </DataListItem>
        )}
        <DataListItem label="Valid for">
          <Text size="sm" style={{ overflowWrap: 'anywhere' }}>{tls.names.join(', ')}</Text>
        </DataListItem>
      </DataList>
      {tls.ca_url && (
        <Group gap="sm">
          <Button component="a" href={tls.ca_url} download="modeldesk-ca.pem" variant="default" leftSection={<IconDownload size={16} />} data-testid="access-ca-download">
            Download the CA certificate
          </Button>
          <Text size="xs" c="dimmed" maw={360}>
            Clients trust it with <Anchor href="https://curl.se/docs/manpage.html#--cacert" target="_blank" rel="noreferrer">curl --cacert</Anchor>,
            Python <code>verify=</code> or Node <code>ca</code>; check its fingerprint against this one first.
          </Text>
        </Group>
      )}
    </Stack>
  );
}
