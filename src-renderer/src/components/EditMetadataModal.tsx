import { Alert, Button, Group, JsonInput, Modal, Stack, Switch, TagsInput, TextInput, Textarea } from '@mantine/core';
import { useState } from 'react';
import { ApiError, errorMessage } from '../api/client.ts';
import { useEditAlgorithm, useEditEndpoint } from '../api/metadata.ts';
import type { Algorithm, Endpoint } from '../api/types.ts';
import { algorithmLabel } from '../lib/format.ts';
import { useUserName } from '../lib/user.ts';
import { metricRows, metricsOf, MetricsInput, type MetricRow } from './MetricsInput.tsx';

/** The subject being edited: an endpoint, or an algorithm version. */
export type EditSubject = { kind: 'endpoint'; endpoint: Endpoint } | { kind: 'algorithm'; algorithm: Algorithm };

/** Edits description, owner, notes, tags (and metrics, input example, or the feedback setting); kept in the history. */
export function EditMetadataModal({ subject, onClose }: { subject: EditSubject | null; onClose: () => void }) {
  const title = subject?.kind === 'endpoint' ? `Edit ${subject.endpoint.name}` : subject ? `Edit ${algorithmLabel(subject.algorithm)}` : '';
  return (
    <Modal opened={subject !== null} onClose={onClose} title={title} size="lg">
      {subject?.kind === 'endpoint' && <EndpointForm key={subject.endpoint.id} endpoint={subject.endpoint} onClose={onClose} />}
      {subject?.kind === 'algorithm' && <AlgorithmForm key={subject.algorithm.id} algorithm={subject.algorithm} onClose={onClose} />}
    </Modal>
  );
}

interface Common {
  description: string;
  owner: string;
  notes: string;
  tags: string[];
}

/** Only what changed is sent, so the history lists only what the user edited. */
function changed<T extends object>(before: T, after: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (JSON.stringify(after[key]) !== JSON.stringify(before[key])) out[key] = after[key];
  }
  return out;
}

function CommonFields({ value, onChange, error }: { value: Common; onChange: (v: Common) => void; error: (field: string) => string | undefined }) {
  return (
    <>
      <Textarea label="Description" autosize minRows={2} value={value.description} onChange={(e) => onChange({ ...value, description: e.currentTarget.value })} error={error('description')} data-testid="edit-description" />
      <TextInput label="Owner" value={value.owner} onChange={(e) => onChange({ ...value, owner: e.currentTarget.value })} error={error('owner')} data-testid="edit-owner" />
      <Textarea label="Notes" description="Anything the next person should know" autosize minRows={2} maxRows={8} value={value.notes} onChange={(e) => onChange({ ...value, notes: e.currentTarget.value })} error={error('notes')} data-testid="edit-notes" />
      <TagsInput label="Tags" description="Press Enter after each" value={value.tags} onChange={(tags) => onChange({ ...value, tags })} error={error('tags')} data-testid="edit-tags" />
    </>
  );
}

function Footer({ pending, error, onClose, user, setUser, reason, setReason }: {
  pending: boolean; error: unknown; onClose: () => void; user: string; setUser: (v: string) => void; reason: string; setReason: (v: string) => void;
}) {
  const shown = ['description', 'owner', 'notes', 'tags', 'metrics', 'input_example', 'allow_free_text_feedback', 'created_by'];
  const general = error && !(error instanceof ApiError && error.errors.length && error.errors.every((e) => shown.includes(e.field)));
  return (
    <>
      <TextInput label="Why" description="Kept in the edit history (optional)" value={reason} onChange={(e) => setReason(e.currentTarget.value)} data-testid="edit-reason" />
      <TextInput label="Your name" value={user} onChange={(e) => setUser(e.currentTarget.value)} required error={error instanceof ApiError ? error.messageFor('created_by') : undefined} data-testid="edit-user" />
      {general ? <Alert color="red" data-testid="edit-error">{errorMessage(error)}</Alert> : null}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>Cancel</Button>
        <Button type="submit" loading={pending} disabled={!user.trim()} data-testid="edit-submit">Save</Button>
      </Group>
    </>
  );
}

function EndpointForm({ endpoint, onClose }: { endpoint: Endpoint; onClose: () => void }) {
  const [user, setUser] = useUserName();
  const [name, setName] = useState(user);
  const [reason, setReason] = useState('');
  const initial = { description: endpoint.description, owner: endpoint.owner, notes: endpoint.notes, tags: endpoint.tags, allow_free_text_feedback: endpoint.allow_free_text_feedback };
  const [value, setValue] = useState(initial);
  const edit = useEditEndpoint(endpoint.id);
  const error = (field: string) => (edit.error instanceof ApiError ? edit.error.messageFor(field) : undefined);
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    setUser(name.trim());
    edit.mutate({ ...changed(initial, value), created_by: name.trim(), ...(reason.trim() ? { reason: reason.trim() } : {}) }, { onSuccess: onClose });
  };
  return (
    <form onSubmit={submit} data-testid="edit-endpoint-modal">
      <Stack>
        <CommonFields value={value} onChange={(v) => setValue({ ...value, ...v })} error={error} />
        <Switch
          label="Allow free-text feedback"
          description="Off: feedback for a classifier must be one of its classes (a typo would count as a wrong answer). On: any text, e.g. labels from a survey."
          checked={value.allow_free_text_feedback}
          onChange={(e) => setValue({ ...value, allow_free_text_feedback: e.currentTarget.checked })}
          data-testid="edit-free-text"
        />
        <Footer pending={edit.isPending} error={edit.error} onClose={onClose} user={name} setUser={setName} reason={reason} setReason={setReason} />
      </Stack>
    </form>
  );
}

function AlgorithmForm({ algorithm, onClose }: { algorithm: Algorithm; onClose: () => void }) {
  const [user, setUser] = useUserName();
  const [name, setName] = useState(user);
  const [reason, setReason] = useState('');
  const initial = { description: algorithm.description, owner: algorithm.owner, notes: algorithm.notes, tags: algorithm.tags };
  const [value, setValue] = useState<Common>(initial);
  const [metrics, setMetrics] = useState<MetricRow[]>(() => metricRows(algorithm.metrics));
  const exampleText = algorithm.input_example == null ? '' : JSON.stringify(algorithm.input_example, null, 2);
  const [example, setExample] = useState(exampleText);
  const [exampleError, setExampleError] = useState<string | null>(null);
  const edit = useEditAlgorithm(algorithm.id);
  const error = (field: string) => (edit.error instanceof ApiError ? edit.error.messageFor(field) : undefined);
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    let inputExample: unknown;
    try {
      inputExample = example.trim() === '' ? null : JSON.parse(example);
      setExampleError(null);
    } catch {
      setExampleError('Not valid JSON');
      return;
    }
    setUser(name.trim());
    const body = {
      ...changed(initial, value),
      ...changed({ metrics: algorithm.metrics, input_example: algorithm.input_example ?? null }, { metrics: metricsOf(metrics), input_example: inputExample }),
      created_by: name.trim(),
      ...(reason.trim() ? { reason: reason.trim() } : {})
    };
    edit.mutate(body, { onSuccess: onClose });
  };
  return (
    <form onSubmit={submit} data-testid="edit-algorithm-modal">
      <Stack>
        <CommonFields value={value} onChange={setValue} error={error} />
        <MetricsInput rows={metrics} onChange={setMetrics} error={error('metrics')} />
        <JsonInput
          label="Input example"
          description="A record this model accepts: the Playground and the code snippets start from it. Empty: none."
          autosize
          minRows={3}
          maxRows={10}
          value={example}
          onChange={setExample}
          error={exampleError ?? error('input_example')}
          data-testid="edit-input-example"
        />
        <Footer pending={edit.isPending} error={edit.error} onClose={onClose} user={name} setUser={setName} reason={reason} setReason={setReason} />
      </Stack>
    </form>
  );
}
