import { Alert, Button, Group, NumberInput, Paper, SimpleGrid, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { errorMessage } from '../api/client.ts';
import { useAlgorithms } from '../api/registry.ts';
import { useSaveServingSettings, useServingSettings } from '../api/serving.ts';
import type { SavedServingSettings, ServingSettings } from '../api/types.ts';
import {
  perAlgorithmSettingNames,
  servingSettingNames,
  servingSettings,
  settingDescription,
  settingRow,
  type AlgorithmOverrides,
  type IntegerSettingRow,
  type ServingSettingName
} from '../../../src-main/contract/serving-settings.ts';
import { QueryState } from './QueryState.tsx';
import { StatusBadge } from './StatusBadge.tsx';

type Override = AlgorithmOverrides;
type Draft = Omit<SavedServingSettings, 'algorithms'> & { algorithms: Record<string, Override> };

// The form's fields come from the settings table (src-main/contract/serving-settings.ts), read at
// run time: its labels, help, ranges, flags and which settings an algorithm may override.
// this card holds the models' settings; the request log's are on the Request log card (RequestLogCard.tsx)
const modelSettings = servingSettingNames.filter((name) => servingSettings[name].section === 'models');
const numberSettings = modelSettings.filter((name): name is NumberSettingName => servingSettings[name].type === 'integer');
const switchSettings = modelSettings.filter((name) => servingSettings[name].type === 'boolean');
type NumberSettingName = { [K in ServingSettingName]: (typeof servingSettings)[K] extends IntegerSettingRow ? K : never }[ServingSettingName];

const labelOf = (name: ServingSettingName) => {
  const row = settingRow(name);
  return row.unit ? `${row.label} (${row.unit})` : row.label;
};
/** the settings that apply at the next start, named for a message */
const restartLabels = modelSettings
  .filter((name) => servingSettings[name].appliesAt === 'restart')
  .map((name) => settingRow(name).label.toLowerCase())
  .join(', ');
const rangeOf = (name: NumberSettingName) => ({ min: servingSettings[name].minimum, max: servingSettings[name].maximum });

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
  const fixed = (name: ServingSettingName) => settings.set_on_command_line.includes(name);
  const fixedNote = (name: ServingSettingName) =>
    fixed(name) ? `Set by ${settingRow(name).cliFlag} when the server started: that value stays in effect.` : undefined;
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
  // what a blank field will mean once saved: the flag's value, else (per model) the form's default, else the table's
  const inEffect = (name: ServingSettingName) => (fixed(name) ? settings[name] : settings.defaults[name]);
  const modelDefault = (name: ServingSettingName) => (fixed(name) ? settings[name] : (draft[name] ?? settings.defaults[name]));
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
          {numberSettings.map((name) => (
            <NumberInput
              key={name}
              label={labelOf(name)}
              description={fixedNote(name) ?? settingDescription(name)}
              placeholder={String(inEffect(name))}
              // help under the input: help texts differ in length, the inputs stay in one row
              inputWrapperOrder={['label', 'input', 'description', 'error']}
              {...rangeOf(name)}
              allowDecimal={false}
              value={draft[name] ?? ''}
              onChange={(v) => set(name, numberOrUndefined(v))}
              data-testid={`serving-${name}`}
            />
          ))}
          {switchSettings.map((name) => (
            <Switch
              key={name}
              mt={30}
              label={labelOf(name)}
              description={fixedNote(name) ?? settingDescription(name)}
              checked={Boolean(draft[name] ?? settings.defaults[name])}
              onChange={(e) => {
                const on = e.currentTarget.checked;
                // back to the default with nothing saved: leave the file without it
                set(name, on === settings.defaults[name] && settings.saved[name] === undefined ? undefined : on);
              }}
              data-testid={`serving-${name}`}
            />
          ))}
        </SimpleGrid>

        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing={6} data-testid="serving-models">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Algorithm</Table.Th>
                <Table.Th>Status</Table.Th>
                {perAlgorithmSettingNames.map((name) => (
                  <Table.Th key={name} w={150}>{labelOf(name)}</Table.Th>
                ))}
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
                    {perAlgorithmSettingNames.map((name) => (
                      <Table.Td key={name}>
                        <NumberInput
                          size="xs"
                          aria-label={`${labelOf(name)} for ${a.name} v${a.version}`}
                          placeholder={`default (${modelDefault(name)})`}
                          {...rangeOf(name)}
                          allowDecimal={false}
                          value={override[name] ?? ''}
                          onChange={(v) => setOverride(a.id, name, numberOrUndefined(v))}
                          data-testid={`serving-model-${a.id}-${name}`}
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
            Saved changes to {restartLabels} take effect the next time the server starts.
          </Alert>
        )}
        {save.isError && <Alert color="red" data-testid="serving-error">{errorMessage(save.error)}</Alert>}
        <Group justify="space-between">
          <Text size="xs" c="dimmed">Blank fields use the default shown. A new thread count reloads each model; requests in flight finish on the old one.</Text>
          <Group gap="sm">
            {savedNow && (
              <Text size="sm" c="teal" data-testid="serving-saved">
                {settings.restart_needed ? `Saved; ${restartLabels} at the next start` : settings.set_on_command_line.length ? 'Saved; applied where no serve flag sets the value' : 'Saved and applied'}
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
