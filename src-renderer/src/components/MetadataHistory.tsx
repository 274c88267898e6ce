import { Stack, Text, Timeline } from '@mantine/core';
import type { Algorithm, MetadataChange } from '../api/types.ts';
import { algorithmLabel, formatDateTime } from '../lib/format.ts';

const fieldLabels: Record<string, string> = {
  description: 'Description',
  owner: 'Owner',
  notes: 'Notes',
  tags: 'Tags',
  metrics: 'Metrics',
  input_example: 'Input example',
  allow_free_text_feedback: 'Free-text feedback'
};

/** A value as a short line: text as is, lists joined, objects as compact JSON. */
function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return '(empty)';
  if (typeof value === 'boolean') return value ? 'allowed' : 'not allowed';
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.length ? value.join(', ') : '(none)';
  if (typeof value === 'object') {
    const text = JSON.stringify(value);
    return text === '{}' ? '(none)' : text.length > 120 ? `${text.slice(0, 117)}…` : text;
  }
  const text = String(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

/** Who edited what, when and why: newest first, each field before → after. */
export function MetadataHistory({ changes, algorithms }: { changes: MetadataChange[]; algorithms?: Algorithm[] }) {
  const rows = [...changes].sort((a, b) => b.id - a.id);
  if (rows.length === 0) return <Text c="dimmed" size="sm">No edits yet.</Text>;
  return (
    <Timeline active={0} bulletSize={12} lineWidth={2} data-testid="metadata-history">
      {rows.map((change) => {
        const subject = change.algorithm === null ? 'the endpoint' : algorithms?.find((a) => a.id === change.algorithm);
        return (
          <Timeline.Item key={change.id} title={<Text size="sm" fw={600}>{Object.keys(change.changes).map((f) => fieldLabels[f] ?? f).join(', ')}</Text>}>
            <Stack gap={0} mt={2}>
              {Object.entries(change.changes).map(([field, { before, after }]) => (
                <Text key={field} size="xs" data-testid={`metadata-change-${field}`}>
                  <Text span c="dimmed" size="xs">{fieldLabels[field] ?? field}: </Text>
                  <Text span size="xs" td="line-through" c="dimmed">{show(before)}</Text> → {show(after)}
                </Text>
              ))}
            </Stack>
            {change.reason && <Text size="sm" mt={2}>{change.reason}</Text>}
            <Text size="xs" c="dimmed" mt={2}>
              {change.created_by || 'unknown'} · {formatDateTime(change.created_at)}
              {subject && typeof subject !== 'string' ? ` · ${algorithmLabel(subject)}` : ''}
            </Text>
          </Timeline.Item>
        );
      })}
    </Timeline>
  );
}
