import { Alert, Button, DataList, Group, NumberInput, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { LogStorage } from '../../../src-main/contract/log-storage.ts';
import { servingSettings, settingDescription, type ServingSettingName } from '../../../src-main/contract/serving-settings.ts';
import { errorMessage } from '../api/client.ts';
import { useLogStorage, useSaveRetention } from '../api/log-storage.ts';
import { useServingSettings } from '../api/serving.ts';
import type { ServingSettings } from '../api/types.ts';
import { DataListItem } from './DataListItem.tsx';
import { QueryState } from './QueryState.tsx';

type RetentionName = 'log_retention_days' | 'log_retention_mb';
// the Request log section of the settings table (src-main/contract/serving-settings.ts)
const retentionNames = (Object.keys(servingSettings) as ServingSettingName[]).filter(
  (name): name is RetentionName => servingSettings[name].section === 'request_log'
);

/** The request log's size on disk, how long it keeps requests, and a warning when the disk is nearly full. */
export function RequestLogCard() {
  const storage = useLogStorage();
  const settings = useServingSettings();
  // held here: the form starts afresh from each saved version, the outcome must outlive it
  const save = useSaveRetention();
  return (
    <Paper withBorder p="lg" mt="lg" data-testid="request-log">
      <Title order={3} fz="lg" mb={4}>Request log</Title>
      <Text size="sm" c="dimmed" mb="md">
        Every prediction is logged with its input and answer, for feedback, A/B tests and monitoring. By default nothing is
        deleted; set how long to keep requests, or how large the database may grow.
      </Text>
      <QueryState query={storage} label="request log size">{(data) => <Storage storage={data} />}</QueryState>
      {settings.data && <RetentionForm key={retentionNames.map((n) => settings.data.saved[n]).join('/')} settings={settings.data} save={save} />}
    </Paper>
  );
}

function Storage({ storage }: { storage: LogStorage }) {
  const { disk, last_prune: last } = storage;
  return (
    <Stack gap="sm" mb="md">
      {disk.nearly_full && (
        <Alert color="orange" variant="light" title="The disk is nearly full" data-testid="request-log-disk-warning">
          The disk holding the data folder has {bytes(disk.free_bytes)} free of {bytes(disk.total_bytes)}. When it is full,
          predictions are refused (HTTP 507) until space is freed; nothing already answered is lost. Keep fewer requests
          below, or free space on the disk.
        </Alert>
      )}
      <DataList orientation="horizontal" labelWidth={170} size="sm">
        <DataListItem label="Size on disk">
          <span data-testid="request-log-size">{bytes(storage.database_bytes + storage.wal_bytes)}</span>
          <Text span size="xs" c="dimmed"> (database {bytes(storage.database_bytes)}, write-ahead log {bytes(storage.wal_bytes)})</Text>
        </DataListItem>
        <DataListItem label="Requests logged">
          <span data-testid="request-log-rows">{storage.rows.toLocaleString()}</span>
          {storage.oldest_created_at && <Text span size="xs" c="dimmed"> since {new Date(storage.oldest_created_at).toLocaleString()}</Text>}
        </DataListItem>
        <DataListItem label="Disk">
          <span data-testid="request-log-disk">{bytes(disk.free_bytes)} free of {bytes(disk.total_bytes)}</span>
        </DataListItem>
        <DataListItem label="Last pruned">
          <span data-testid="request-log-last-prune">
            {last
              ? `${new Date(last.at).toLocaleString()}: ${last.deleted_rows.toLocaleString()} deleted` +
                (last.kept_for_ab_tests ? `, ${last.kept_for_ab_tests.toLocaleString()} kept for running A/B tests` : '') +
                (last.error ? ` (stopped: ${last.error})` : '')
              : 'never'}
          </span>
        </DataListItem>
      </DataList>
      {!storage.shrinks && storage.shrink_note && <Text size="xs" c="dimmed">The file does not shrink: {storage.shrink_note}.</Text>}
    </Stack>
  );
}

function RetentionForm({ settings, save }: { settings: ServingSettings; save: ReturnType<typeof useSaveRetention> }) {
  const [draft, setDraft] = useState<Partial<Record<RetentionName, number>>>(() =>
    Object.fromEntries(retentionNames.filter((n) => settings.saved[n] !== undefined).map((n) => [n, settings.saved[n]]))
  );
  const fixed = (name: RetentionName) => settings.set_on_command_line.includes(name);
  const dirty = retentionNames.some((n) => (draft[n] ?? null) !== (settings.saved[n] ?? null));
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate(Object.fromEntries(retentionNames.map((n) => [n, draft[n] ?? null])));
      }}
    >
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        {retentionNames.map((name) => {
          const row = servingSettings[name];
          return (
            <NumberInput
              key={name}
              label={`${row.label} (${row.unit})`}
              description={fixed(name) ? `Set by ${row.cliFlag} when the server started: that value stays in effect.` : settingDescription(name)}
              placeholder={settings[name] ? String(settings[name]) : 'keep everything'}
              inputWrapperOrder={['label', 'input', 'description', 'error']}
              min={row.minimum}
              max={row.maximum}
              allowDecimal={false}
              value={draft[name] ?? ''}
              onChange={(v) => setDraft((d) => ({ ...d, [name]: typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined }))}
              data-testid={`serving-${name}`}
            />
          );
        })}
      </SimpleGrid>
      {save.isError && <Alert color="red" mt="sm" data-testid="request-log-error">{errorMessage(save.error)}</Alert>}
      <Group justify="flex-end" mt="md" gap="sm">
        {save.isSuccess && !dirty && <Text size="sm" c="teal" data-testid="request-log-saved">Saved; rows past it are deleted in the background</Text>}
        <Button type="submit" disabled={!dirty} loading={save.isPending} data-testid="request-log-save">Save</Button>
      </Group>
    </form>
  );
}

function bytes(n: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toLocaleString(undefined, { maximumFractionDigits: unit === 0 ? 0 : 1 })} ${units[unit]}`;
}
