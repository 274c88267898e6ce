import { Alert, Button, Group, JsonInput, NumberInput, ScrollArea, SegmentedControl, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { ApiError, errorMessage } from '../api/client.ts';
import type { Algorithm } from '../api/types.ts';
import { buildRecord, endpointExample, exampleJson, exampleValues, formSpecOf, type FieldValues } from '../lib/record-form.ts';
import { IconPlayground } from './icons.tsx';

/**
 * The input form generated from the signature, prefilled with an example; "JSON" edits the raw
 * record instead. Reports the current record upward so the snippets always match.
 */
export function PredictForm({ endpoint, algorithm, busy, error, onRecord, onPredict }: {
  endpoint: string;
  algorithm: Algorithm | undefined;
  busy: boolean;
  error: unknown;
  onRecord: (record: unknown) => void;
  onPredict: (record: unknown) => void;
}) {
  const spec = formSpecOf(algorithm);
  const [{ keys, values: initialValues }] = useState(() => exampleValues(spec, endpointExample(endpoint)));
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
      setJsonError('Not valid JSON');
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
          {spec.kind === 'fields' && (
            <SegmentedControl size="xs" value={mode} onChange={switchMode} data={[{ value: 'form', label: 'Form' }, { value: 'json', label: 'JSON' }]} aria-label="Input mode" />
          )}
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
          <JsonInput
            label={spec.kind === 'json' && spec.hint.startsWith('a batch') ? 'Records (JSON)' : 'Record (JSON)'}
            value={json}
            onChange={(v) => {
              setJson(v);
              try {
                onRecord(JSON.parse(v));
              } catch {
                /* keep the last valid record for the snippets */
              }
            }}
            autosize
            minRows={6}
            maxRows={18}
            formatOnBlur
            validationError="Not valid JSON"
            error={jsonError}
            data-testid="predict-json"
          />
        )}
        {error !== null && error !== undefined && !(field && fieldKeys.has(field) && mode === 'form') && (
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
