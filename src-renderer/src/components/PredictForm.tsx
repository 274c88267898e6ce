import { Alert, Button, Group, NumberInput, ScrollArea, SegmentedControl, SimpleGrid, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useEffect, useState } from 'react';
import { ApiError, errorMessage } from '../api/client.ts';
import type { Algorithm } from '../api/types.ts';
import { algorithmExample, buildRecord, exampleJson, exampleValues, formSpecOf, type FieldValues } from '../lib/record-form.ts';
import { IconPlayground } from './icons.tsx';

const isJson = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/**
 * The input form generated from the signature, prefilled with the algorithm's input example;
 * "JSON" edits the raw record instead. Reports the current record upward so the snippets always
 * match. The JSON editor is never reformatted on blur: that moved the Predict button under the
 * pointer, and the first click after a paste was lost.
 */
export function PredictForm({ algorithm, busy, error, onRecord, onPredict, onInvalid }: {
  algorithm: Algorithm | undefined;
  busy: boolean;
  error: unknown;
  onRecord: (record: unknown) => void;
  onPredict: (record: unknown) => void;
  /** the JSON did not parse: the previous answer (or error) no longer describes this input */
  onInvalid: () => void;
}) {
  const spec = formSpecOf(algorithm);
  const [{ keys, values: initialValues }] = useState(() => exampleValues(spec, algorithmExample(algorithm)));
  const [values, setValues] = useState<FieldValues>(initialValues);
  const [mode, setMode] = useState<'form' | 'json'>(spec.kind === 'fields' ? 'form' : 'json');
  const [json, setJson] = useState(() => (spec.kind === 'fields' ? JSON.stringify(buildRecord(spec, keys, initialValues), null, 2) : exampleJson(spec)));
  const [jsonError, setJsonError] = useState<string | null>(null);

  const record = (): unknown => {
    if (mode === 'form') return buildRecord(spec, keys, values);
    return JSON.parse(json);
  };
  useEffect(() => {
    // the example is the first record the snippets show
    try {
      onRecord(record());
    } catch {
      /* an invalid example stays out of the snippets */
    }
  }, []);

  const update = (key: string, value: string | number) => {
    const next = { ...values, [key]: value };
    setValues(next);
    onRecord(buildRecord(spec, keys, next));
  };
  const switchMode = (next: string) => {
    if (next === 'json' && spec.kind === 'fields') setJson(JSON.stringify(buildRecord(spec, keys, values), null, 2));
    setMode(next as 'form' | 'json');
  };
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    try {
      const body = record();
      setJsonError(null);
      onPredict(body);
    } catch {
      setJsonError('Not valid JSON: fix it, then Predict again');
      onInvalid();
    }
  };

  const field = error instanceof ApiError ? error.field : undefined;
  const fieldKeys = new Set(Object.entries(keys).flatMap(([k, sent]) => [k, sent]));
  const inlineError = (key: string) => (field !== undefined && (field === key || field === keys[key]) ? errorMessage(error) : undefined);

  return (
    <form onSubmit={submit} data-testid="predict-form">
      <Stack gap="sm">
        <Group justify="space-between">
          <Text size="sm" c="dimmed">
            {spec.kind === 'fields'
              ? spec.source === 'feature_names' ? 'One field per feature name' : 'One field per model input'
              : `Send ${spec.hint}`}
          </Text>
          <Group gap="xs">
            {mode === 'json' && (
              <Button size="compact-xs" variant="subtle" disabled={!isJson(json)} onClick={() => setJson(JSON.stringify(JSON.parse(json), null, 2))} data-testid="predict-json-format">
                Format
              </Button>
            )}
            {spec.kind === 'fields' && (
              <SegmentedControl size="xs" value={mode} onChange={switchMode} data={[{ value: 'form', label: 'Form' }, { value: 'json', label: 'JSON' }]} aria-label="Input mode" />
            )}
          </Group>
        </Group>
        {mode === 'form' && spec.kind === 'fields' ? (
          <ScrollArea.Autosize mah={440} offsetScrollbars>
            <SimpleGrid cols={2} spacing="sm" verticalSpacing="xs">
              {spec.fields.map((f) =>
                f.kind === 'number' ? (
                  <NumberInput
                    key={f.key}
                    label={keys[f.key]}
                    value={values[f.key] ?? ''}
                    onChange={(v) => update(f.key, v)}
                    error={inlineError(f.key)}
                    hideControls
                    size="xs"
                    data-testid={`field-${f.key}`}
                  />
                ) : (
                  <TextInput
                    key={f.key}
                    label={keys[f.key]}
                    value={String(values[f.key] ?? '')}
                    onChange={(e) => update(f.key, e.currentTarget.value)}
                    error={inlineError(f.key)}
                    size="xs"
                    data-testid={`field-${f.key}`}
                  />
                )
              )}
            </SimpleGrid>
          </ScrollArea.Autosize>
        ) : (
          // a plain textarea: Mantine's JsonInput validates (and may reformat) on blur, which moved the button
          <Textarea
            label={spec.kind === 'json' && spec.hint.startsWith('a batch') ? 'Records (JSON)' : 'Record (JSON)'}
            value={json}
            spellCheck={false}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 'var(--mantine-font-size-xs)' } }}
            onChange={(event) => {
              const v = event.currentTarget.value;
              setJson(v);
              // a fixed record clears the complaint at once, not at the next Predict
              if (isJson(v)) {
                setJsonError(null);
                onRecord(JSON.parse(v));
              }
            }}
            autosize
            minRows={6}
            maxRows={18}
            error={jsonError}
            data-testid="predict-json"
          />
        )}
        {error !== null && error !== undefined && !jsonError && !(field && fieldKeys.has(field) && mode === 'form') && (
          <Alert color="red" variant="light" title="Prediction failed" data-testid="predict-error">{errorMessage(error)}</Alert>
        )}
        <Group>
          <Button type="submit" loading={busy} leftSection={<IconPlayground size={16} />} data-testid="predict-submit">
            Predict
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
