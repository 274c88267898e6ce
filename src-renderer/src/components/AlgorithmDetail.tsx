import { Anchor, Badge, Button, Code, DataList, Grid, Group, Paper, ScrollArea, Stack, Tabs, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useMetadataHistory } from '../api/metadata.ts';
import type { Algorithm, AlgorithmStatus, AlgorithmStatusValue } from '../api/types.ts';
import { algorithmLabel, formatBytes, formatDateTime } from '../lib/format.ts';
import { href } from '../lib/router.ts';
import { DataListItem } from './DataListItem.tsx';
import { DeleteAlgorithmModal } from './DeleteAlgorithmModal.tsx';
import type { EditSubject } from './EditMetadataModal.tsx';
import { IconPlayground } from './icons.tsx';
import { MetadataHistory } from './MetadataHistory.tsx';
import { SignatureTable } from './SignatureTable.tsx';
import type { StatusChange } from './StatusChangeModal.tsx';
import { StatusBadge } from './StatusBadge.tsx';
import { StatusHistory } from './StatusHistory.tsx';

/** One algorithm: metadata, signature, status and edit history, and the actions on it. */
export function AlgorithmDetail({ algorithm, production, statuses, onChange, onEdit, onDeleted }: {
  algorithm: Algorithm;
  production: Algorithm | undefined;
  statuses: AlgorithmStatus[];
  onChange: (change: StatusChange) => void;
  onEdit: (subject: EditSubject) => void;
  onDeleted: () => void;
}) {
  const status = algorithm.current_status;
  const [deleting, setDeleting] = useState(false);
  const edits = useMetadataHistory(algorithm.parent_endpoint);
  const change = (to: AlgorithmStatusValue, consequence?: string) => {
    // taking production away with no successor is said out loud (the server refuses it otherwise)
    const stopServing = status === 'production' && to !== 'production';
    const said = stopServing ? 'The endpoint stops serving: its clients get 400 until another version is promoted.' : consequence;
    onChange({ algorithm, status: to, ...(said ? { consequence: said } : {}), ...(stopServing ? { stopServing } : {}) });
  };
  const promoteConsequence = production && production.id !== algorithm.id
    ? `${algorithmLabel(production)} leaves production and moves to staging.`
    : undefined;
  const metrics = Object.entries(algorithm.metrics);

  return (
    <Paper withBorder p="lg" data-testid="algorithm-detail" data-algorithm-id={algorithm.id}>
      {/* the actions wrap under the title in a narrow window rather than over it */}
      <Group justify="space-between" align="flex-start" mb="md" wrap="wrap" gap="sm">
        <Stack gap={4} style={{ flex: '1 1 320px', minWidth: 0 }}>
          <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
            <Title order={3} style={{ flexShrink: 0 }}>{algorithm.name}</Title>
            <Text c="dimmed" className="md-mono" truncate="end" title={algorithm.version} style={{ minWidth: 0 }}>v{algorithm.version}</Text>
            <StatusBadge status={status} size="md" />
          </Group>
          <Text size="sm" c="dimmed" lineClamp={2} title={algorithm.description}>{algorithm.description || 'No description.'}</Text>
          {algorithm.tags.length > 0 && (
            <Group gap={4}>{algorithm.tags.map((tag) => <Badge key={tag} size="xs" variant="outline" color="gray">{tag}</Badge>)}</Group>
          )}
        </Stack>
        <Group gap="xs" wrap="wrap" justify="flex-end">
          <Button
            component="a"
            href={href('playground', { endpoint: algorithm.endpoint, algorithm: algorithm.id })}
            variant="default"
            leftSection={<IconPlayground size={16} />}
            data-testid="open-playground"
          >
            Try it
          </Button>
          <Button variant="default" onClick={() => onEdit({ kind: 'algorithm', algorithm })} data-testid="action-edit">Edit</Button>
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
          {status !== 'production' && status !== 'ab_testing' && (
            <Button variant="subtle" color="red" onClick={() => setDeleting(true)} data-testid="action-delete">Delete</Button>
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
            <DataListItem label="Metrics">
              <span data-testid="algorithm-metrics">
                {metrics.length ? metrics.map(([name, value]) => `${name} ${Number.isInteger(value) ? value : value.toFixed(4)}`).join(' · ') : '—'}
              </span>
            </DataListItem>
            {algorithm.notes && (
              <DataListItem label="Notes"><Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="algorithm-notes">{algorithm.notes}</Text></DataListItem>
            )}
            {algorithm.code && (
              <DataListItem label="Training notes">
                <Text size="sm" lineClamp={2} title={algorithm.code}>{algorithm.code}</Text>
              </DataListItem>
            )}
            <DataListItem label="Input example">{algorithm.input_example == null ? 'none (the Playground starts from zeros)' : 'set: the Playground and snippets start from it'}</DataListItem>
            <DataListItem label="Artifact">
              <Code title={algorithm.artifact_sha256}>{algorithm.artifact_sha256.slice(0, 12)}</Code> · {formatBytes(algorithm.artifact_bytes)}
            </DataListItem>
          </DataList>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Tabs defaultValue="statuses" variant="pills" radius="sm">
            <Tabs.List mb="xs">
              <Tabs.Tab value="statuses" data-testid="tab-statuses">Status history</Tabs.Tab>
              <Tabs.Tab value="edits" data-testid="tab-edits">Edits</Tabs.Tab>
            </Tabs.List>
            <ScrollArea.Autosize mah={260}>
              <Tabs.Panel value="statuses">
                <StatusHistory statuses={statuses.filter((s) => s.parent_mlalgorithm === algorithm.id)} />
              </Tabs.Panel>
              <Tabs.Panel value="edits">
                <MetadataHistory changes={(edits.data ?? []).filter((c) => c.algorithm === algorithm.id)} />
              </Tabs.Panel>
            </ScrollArea.Autosize>
          </Tabs>
        </Grid.Col>
      </Grid>
      <Stack gap={6} mt="lg">
        <Text fw={600} size="sm">Signature</Text>
        <SignatureTable signature={algorithm.signature} featureNames={algorithm.feature_names} />
      </Stack>
      <DeleteAlgorithmModal algorithm={deleting ? algorithm : null} onClose={() => setDeleting(false)} onDeleted={onDeleted} />
    </Paper>
  );
}
