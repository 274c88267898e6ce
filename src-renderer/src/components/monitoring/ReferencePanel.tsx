import { Alert, Button, Code, Group, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { errorMessage } from '../../api/client.ts';
import { useReferenceFromRequests, useUploadReference, type ReferenceSummary } from '../../api/monitoring.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useUserName } from '../../lib/user.ts';
import { FilePicker } from '../FilePicker.tsx';

/**
 * The version's reference profile and the ways to set one: a training file (CSV or JSON Lines,
 * columns named like the model's features), or the version's own traffic of the window shown
 * ("re-baseline now"). Without a profile, `emptyReason` says exactly how to get one.
 */
export function ReferencePanel({
  algorithm,
  reference,
  emptyReason,
  window,
  tensorOnly
}: {
  algorithm: { id: number; name: string; version: string };
  reference: ReferenceSummary | null;
  emptyReason: string | null;
  window: string;
  tensorOnly: boolean;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [user] = useUserName();
  const upload = useUploadReference();
  const rebaseline = useReferenceFromRequests();
  const error = upload.error ?? rebaseline.error;
  const busy = upload.isPending || rebaseline.isPending;

  const fromTraffic = (
    <Button
      variant={reference ? 'default' : 'light'}
      loading={rebaseline.isPending}
      disabled={busy}
      onClick={() => rebaseline.mutate({ algorithm: algorithm.id, window, created_by: user })}
      data-testid="reference-rebaseline"
    >
      {reference ? `Re-baseline on the last ${window}` : `Use the last ${window} of traffic`}
    </Button>
  );
  return (
    <Stack gap="sm" data-testid="reference-panel">
      {reference ? (
        <Text size="sm" data-testid="reference-summary">
          Reference profile <b>#{reference.id}</b>: {reference.description} · {reference.rows.toLocaleString()} rows · set{' '}
          {formatDateTime(reference.created_at)}
          {reference.created_by ? ` by ${reference.created_by}` : ''}
          {reference.backfilling ? ' · being applied to earlier requests…' : ''}
        </Text>
      ) : (
        <Alert color="blue" variant="light" title={`No reference profile for ${algorithm.name} ${algorithm.version} yet`} data-testid="reference-empty">
          <Text size="sm">{emptyReason}</Text>
        </Alert>
      )}
      <Group align="flex-end" gap="sm">
        {!tensorOnly && (
          <>
            <div style={{ minWidth: 320 }}>
              <FilePicker
                label={reference ? 'Replace with a training file' : 'Training data'}
                description="CSV (header row) or JSON Lines, UTF-8, one column per feature named like the model's inputs"
                extensions={['csv', 'tsv', 'jsonl', 'json']}
                kind="training data"
                file={file}
                onPick={setFile}
                testId="reference-file"
              />
            </div>
            <Button
              disabled={!file || busy}
              loading={upload.isPending}
              onClick={() => file && upload.mutate({ algorithm: algorithm.id, file, createdBy: user }, { onSuccess: () => setFile(null) })}
              data-testid="reference-upload"
            >
              Set as reference
            </Button>
          </>
        )}
        {fromTraffic}
      </Group>
      {error && (
        <Alert color="red" variant="light" title="The reference was not set" data-testid="reference-error">
          <Text size="sm">{errorMessage(error)}</Text>
        </Alert>
      )}
      {!reference && !tensorOnly && (
        <Text size="xs" c="dimmed">
          From a terminal: <Code>npm run cli -- reference train.csv --algorithm {algorithm.id}</Code>
        </Text>
      )}
    </Stack>
  );
}
