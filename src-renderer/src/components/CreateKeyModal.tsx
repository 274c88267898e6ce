import { Alert, Button, Code, CopyButton, Group, Modal, MultiSelect, NumberInput, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useCreateKey } from '../api/access.ts';
import { ApiError, apiBase, errorMessage } from '../api/client.ts';
import { useEndpoints } from '../api/registry.ts';
import { keyScopeValues, type CreatedApiKey, type KeyScope } from '../../../src-main/contract/access.ts';
import { IconCheck, IconCopy } from './icons.tsx';

export const scopeHelp: Record<KeyScope, string> = {
  predict: 'Predictions and feedback, for all endpoints or those you name.',
  read: 'Registry reads, the request log, monitoring and exports. Changes nothing.',
  admin: 'Everything, including registering models and managing keys.'
};

const expiries: { value: string; label: string; days: number | null }[] = [
  { value: 'never', label: 'Never', days: null },
  { value: '1', label: 'In 1 day', days: 1 },
  { value: '7', label: 'In 7 days', days: 7 },
  { value: '30', label: 'In 30 days', days: 30 },
  { value: '90', label: 'In 90 days', days: 90 },
  { value: '365', label: 'In a year', days: 365 }
];

/** Creates an API key, then shows its secret this once, with a first call to copy. */
export function CreateKeyModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const create = useCreateKey();
  const close = () => {
    // the secret leaves the page's memory with the dialog
    create.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={create.data ? 'Copy your new key' : 'New API key'} size="lg" data-testid="key-modal">
      {opened && (create.data ? <CreatedKey created={create.data} onDone={close} /> : <KeyForm create={create} onCancel={close} />)}
    </Modal>
  );
}

function KeyForm({ create, onCancel }: { create: ReturnType<typeof useCreateKey>; onCancel: () => void }) {
  const endpoints = useEndpoints();
  const [name, setName] = useState('');
  const [scope, setScope] = useState<KeyScope>('predict');
  const [only, setOnly] = useState<string[]>([]);
  const [expiry, setExpiry] = useState('never');
  const [rate, setRate] = useState<number | string>('');
  const fieldError = (field: string) => (create.error instanceof ApiError && create.error.field === field ? create.error.message : undefined);

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const days = expiries.find((e) => e.value === expiry)?.days ?? null;
    create.mutate({
      name: name.trim(),
      scope,
      ...(scope === 'predict' && only.length ? { endpoints: only } : {}),
      ...(days === null ? {} : { expires_at: new Date(Date.now() + days * 86_400_000).toISOString() }),
      ...(Number(rate) > 0 ? { rate_limit: Number(rate) } : {})
    });
  };

  return (
    <form onSubmit={submit}>
      <Stack>
        <TextInput
          label="Name"
          description="Who or what uses it: shown in the audit log, the request log and /metrics"
          placeholder="e.g. checkout-service"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={fieldError('name')}
          data-autofocus
          required
          data-testid="key-name"
        />
        <Stack gap={4}>
          <Text size="sm" fw={500} id="key-scope-label">Scope</Text>
          <SegmentedControl
            value={scope}
            onChange={(v) => setScope(v as KeyScope)}
            data={keyScopeValues.map((s) => ({ value: s, label: s }))}
            aria-labelledby="key-scope-label"
            data-testid="key-scope"
          />
          <Text size="xs" c="dimmed">{scopeHelp[scope]}</Text>
        </Stack>
        {scope === 'predict' && (
          <MultiSelect
            label="Endpoints"
            description="Leave empty for every endpoint"
            placeholder={only.length ? undefined : 'All endpoints'}
            data={(endpoints.data ?? []).map((e) => e.name)}
            value={only}
            onChange={setOnly}
            error={fieldError('endpoints')}
            clearable
            data-testid="key-endpoints"
          />
        )}
        <Group grow align="flex-start">
          <Select label="Expires" data={expiries.map(({ value, label }) => ({ value, label }))} value={expiry} onChange={(v) => setExpiry(v ?? 'never')} allowDeselect={false} error={fieldError('expires_at')} data-testid="key-expiry" />
          <NumberInput
            label="Rate limit"
            description="Requests per second; empty = none"
            min={0}
            decimalScale={2}
            value={rate}
            onChange={setRate}
            error={fieldError('rate_limit')}
            data-testid="key-rate"
          />
        </Group>
        {create.isError && !['name', 'endpoints', 'expires_at', 'rate_limit'].includes((create.error as ApiError).field ?? '') && (
          <Alert color="red" variant="light">{errorMessage(create.error)}</Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>Cancel</Button>
          <Button type="submit" loading={create.isPending} disabled={!name.trim()} data-testid="key-submit">Create key</Button>
        </Group>
      </Stack>
    </form>
  );
}

function CreatedKey({ created, onDone }: { created: CreatedApiKey; onDone: () => void }) {
  const example =
    created.scope === 'predict'
      ? `curl -X POST ${apiBase()}/${created.endpoints?.[0] ?? '<endpoint>'}/predict \\\n  -H "Authorization: Bearer ${created.key}" \\\n  -H 'content-type: application/json' -d '{…}'`
      : `curl ${apiBase()}/mlrequests?page_size=10 \\\n  -H "Authorization: Bearer ${created.key}"`;
  return (
    <Stack>
      <Alert color="yellow" variant="light" title="Shown this once">
        Copy the key now and keep it somewhere safe: ModelDesk stores only a hash of it and cannot show it again.
      </Alert>
      <Group gap="xs" wrap="nowrap">
        <Code fz="sm" style={{ flex: 1, overflowWrap: 'anywhere' }} data-testid="key-secret">{created.key}</Code>
        <CopyButton value={created.key}>
          {({ copied, copy }) => (
            <Button variant="default" leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />} onClick={copy} data-testid="key-copy">
              {copied ? 'Copied' : 'Copy'}
            </Button>
          )}
        </CopyButton>
      </Group>
      <Text size="sm">
        <b>{created.name}</b> · {created.scope}
        {created.endpoints ? ` · ${created.endpoints.join(', ')}` : ''}
        {created.expires_at ? ` · expires ${new Date(created.expires_at).toLocaleString()}` : ''}
        {created.rate_limit !== null ? ` · ${created.rate_limit} requests/s` : ''}
      </Text>
      <Code block>{example}</Code>
      <Group justify="flex-end">
        <Button onClick={onDone} data-testid="key-done">Done</Button>
      </Group>
    </Stack>
  );
}
