import { Button, FileInput, Group, Text } from '@mantine/core';
import { isDesktop } from '../lib/auth.ts';
import { formatBytes } from '../lib/format.ts';
import { IconUpload } from './icons.tsx';

export interface FilePickerProps {
  label: string;
  description?: string;
  /** e.g. ['onnx'] */
  extensions: string[];
  kind: string;
  file: File | null;
  onPick: (file: File | null) => void;
  error?: string | undefined;
  testId: string;
}

/** Picks one file: the native dialog in the desktop app, a file input in a browser. */
export function FilePicker({ label, description, extensions, kind, file, onPick, error, testId }: FilePickerProps) {
  const placeholder = `Choose ${extensions.map((e) => `.${e}`).join(' or ')} file…`;
  if (isDesktop()) {
    const open = async () => {
      const picked = await window.modeldesk!.openFile({ title: `Choose ${kind}`, filters: [{ name: kind, extensions }] });
      if (picked) onPick(new File([picked.bytes as Uint8Array<ArrayBuffer>], picked.name, { type: 'application/octet-stream' }));
    };
    return (
      <div>
        <Text size="sm" fw={500}>{label}</Text>
        {description && <Text size="xs" c="dimmed" mb={4}>{description}</Text>}
        <Group gap="sm">
          <Button variant="default" leftSection={<IconUpload size={16} />} onClick={() => void open()} data-testid={`${testId}-pick`}>
            {placeholder}
          </Button>
          {file && <Text size="sm">{file.name} · {formatBytes(file.size)}</Text>}
        </Group>
        {error && <Text size="xs" c="red" mt={4}>{error}</Text>}
      </div>
    );
  }
  return (
    <FileInput
      label={label}
      description={description}
      placeholder={placeholder}
      accept={extensions.map((e) => `.${e}`).join(',')}
      value={file}
      onChange={onPick}
      leftSection={<IconUpload size={16} />}
      clearable
      error={error}
      fileInputProps={{ 'data-testid': testId } as React.ComponentProps<'input'>}
      data-testid={`${testId}-button`}
    />
  );
}
