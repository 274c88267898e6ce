import { Alert, Button, Checkbox, Group, Modal, MultiSelect, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useExportRegistry } from '../api/bundles.ts';
import { errorMessage } from '../api/client.ts';
import { useEndpoints } from '../api/registry.ts';
import { isDesktop } from '../lib/auth.ts';
import { IconDownload } from './icons.tsx';

/** Issue #5: download the registry (or some endpoints) as one .modeldesk bundle. */
export function ExportRegistryModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Export registry" size="md">
      {opened && <ExportForm onClose={onClose} />}
    </Modal>
  );
}

function ExportForm({ onClose }: { onClose: () => void }) {
  const endpoints = useEndpoints();
  const exporter = useExportRegistry();
  const [chosen, setChosen] = useState<string[]>([]);
  const [includeRequests, setIncludeRequests] = useState(false);
  return (
    <Stack data-testid="export-modal">
      <Text size="sm" c="dimmed">
        One .modeldesk file with the endpoints, every algorithm version and its model file, the full status
        history and the A/B test summaries. Import it on another machine to get the same registry.
      </Text>
      <MultiSelect
        label="Endpoints"
        placeholder={chosen.length ? undefined : 'All endpoints'}
        data={endpoints.data?.map((e) => e.name) ?? []}
        value={chosen}
        onChange={setChosen}
        clearable
      />
      <Checkbox label="Include the request log with feedback" checked={includeRequests} onChange={(e) => setIncludeRequests(e.currentTarget.checked)} />
      {exporter.isError && <Alert color="red">{errorMessage(exporter.error)}</Alert>}
      {exporter.isSuccess && (
        <Alert color="teal" data-testid="export-done">
          Download started: the bundle streams straight to a .modeldesk file.{' '}
          {isDesktop() ? 'Choose where to save it; the app tells you when it is saved.' : 'Your browser\'s downloads show its progress.'}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>{exporter.isSuccess ? 'Close' : 'Cancel'}</Button>
        <Button
          leftSection={<IconDownload size={16} />}
          loading={exporter.isPending}
          onClick={() => exporter.mutate({ endpoints: chosen, includeRequests })}
          data-testid="export-submit"
        >
          Export
        </Button>
      </Group>
    </Stack>
  );
}
