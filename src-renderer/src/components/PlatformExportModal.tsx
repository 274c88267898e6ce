import { Alert, Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { errorMessage } from '../api/client.ts';
import { downloadExport, parityMismatches, usePlatformExport } from '../api/platforms.ts';
import { useEndpoints } from '../api/registry.ts';
import { defaultStorageUri } from '../../../src-main/contract/platforms.ts';
import { ParityMismatchTable, PlatformExportSummary } from './PlatformExportResult.tsx';
import { IconDownload } from './icons.tsx';

/**
 * Issue 19 §1–2: export the registry (or one endpoint) for Triton, KServe and Seldon Core v2.
 * The server writes the folder into its data directory after the parity check; a refused
 * export shows the answers that differ.
 */
export function PlatformExportModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Export for Triton, KServe and Seldon" size="xl">
      {opened && <PlatformExportForm onClose={onClose} />}
    </Modal>
  );
}

function PlatformExportForm({ onClose }: { onClose: () => void }) {
  const endpoints = useEndpoints();
  const exporter = usePlatformExport();
  const [endpoint, setEndpoint] = useState<string | null>(null);
  const [storageUri, setStorageUri] = useState(defaultStorageUri);
  const [namespace, setNamespace] = useState('');
  const [download, setDownload] = useState<{ pending: boolean; error: string | null }>({ pending: false, error: null });
  const mismatches = parityMismatches(exporter.error);
  const result = exporter.data;

  const submit = () =>
    exporter.mutate({
      storage_uri: storageUri.trim(),
      ...(endpoint ? { endpoint } : {}),
      ...(namespace.trim() ? { namespace: namespace.trim() } : {})
    });
  const fetchZip = async (name: string) => {
    setDownload({ pending: true, error: null });
    try {
      await downloadExport(name);
      setDownload({ pending: false, error: null });
    } catch (err) {
      setDownload({ pending: false, error: errorMessage(err) });
    }
  };

  return (
    <Stack data-testid="platform-export-modal">
      <Text size="sm" c="dimmed">
        A Triton model repository (one model per version, the graph ModelDesk serves, its config.pbtxt and class
        labels) with KServe and Seldon Core v2 manifests that keep the running A/B split. Before anything is written,
        every exported model must answer its last logged requests exactly as ModelDesk did.
      </Text>
      {!result && (
        <>
          <Select
            label="Endpoint"
            placeholder="All endpoints"
            data={endpoints.data?.map((e) => e.name) ?? []}
            value={endpoint}
            onChange={setEndpoint}
            clearable
            data-testid="platform-endpoint"
          />
          <TextInput
            label="Storage URI"
            description="Where you will upload the folder (s3://…, gs://…, pvc://…); the Kubernetes manifests point there."
            value={storageUri}
            onChange={(e) => setStorageUri(e.currentTarget.value)}
            error={exporter.error && !mismatches && (exporter.error as { field?: string }).field === 'storage_uri' ? errorMessage(exporter.error) : undefined}
            data-testid="platform-storage-uri"
          />
          <TextInput label="Kubernetes namespace" placeholder="(none)" value={namespace} onChange={(e) => setNamespace(e.currentTarget.value)} />
        </>
      )}
      {mismatches && (
        <Alert color="red" title="Export stopped: nothing was written" data-testid="platform-parity-refused">
          <Stack gap="xs">
            <Text size="sm">The exported models answer {mismatches.length} field(s) differently from what ModelDesk answered:</Text>
            <ParityMismatchTable mismatches={mismatches} />
          </Stack>
        </Alert>
      )}
      {exporter.isError && !mismatches && <Alert color="red">{errorMessage(exporter.error)}</Alert>}
      {result && <PlatformExportSummary result={result} />}
      {download.error && <Alert color="red">{download.error}</Alert>}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>{result ? 'Close' : 'Cancel'}</Button>
        {result ? (
          <Button leftSection={<IconDownload size={16} />} loading={download.pending} onClick={() => void fetchZip(result.name)} data-testid="platform-download">
            Download as ZIP
          </Button>
        ) : (
          <Button loading={exporter.isPending} onClick={submit} data-testid="platform-submit">Export</Button>
        )}
      </Group>
    </Stack>
  );
}
