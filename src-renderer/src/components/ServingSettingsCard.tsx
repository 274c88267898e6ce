import { Alert, Button, Group, NumberInput, Paper, SimpleGrid, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { errorMessage } from '../api/client.ts';
import { useAlgorithms } from '../api/registry.ts';
import { useSaveServingSettings, useServingSettings } from '../api/serving.ts';
import type { SavedServingSettings, ServingSettings } from '../api/types.ts';
import { QueryState } from './QueryState.tsx';
import { StatusBadge } from './StatusBadge.tsx';

type Override = { max_batch_size?: number; max_wait_us?: number };
type Draft = Omit<SavedServingSettings, 'algorithms'> & { algorithms: Record<string, Override> };

const flagOf: Record<string, string> = {
  intra_op_threads: '--threads',
  worker_threads: '--worker-threads',
  max_batch_size: '--max-batch-size',
  max_wait_us: '--max-batch-wait-us'
};

const numberSettings = [
  {
    field: 'intra_op_threads',
    label: 'onnxruntime threads per model',
    hint: '1 keeps every answer identical whatever batch it ran in; 2 is faster on large batches; 0 = one per core',
    min: 0,
    max: 256,
    testId: 'serving-threads'
  },
  {
    field: 'max_batch_size',
    label: 'Largest batch (rows)',
    hint: 'Most rows one run takes from concurrent requests; 1 turns batching off',
    min: 1,
    max: 100000,
    testId: 'serving-max-batch'
  },
  {
    field: 'max_wait_us',
    label: 'Batch wait (µs)',
    hint: '0 = adaptive: no timer, a lone request runs at once',
    min: 0,
    max: 10000000,
    testId: 'serving-max-wait'
  }
] as const;

/** the batching settings, which an algorithm can override */
const perModelSettings = numberSettings.filter(
  (spec): spec is Extract<(typeof numberSettings)[number], { field: keyof Override }> => spec.field !== 'intra_op_threads'
);

/** onnxruntime threads and dynamic batching, saved to serving.json and applied while serving. */
export function ServingSettingsCard() {
  const settings = useServingSettings();
  // held here: the form below starts afresh from each saved version, the outcome must outlive it
  const save = useSaveServingSettings();
  return (
    <Paper withBorder p="lg" mt="lg" data-testid="serving-settings">
      <Title order={3} fz="lg" mb={4}>Serving</Title>
      <Text size="sm" c="dimmed" mb="md">
        How models run: onnxruntime threads and dynamic batching (concurrent requests for one model share a run).
        Saved to <code>serving.json</code> in the data folder and applied at once.
      </Text>
      <QueryState query={settings} label="serving settings">{(data) => <ServingForm key={JSON.stringify(data.saved)} settings={data} save={save} />}</QueryState>
    </Paper>
  );
}

function ServingForm({ settings, save }: { settings: ServingSettings; save: ReturnType<typeof useSaveServingSettings> }) {
  const algorithms = useAlgorithms();
  const [draft, setDraft] = useState<Draft>(() => ({ ...settings.saved, algorithms: { ...settings.saved.algorithms } }));
  const fixed = (field: string) => settings.set_on_command_line.includes(field);
  const fixedNote = (field: string) => (fixed(field) ? `Set by ${flagOf[field]} when the server started: that value stays in effect.` : undefined);
  const set = (field: keyof Omit<Draft, 'algorithms'>, value: number | boolean | undefined) =>
    setDraft((d) => {
      const next = { ...d };
      if (value === undefined) delete next[field];
      else Object.assign(next, { [field]: value });
      return next;
    });
  const setOverride = (id: number, field: keyof Override, value: number | undefined) =>
    setDraft((d) => {
      const override: Override = { ...d.algorithms[id] };
      if (value === undefined) delete override[field];
      else override[field] = value;
      const next: Record<string, Override> = { ...d.algorithms, [id]: override };
      if (Object.keys(override).length === 0) delete next[String(id)];
      return { ...d, algorithms: next };
    });
  const dirty = !sameSettings(normalised(draft), settings.saved);
  // this form's own save, still what the server holds (not someone else's since)
  const savedNow = save.isSuccess && !dirty && sameSettings(save.data.saved, settings.saved);
  // what a blank per-model field will mean once saved
  const defaultBatch = fixed('max_batch_size') ? settings.max_batch_size : (draft.max_batch_size ?? settings.defaults.max_batch_size);
  const defaultWait = fixed('max_wait_us') ? settings.max_wait_us : (draft.max_wait_us ?? settings.defaults.max_wait_us);
  const serving = (algorithms.data ?? []).filter((a) => a.current_status !== 'archived');
  const loaded = new Map(settings.models.map((m) => [m.algorithm_id, m]));

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate(normalised(draft));
      }}
    >
      <Stack gap="md">
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
          {numberSettings.map((spec) => (
            <NumberInput
              key={spec.field}
              label={spec.label}
              description={fixedNote(spec.field) ?? spec.hint}
              placeholder={String(fixed(spec.field) ? settings[spec.field] : settings.defaults[spec.field])}
              min={spec.min}
              max={spec.max}
              allowDecimal={false}
              value={draft[spec.field] ?? ''}
              onChange={(v) => set(spec.field, numberOrUndefined(v))}
              data-testid={spec.testId}
            />
          ))}
          <Switch
            mt="lg"
            label="Large calls on worker threads"
            description={fixedNote('worker_threads') ?? 'Calls of 256+ records run on a second thread: more rows/s, ~80 MB more memory. Applies at the next start.'}
            checked={draft.worker_threads ?? settings.defaults.worker_threads}
            onChange={(e) => {
              const on = e.currentTarget.checked;
              // back to the default with nothing saved: leave the file without it
              set('worker_threads', on === settings.defaults.worker_threads && settings.saved.worker_threads === undefined ? undefined : on);
            }}
            data-testid="serving-workers"
          />
        </SimpleGrid>

        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing={6} data-testid="serving-models">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Algorithm</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th w={150}>Largest batch</Table.Th>
                <Table.Th w={150}>Batch wait (µs)</Table.Th>
                <Table.Th>Since loaded</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {serving.map((a) => {
                const model = loaded.get(a.id);
                const override = draft.algorithms[a.id] ?? {};
                return (
                  <Table.Tr key={a.id} data-testid={`serving-model-${a.id}`}>
                    <Table.Td>
                      <Text size="sm" fw={600}>{a.name}</Text>
                      <Text size="xs" c="dimmed" className="md-mono">v{a.version} · id {a.id}</Text>
                    </Table.Td>
                    <Table.Td><StatusBadge status={a.current_status} /></Table.Td>
                    {perModelSettings.map((spec) => (
                      <Table.Td key={spec.field}>
                        <NumberInput
                          size="xs"
                          aria-label={`${spec.label} for ${a.name} v${a.version}`}
                          placeholder={`default (${spec.field === 'max_batch_size' ? defaultBatch : defaultWait})`}
                          min={spec.min}
                          max={spec.max}
                          allowDecimal={false}
                          value={override[spec.field] ?? ''}
                          onChange={(v) => setOverride(a.id, spec.field, numberOrUndefined(v))}
                          data-testid={`serving-model-${a.id}-${spec.testId.replace('serving-', '')}`}
                        />
                      </Table.Td>
                    ))}
                    <Table.Td>
                      <Text size="sm" data-testid={`serving-model-${a.id}-stats`}>{modelStats(model)}</Text>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>

        {settings.restart_needed && (
          <Alert color="yellow" variant="light" data-testid="serving-restart">
            Worker threads are {settings.worker_threads ? 'on' : 'off'} in the saved settings; that takes effect the next time the server starts.
          </Alert>
        )}
        {save.isError && <Alert color="red" data-testid="serving-error">{errorMessage(save.error)}</Alert>}
        <Group justify="space-between">
          <Text size="xs" c="dimmed">Blank fields use the default shown. A new thread count reloads each model; requests in flight finish on the old one.</Text>
          <Group gap="sm">
            {savedNow && (
              <Text size="sm" c="teal" data-testid="serving-saved">
                {settings.restart_needed ? 'Saved; worker threads change at the next start' : settings.set_on_command_line.length ? 'Saved; applied where no serve flag sets the value' : 'Saved and applied'}
              </Text>
            )}
            <Button type="submit" disabled={!dirty} loading={save.isPending} data-testid="serving-save">Save</Button>
          </Group>
        </Group>
      </Stack>
    </form>
  );
}

function modelStats(model: ServingSettings['models'][number] | undefined): string {
  if (!model) return 'not loaded (loads with its first request)';
  if (!model.batchable) return `${count(model.runs, 'run')} · fixed batch size, never batched`;
  if (model.runs === 0) return 'loaded, no runs yet';
  const perRun = model.rows / model.runs;
  return `${count(model.requests, 'request')} in ${count(model.runs, 'run')} · ${perRun.toFixed(1)} rows a run, largest ${model.largest_batch}`;
}

const count = (n: number, noun: string): string => `${n.toLocaleString()} ${noun}${n === 1 ? '' : 's'}`;

const numberOrUndefined = (value: number | string): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** what PUT takes: no empty overrides, no empty algorithms map */
function normalised(draft: Draft): SavedServingSettings {
  const { algorithms, ...rest } = draft;
  const kept = Object.fromEntries(Object.entries(algorithms).filter(([, o]) => Object.keys(o).length > 0));
  return Object.keys(kept).length ? { ...rest, algorithms: kept } : rest;
}

function sameSettings(a: SavedServingSettings, b: SavedServingSettings): boolean {
  const canonical = (s: SavedServingSettings) =>
    JSON.stringify(s, (_key, value: unknown) =>
      value && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).sort(([x], [y]) => x.localeCompare(y)))
        : value
    );
  return canonical(a) === canonical(b);
}
