import { ActionIcon, CopyButton, Group, PasswordInput, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from './icons.tsx';

/** The admin token, masked until revealed, with a copy button. */
export function TokenField({ token }: { token: string }) {
  return (
    <Group gap="xs" wrap="nowrap" align="flex-end">
      <PasswordInput
        label="Admin token"
        description="Send it as Authorization: Bearer <token> on admin routes"
        value={token}
        readOnly
        visibilityToggleButtonProps={{ 'aria-label': 'Reveal or hide the token' }}
        style={{ flex: 1 }}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        data-testid="server-token"
      />
      <CopyButton value={token}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : 'Copy token'}>
            <ActionIcon size={36} variant="default" onClick={copy} aria-label="Copy admin token" data-testid="copy-token">
              {copied ? <IconCheck /> : <IconCopy />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}
