import { Alert, Code, List, Stack, Table, Text } from '@mantine/core';
import type { ParityMismatch, PlatformExportResult } from '../api/platforms.ts';

const json = (value: unknown) => JSON.stringify(value) ?? 'null';

/** Where the export is, what it holds, and what the parity check compared. */
export function PlatformExportSummary({ result }: { result: PlatformExportResult }) {
  const parityOf = new Map(result.parity.map((p) => [p.model, p]));
  return (
    <Stack gap="sm" data-testid="platform-export-done">
      <Alert color="teal" title={`Exported ${result.models.length} model(s)`}>
        <Text size="sm">
          Written on the server to <Code>{result.out_dir}</Code>. Serve <Code>{result.triton_repository}</Code> with{' '}
          <Code>tritonserver --model-repository</Code>, or upload the folder and apply the manifests; its README.md says how.
        </Text>
      </Alert>
      <Table fz="sm" withTableBorder data-testid="platform-models">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Triton model</Table.Th><Table.Th>Status</Table.Th><Table.Th ta="right">max_batch_size</Table.Th>
            <Table.Th>Labels</Table.Th><Table.Th ta="right">Same answers</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {result.models.map((m) => (
            <Table.Tr key={m.name}>
              <Table.Td className="md-mono">{m.name}</Table.Td>
              <Table.Td>{m.status ?? '—'}</Table.Td>
              <Table.Td ta="right">{m.max_batch_size}{m.dynamic_batching ? ' (dynamic)' : ''}</Table.Td>
              <Table.Td>{m.labels ? `labels.txt${m.zipmap_rewritten ? ' (ZipMap rewritten)' : ''}` : '—'}</Table.Td>
              <Table.Td ta="right">{parityOf.get(m.name)?.requests ?? 0} logged{parityOf.get(m.name)?.input_example ? ' + example' : ''}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="sm" fw={500}>Kubernetes manifests</Text>
      <List size="sm" className="md-mono">{result.manifests.map((m) => <List.Item key={m}>{m}</List.Item>)}</List>
      {result.warnings.length > 0 && <List size="xs" c="dimmed">{result.warnings.map((w) => <List.Item key={w}>{w}</List.Item>)}</List>}
    </Stack>
  );
}

/** The answers that differ: one row per field, ModelDesk's answer and the exported graph's. */
export function ParityMismatchTable({ mismatches }: { mismatches: ParityMismatch[] }) {
  return (
    <Table fz="xs" withTableBorder data-testid="platform-mismatches">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Model</Table.Th><Table.Th>Checked on</Table.Th><Table.Th>Field</Table.Th><Table.Th>ModelDesk</Table.Th><Table.Th>Exported</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {mismatches.map((m, i) => (
          <Table.Tr key={i}>
            <Table.Td className="md-mono">{m.model}</Table.Td>
            <Table.Td>{m.source === 'request' ? `request ${m.request_id}` : 'input example'}</Table.Td>
            <Table.Td className="md-mono">{m.field}</Table.Td>
            <Table.Td className="md-mono">{json(m.expected)}</Table.Td>
            <Table.Td className="md-mono">{json(m.actual)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
