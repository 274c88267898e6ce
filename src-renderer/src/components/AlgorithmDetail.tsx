import { Anchor, Button, Code, DataList, Grid, Group, Paper, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { DataListItem } from './DataListItem.tsx';
import type { Algorithm, AlgorithmStatus, AlgorithmStatusValue } from '../api/types.ts';
import { algorithmLabel, formatBytes, formatDateTime } from '../lib/format.ts';
import { href } from '../lib/router.ts';
import { IconPlayground } from './icons.tsx';
import { SignatureTable } from './SignatureTable.tsx';
import type { StatusChange } from './StatusChangeModal.tsx';
import { StatusBadge } from './StatusBadge.tsx';
import { StatusHistory } from './StatusHistory.tsx';

/** One algorithm: metadata, signature, status history and the status actions. */
export function AlgorithmDetail({ algorithm, production, statuses, onChange }: {
  algorithm: Algorithm;
  production: Algorithm | undefined;
  statuses: AlgorithmStatus[];
  onChange: (change: StatusChange) => void;
}) {
  const status = algorithm.current_status;
  const change = (to: AlgorithmStatusValue, consequence?: string) => {
    // taking production away with no successor is said out loud (the server refuses it otherwise)
    const stopServing = status === 'production' && to !== 'production';
    const said = stopServing ? 'The endpoint stops serving: its clients get 400 until another version is promoted.' : consequence;
    onChange({ algorithm, status: to, ...(said ? { consequence: said } : {}), ...(stopServing ? { stopServing } : {}) });
  };
  const promoteConsequence = production && production.id !== algorithm.id
    ? `${algorithmLabel(production)} leaves production and moves to staging.`
    : undefined;

  return (
    <Paper withBorder p="lg" data-testid="algorithm-detail" data-algorithm-id={algorithm.id}>
      <Group justify="space-between" align="flex-start" mb="md" wrap="nowrap">
        <Stack gap={4} style={{ flex: 1, minWidth: 0 }}>
          <Group gap="sm">
            <Title order={3}>{algorithm.name}</Title>
            <Text c="dimmed" className="md-mono">v{algorithm.version}</Text>
            <StatusBadge status={status} size="md" />
          </Group>
          <Text size="sm" c="dimmed" lineClamp={2} title={algorithm.description}>{algorithm.description || 'No description.'}</Text>
        </Stack>
        <Group gap="xs" wrap="nowrap">
          <Button
            component="a"
            href={href('playground', { endpoint: algorithm.endpoint, algorithm: algorithm.id })}
            variant="default"
            leftSection={<IconPlayground size={16} />}
            data-testid="open-playground"
          >
            Try it
          </Button>
          {/* the actions read as verbs on this version; the current status is the badge */}
          {status !== 'production' && (
            <Button onClick={() => change('production', promoteConsequence)} data-testid="action-promote">Promote</Button>
          )}
          {status !== 'staging' && (
            <Button variant="light" onClick={() => change('staging')} data-testid="action-staging">To staging</Button>
          )}
          {status !== 'archived' && (
            <Button variant="light" color="red" onClick={() => change('archived')} data-testid="action-archive">
              Archive
            </Button>
          )}
        </Group>
      </Group>
      <Grid gap="xl">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <DataList orientation="horizontal" labelWidth={120} size="sm" gap={6}>
            <DataListItem label="Endpoint"><Anchor href={href('models', { endpoint: algorithm.endpoint })} className="md-mono">{algorithm.endpoint}</Anchor></DataListItem>
            <DataListItem label="Owner">{algorithm.owner || '—'}</DataListItem>
            <DataListItem label="Registered">{formatDateTime(algorithm.created_at)}</DataListItem>
            <DataListItem label="Task">
              {algorithm.task}{algorithm.classes ? ` · ${algorithm.classes.join(', ')}` : ''}
              {algorithm.output_kind && algorithm.output_kind !== 'probabilities' ? ` · output: ${algorithm.output_kind}` : ''}
            </DataListItem>
            {algorithm.threshold !== null && <DataListItem label="Threshold">{algorithm.threshold} (positive: {String(algorithm.positive_class ?? '—')})</DataListItem>}
            {algorithm.code && (
              <DataListItem label="Training notes">
                <Text size="sm" lineClamp={2} title={algorithm.code}>{algorithm.code}</Text>
              </DataListItem>
            )}
            <DataListItem label="Artifact">
              <Code title={algorithm.artifact_sha256}>{algorithm.artifact_sha256.slice(0, 12)}</Code> · {formatBytes(algorithm.artifact_bytes)}
            </DataListItem>
          </DataList>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Text fw={600} size="sm" mb="sm">Status history</Text>
          <ScrollArea.Autosize mah={260}>
            <StatusHistory statuses={statuses.filter((s) => s.parent_mlalgorithm === algorithm.id)} />
          </ScrollArea.Autosize>
        </Grid.Col>
      </Grid>
      <Stack gap={6} mt="lg">
        <Text fw={600} size="sm">Signature</Text>
        <SignatureTable signature={algorithm.signature} featureNames={algorithm.feature_names} />
      </Stack>
    </Paper>
  );
}
