import { Badge, Code, DataList, Drawer, Group, Stack, Text, Title } from '@mantine/core';
import { useRequest } from '../api/requests.ts';
import type { Algorithm, ApiKey, Endpoint } from '../api/types.ts';
import { algorithmLabel, formatDateTime, formatUs, prettyJson } from '../lib/format.ts';
import { FeedbackInput } from './FeedbackInput.tsx';
import { QueryState } from './QueryState.tsx';

/** One logged prediction: its input and the full response, and its feedback. */
export function RequestDrawer({ id, endpoints, algorithms, keys, onClose }: { id: number | null; endpoints: Endpoint[]; algorithms: Algorithm[]; keys: ApiKey[]; onClose: () => void }) {
  const request = useRequest(id);
  return (
    <Drawer opened={id !== null} onClose={onClose} position="right" size={560} title={<Title order={3} fz="lg">Request #{id}</Title>}>
      {id !== null && (
        <QueryState query={request} label="the request">
          {(r) => {
            const a = algorithms.find((x) => x.id === r.parent_mlalgorithm);
            return (
              <Stack gap="md" data-testid="request-drawer">
                <DataList orientation="horizontal" labelWidth={120} size="sm">
                  <Row label="Time">{formatDateTime(r.created_at)}</Row>
                  <Row label="Endpoint"><span className="md-mono">{endpoints.find((e) => e.id === r.endpoint)?.name ?? r.endpoint}</span></Row>
                  <Row label="Algorithm">{a ? algorithmLabel(a) : `#${r.parent_mlalgorithm}`}</Row>
                  <Row label="Status"><Badge size="sm" variant="light" color={r.status === 'OK' ? 'teal' : 'red'}>{r.status}</Badge></Row>
                  <Row label="Server latency">{formatUs(r.latency_us)}</Row>
                  {r.ab_test !== null && <Row label="A/B test">#{r.ab_test}{r.shadow ? ' (shadow arm, not returned)' : ''}</Row>}
                  {r.client_key && <Row label="Client key"><Code>{r.client_key}</Code></Row>}
                  {r.api_key !== null && <Row label="API key">{keys.find((k) => k.id === r.api_key)?.name ?? `#${r.api_key}`}</Row>}
                  {r.client_request_id && <Row label="X-Request-Id"><Code>{r.client_request_id}</Code></Row>}
                  {r.feedback_at && <Row label="Feedback at">{formatDateTime(r.feedback_at)}</Row>}
                </DataList>
                <FeedbackInput key={`${r.id}:${r.feedback ?? ''}`} requestId={r.id} initial={r.feedback} options={a?.classes} freeText={endpoints.find((e) => e.id === r.endpoint)?.allow_free_text_feedback ?? false} label="Feedback (ground truth)" testId="drawer-feedback" />
                <Block title="Input" text={r.input_data} testId="request-input" />
                <Block title="Full response" text={r.full_response} testId="request-response" />
              </Stack>
            );
          }}
        </QueryState>
      )}
    </Drawer>
  );
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <DataList.Item>
      <DataList.ItemLabel>{label}</DataList.ItemLabel>
      <DataList.ItemValue>{children}</DataList.ItemValue>
    </DataList.Item>
  );
}

function Block({ title, text, testId }: { title: string; text: string; testId: string }) {
  return (
    <Stack gap={4}>
      <Group justify="space-between"><Text fw={600} size="sm">{title}</Text></Group>
      <Code block className="md-code" data-testid={testId}>{prettyJson(text)}</Code>
    </Stack>
  );
}
