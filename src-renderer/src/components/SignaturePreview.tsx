import { Center, Group, Loader, Paper, Stack, Text } from '@mantine/core';
import type { Inspection } from '../api/types.ts';
import { formatBytes } from '../lib/format.ts';
import { SignatureTable } from './SignatureTable.tsx';

/** The picked file's inputs and outputs, read by the server before anything is saved. */
export function SignaturePreview({ pending, inspection }: { pending: boolean; inspection: Inspection | undefined }) {
  if (pending) {
    return (
      <Center mih={160}>
        <Group gap="xs"><Loader size="xs" /><Text size="sm" c="dimmed">Reading the model's signature…</Text></Group>
      </Center>
    );
  }
  if (!inspection) {
    return (
      <Paper withBorder p="lg" mih={160} style={{ borderStyle: 'dashed' }}>
        <Center mih={120}>
          <Text size="sm" c="dimmed" ta="center">Choose a file to see its inputs and outputs, read from the model before anything is saved.</Text>
        </Center>
      </Paper>
    );
  }
  return (
    <Stack gap={6} data-testid="signature-preview">
      <Text size="sm" fw={500}>Signature read from the file · {formatBytes(inspection.bytes)}</Text>
      <SignatureTable signature={inspection.signature} />
      {inspection.signature.outputKindHint && inspection.signature.task !== 'classification' && (
        <Text size="xs" c="dimmed" data-testid="output-kind-hint">
          Output <span className="md-mono">{inspection.signature.outputKindHint.output}</span> looks like{' '}
          <b>{inspection.signature.outputKindHint.kind}</b>: {inspection.signature.outputKindHint.because}. Give classes to serve it as a classifier.
        </Text>
      )}
    </Stack>
  );
}
