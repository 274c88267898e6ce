import { Button, Group, Paper, Stack, Text } from '@mantine/core';
import { useRef, useState } from 'react';
import { isDesktop } from '../lib/auth.ts';
import { formatBytes } from '../lib/format.ts';
import { IconUpload } from './icons.tsx';

/** what the desktop app's dialog returns (the bridge's type, declared on window by the preload) */
type PickedJobInput = NonNullable<Awaited<ReturnType<NonNullable<Window['modeldesk']>['pickJobInput']>>>;

/** The job's input: a file the browser uploads, or (desktop app) a path the native dialog granted. */
export type JobInput = { kind: 'upload'; file: File } | { kind: 'path'; picked: PickedJobInput };

export const inputName = (input: JobInput): string => (input.kind === 'upload' ? input.file.name : input.picked.name);
export const inputBytes = (input: JobInput): number => (input.kind === 'upload' ? input.file.size : input.picked.bytes);

/**
 * Drop a CSV or JSON Lines file here, or choose one. In the desktop app the native dialog picks
 * it and the server reads it where it is (nothing is uploaded); in a browser it is uploaded.
 */
export function JobInputPicker({ value, onChange }: { value: JobInput | null; onChange: (input: JobInput | null) => void }) {
  const fileInput = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const choose = async () => {
    if (isDesktop()) {
      const picked = await window.modeldesk!.pickJobInput();
      if (picked) onChange({ kind: 'path', picked });
    } else {
      fileInput.current?.click();
    }
  };
  return (
    <Paper
      withBorder
      p="lg"
      radius="md"
      style={{ borderStyle: 'dashed', borderWidth: 2, borderColor: over ? 'var(--mantine-color-indigo-5)' : undefined, background: over ? 'var(--mantine-color-indigo-light)' : undefined }}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        const file = e.dataTransfer.files[0];
        if (file) onChange({ kind: 'upload', file });
      }}
      data-testid="job-drop"
    >
      <input
        ref={fileInput}
        type="file"
        accept=".csv,.jsonl,.ndjson,.txt"
        hidden
        data-testid="job-file-input"
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          if (file) onChange({ kind: 'upload', file });
          e.currentTarget.value = '';
        }}
      />
      <Group justify="space-between" wrap="nowrap">
        <Stack gap={2}>
          {value ? (
            <>
              <Text fw={600} data-testid="job-input-name">{inputName(value)}</Text>
              <Text size="xs" c="dimmed">
                {formatBytes(inputBytes(value))} · {value.kind === 'path' ? `read where it is: ${value.picked.path}` : 'uploaded when the job starts'}
              </Text>
            </>
          ) : (
            <>
              <Text fw={600}>Drop a CSV or JSON Lines file here</Text>
              <Text size="xs" c="dimmed">CSV with a header row named like the model's inputs (education-num works), or one JSON object per line.</Text>
            </>
          )}
        </Stack>
        <Group gap="xs" wrap="nowrap">
          {value && <Button variant="subtle" color="gray" onClick={() => onChange(null)}>Clear</Button>}
          <Button variant="default" leftSection={<IconUpload size={16} />} onClick={() => void choose()} data-testid="job-choose">
            {value ? 'Choose another…' : 'Choose file…'}
          </Button>
        </Group>
      </Group>
    </Paper>
  );
}
