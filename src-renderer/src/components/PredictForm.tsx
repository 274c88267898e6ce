import { Alert, Button, Group, NumberInput, ScrollArea, SegmentedControl, SimpleGrid, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useEffect, useState } from 'react';
import { ApiError, errorMessage } from '../api/client.ts';
import type { Algorithm } from '../api/types.ts';
import { algorithmExample, buildRecord, exampleJson, exampleValues, formSpecOf, type FieldValues } from '../lib/record-form.ts';
import { acceptsMissing, checkTensorText, inputExampleOf, recordJson, startValues, tensorJson } from '../lib/tensor-form.ts';
import { IconPlayground } from './icons.tsx';
import { TensorInputs } from './TensorInputs.tsx';

type Errors = Record<string, string | undefined>;

const isJson = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/**
 * The input form generated from the signature, prefilled with the algorithm's input example:
 * one field per feature or column, or one editor per tensor input; "JSON" edits the raw record
 * instead. Reports the current record upward so the snippets always match. The JSON editor is
 * never reformatted on blur: that moved the Predict button under the pointer, and the first
 * click after a paste was lost.
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
  const [texts, setTexts] = useState<Record<string, string>>(() =>
    spec.kind === 'tensors' ? Object.fromEntries(Object.entries(startValues(spec.inputs, inputExampleOf(algorithm))).map(([k, v]) => [k, tensorJson(v)])) : {}
  );
  const [tensorErrors, setTensorErrors] = useState<Errors>({});
  const hasForm = spec.kind === 'fields' || spec.kind === 'tensors';
  const [mode, setMode] = useState<'form' | 'json'>(hasForm ? 'form' : 'json');
  const formRecord = (): Record<string, unknown> => {
    if (spec.kind === 'fields') return buildRecord(spec, keys, values);
    // a tensor editor that does not parse yet keeps its input out of the record (and the snippets)
    return Object.fromEntries(Object.entries(texts).flatMap(([k, text]) => {
      try {
        return [[k, JSON.parse(text) as unknown]];
      } catch {
        return [];
      }
    }));
  };
  const [json, setJson] = useState(() => (spec.kind === 'fields' ? JSON.stringify(formRecord(), null, 2) : spec.kind === 'tensors' ? recordJson(formRecord()) : exampleJson(spec)));
  const [jsonError, setJsonError] = useState<string | null>(null);

  const record = (): unknown => (mode === 'form' ? formRecord() : JSON.parse(json));
  useEffect(() => {
    // the example is the first record the snippets show
    try {
      onRecord(record());
    } catch {
      /* an invalid example stays out of the snippets */
    }
  }, []);
  useEffect(() => {
    if (mode === 'form' && spec.kind === 'tensors') onRecord(formRecord());
  }, [texts]);

  const update = (key: string, value: string | number) => {
    const next = { ...values, [key]: value };
    setValues(next);
    onRecord(buildRecord(spec, keys, next));
  };
  const updateTensor = (input: string, text: string) => {
    setTexts((t) => ({ ...t, [input]: text }));
    setTensorErrors((e) => ({ ...e, [input]: undefined }));
  };
  const switchMode = (next: string) => {
    if (next === 'json' && spec.kind === 'fields') setJson(JSON.stringify(buildRecord(spec, keys, values), null, 2));
    if (next === 'json' && spec.kind === 'tensors') setJson(recordJson(formRecord()));
    if (next === 'form' && spec.kind === 'tensors') {
      try {
        const edited = JSON.parse(json) as Record<string, unknown>;
        setTexts(Object.fromEntries(spec.inputs.map(({ slot }) => [slot.input, slot.input in edited ? tensorJson(edited[slot.input]) : (texts[slot.input] ?? '')])));
      } catch {
        /* the editors keep their values */
      }
    }
    setMode(next as 'form' | 'json');
  };
  /** Tensor editors are checked with the server's rule before anything is sent. */
  const checkTensors = (): boolean => {
    if (spec.kind !== 'tensors' || mode !== 'form') return true;
    const errors: Errors = {};
    for (const { slot } of spec.inputs) {
      const checked = checkTensorText(texts[slot.input] ?? '', slot, acceptsMissing(algorithm));
      if ('error' in checked) errors[slot.input] = checked.error;
    }
    setTensorErrors(errors);
    return Object.keys(errors).length === 0;
  };
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (!checkTensors()) return;
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
  const serverTensorErrors: Errors = spec.kind === 'tensors' && field && field in texts ? { [field]: errorMessage(error) } : {};
  const shownInline = mode === 'form' && !!field && (fieldKeys.has(field) || field in serverTensorErrors);

  return (
    <form onSubmit={submit} data-testid="predict-form">
      <Stack gap="sm">
        <Group justify="space-between">
          <Text size="sm" c="dimmed">
            {spec.kind === 'fields'
              ? spec.source === 'feature_names' ? 'One field per feature name' : 'One field per model input'
              : spec.kind === 'tensors' ? 'One tensor per model input, without the batch dimension' : `Send ${spec.hint}`}
          </Text>
          <Group gap="xs">
            {mode === 'json' && (
              <Button size="compact-xs" variant="subtle" disabled={!isJson(json)} onClick={() => setJson(JSON.stringify(JSON.parse(json), null, 2))} data-testid="predict-json-format">
                Format
              </Button>
            )}
            {hasForm && (
              <SegmentedControl size="xs" value={mode} onChange={switchMode} data={[{ value: 'form', label: 'Form' }, { value: 'json', label: 'JSON' }]} aria-label="Input mode" />
            )}
          </Group>
        </Group>
        {mode === 'form' && spec.kind === 'tensors' ? (
          <TensorInputs inputs={spec.inputs} texts={texts} errors={{ ...serverTensorErrors, ...tensorErrors }} onChange={updateTensor} />
        ) : mode === 'form' && spec.kind === 'fields' ? (
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
        {error !== null && error !== undefined && !jsonError && !shownInline && (
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
