import { Alert, Button, Center, Code, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { api, ApiError, setToken } from '../api/client.ts';
import { rememberToken } from '../lib/auth.ts';
import { clearUnauthorized } from '../lib/unauthorized.ts';

/** Shown when the tab has no admin token (opened without ?token=) or the server refused it. */
export function TokenGate({ expired, onSignedIn }: { expired: boolean; onSignedIn: () => void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const token = value.trim().replace(/^.*[?&]token=/, '');
    setBusy(true);
    setToken(token);
    try {
      await api('/mlrequests', { query: { page_size: 1 } });
      rememberToken(token);
      clearUnauthorized();
      onSignedIn();
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? 'The server did not accept this token.'
          : err instanceof ApiError && err.status === 403
            ? 'This key cannot read the request log: the app needs a read or admin key (or the admin token).'
            : String(err)
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <Center mih="100vh" p="md" data-app-state="loaded" data-testid="token-gate">
      <Paper withBorder shadow="sm" p="xl" maw={480} w="100%">
        <form onSubmit={submit}>
          <Stack>
            <Title order={2}>Connect to ModelDesk</Title>
            {expired && <Alert color="orange">The server no longer accepts this tab's token (was it restarted?).</Alert>}
            <Text c="dimmed" size="sm">
              Open the address printed by <Code>npm run serve</Code> (it ends with <Code>?token=…</Code>), or paste
              that address, the admin token or an API key with the read or admin scope here.
            </Text>
            <PasswordInput
              label="Admin token or API key"
              value={value}
              onChange={(e) => setValue(e.currentTarget.value)}
              error={error}
              autoFocus
              data-testid="token-input"
            />
            <Button type="submit" loading={busy} disabled={!value.trim()}>
              Connect
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
