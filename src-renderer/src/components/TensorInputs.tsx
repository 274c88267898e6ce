import { Badge, Group, JsonInput, Stack, Text } from '@mantine/core';
import { useMemo } from 'react';
import { maxEditableValues, tensorJson, valueCount, type TensorInputSpec } from '../lib/tensor-form.ts';
import { ImageTensorInput } from './ImageTensorInput.tsx';

/** A text's JSON, or null while it does not parse (the preview then says so). */
function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** One editor: the input's name, shape and type, a picture for image inputs, its values as JSON. */
function TensorEditor({ spec, text, error, onChange }: { spec: TensorInputSpec; text: string; error: string | undefined; onChange: (text: string) => void }) {
  const { slot, image } = spec;
  const value = useMemo(() => (image ? parsed(text) : null), [image, text]);
  const large = valueCount(slot) > maxEditableValues;
  return (
    <Stack gap={6} data-testid={`tensor-input-${slot.input}`}>
      <Group gap="xs">
        <Text size="sm" fw={600} className="md-mono">{slot.input}</Text>
        <Badge variant="light" color="indigo" size="sm" tt="none" className="md-mono" data-testid={`tensor-shape-${slot.input}`}>{spec.shapeText}</Badge>
      </Group>
      {image && <ImageTensorInput input={slot.input} layout={image} float32={slot.type === 'float32'} value={value} onTensor={(tensor) => onChange(tensorJson(tensor))} />}
      {large ? (
        <Text size="xs" c={error ? 'red' : 'dimmed'}>{error ?? `${valueCount(slot).toLocaleString()} values: too many to edit as text here; choose a picture or send them from code.`}</Text>
      ) : (
        <JsonInput
          aria-label={`${slot.input} values`}
          value={text}
          onChange={onChange}
          autosize
          minRows={1}
          maxRows={12}
          error={error}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12 } }}
          data-testid={`tensor-json-${slot.input}`}
        />
      )}
    </Stack>
  );
}

/** Per model input, an editor holding that input's tensor for one record (issue 21). */
export function TensorInputs({ inputs, texts, errors, onChange }: {
  inputs: TensorInputSpec[];
  texts: Record<string, string>;
  errors: Record<string, string | undefined>;
  onChange: (input: string, text: string) => void;
}) {
  return (
    <Stack gap="md" data-testid="tensor-inputs">
      {inputs.map((spec) => (
        <TensorEditor
          key={spec.slot.input}
          spec={spec}
          text={texts[spec.slot.input] ?? ''}
          error={errors[spec.slot.input]}
          onChange={(text) => onChange(spec.slot.input, text)}
        />
      ))}
    </Stack>
  );
}
