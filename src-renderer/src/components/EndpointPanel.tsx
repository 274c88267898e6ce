import { Accordion, Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useEndpointDetail, useMetadataHistory } from '../api/metadata.ts';
import type { AlgorithmHealthBody } from '../api/monitoring.ts';
import type { Algorithm, Endpoint } from '../api/types.ts';
import { formatDateTime } from '../lib/format.ts';
import { AlgorithmTable } from './AlgorithmTable.tsx';
import { ContractCard } from './ContractCard.tsx';
import type { EditSubject } from './EditMetadataModal.tsx';
import { MetadataHistory } from './MetadataHistory.tsx';
import { MetricsComparison } from './MetricsComparison.tsx';
import { Empty } from './QueryState.tsx';
import { RollbackButton } from './RollbackButton.tsx';

/** One endpoint: what it is, its versions, the contract its clients follow, metrics by version, edits. */
export function EndpointPanel({ endpoint, own, selected, onSelect, onEdit, health }: {
  endpoint: Endpoint;
  own: Algorithm[];
  selected: number | undefined;
  onSelect: (id: number) => void;
  onEdit: (subject: EditSubject) => void;
  /** monitoring per version, for the production version's badge */
  health?: Map<number, AlgorithmHealthBody>;
}) {
  const detail = useEndpointDetail(endpoint.id);
  const history = useMetadataHistory(endpoint.id);
  const endpointEdits = (history.data ?? []).filter((c) => c.algorithm === null);
  return (
    <Paper withBorder p="lg" data-testid="endpoint-panel">
      <Group justify="space-between" align="flex-start" mb="sm" wrap="nowrap">
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Group gap="xs">
            <Title order={2} fz={20} className="md-mono" data-testid="endpoint-name">{endpoint.name}</Title>
            {endpoint.tags.map((tag) => <Badge key={tag} size="sm" variant="outline" color="gray" data-testid="endpoint-tag">{tag}</Badge>)}
          </Group>
          <Text size="sm" c="dimmed" data-testid="endpoint-summary">
            {endpoint.description || 'No description'} · owner {endpoint.owner || '—'} · created {formatDateTime(endpoint.created_at)}
          </Text>
          {endpoint.notes && <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="endpoint-notes">{endpoint.notes}</Text>}
          <Text size="xs" c="dimmed">
            Feedback: {endpoint.allow_free_text_feedback ? 'any text' : "one of the classifier's classes"}
          </Text>
        </Stack>
        <Group gap="xs" wrap="nowrap">
          <Button variant="default" onClick={() => onEdit({ kind: 'endpoint', endpoint })} data-testid="endpoint-edit">Edit</Button>
          <RollbackButton endpointId={endpoint.id} algorithms={own} />
        </Group>
      </Group>
      {own.length === 0 ? (
        <Empty title="No algorithms" description="Register a model into this endpoint." />
      ) : (
        <AlgorithmTable algorithms={own} selected={selected} onSelect={onSelect} health={health} />
      )}
      <Accordion multiple variant="separated" mt="md" chevronPosition="left" data-testid="endpoint-sections">
        <Accordion.Item value="contract">
          <Accordion.Control data-testid="section-contract">Input contract: what clients send and read</Accordion.Control>
          <Accordion.Panel><ContractCard contract={detail.data?.contract} algorithms={own} /></Accordion.Panel>
        </Accordion.Item>
        <Accordion.Item value="metrics">
          <Accordion.Control data-testid="section-metrics">Metrics by version</Accordion.Control>
          <Accordion.Panel><MetricsComparison algorithms={own} /></Accordion.Panel>
        </Accordion.Item>
        <Accordion.Item value="edits">
          <Accordion.Control data-testid="section-edits">Endpoint edit history ({endpointEdits.length})</Accordion.Control>
          <Accordion.Panel><MetadataHistory changes={endpointEdits} /></Accordion.Panel>
        </Accordion.Item>
      </Accordion>
    </Paper>
  );
}
